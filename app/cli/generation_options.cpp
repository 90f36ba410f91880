#include "app/cli/generation_options.h"

#include <iostream>
#include <utility>
#include <vector>

#include "core/common/checked_number.h"
#include "core/common/error.h"
#include "core/generation/image_size.h"
#include "core/guidance/guidance_modifier.h"

namespace steer::cli {

std::set<std::string> generation_options() {
  return {"model",  "lora", "lora-scale", "finetuned", "prompt",   "negative",  "seed",   "width",
          "height", "size", "steps",      "sampler",   "eta",      "clip-skip", "method", "lambda",
          "omega",  "weak", "rescale",    "interval",  "modifier", "device",    "dtype"};
}

std::set<std::string> generation_switches() { return {"karras", "device-noise", "two-call", "unmerged-lora"}; }

std::string generation_options_help(const std::set<std::string>& listed_elsewhere) {
  // One entry per option, in the order shown. Only symbols a user can type: the Greek letters
  // of docs/guidance.md are spelled out (lambda, omega, phi, sigma).
  const std::vector<std::pair<std::string, std::string>> entries = {
      {"model", "  --model DIR            diffusers model folder (required)\n"},
      {"lora", "  --lora FILE            the subject: a LoRA .safetensors (kohya or diffusers naming)\n"},
      {"lora-scale", "  --lora-scale S         the LoRA's strength in the subject model (default 1: as trained)\n"},
      {"finetuned",
       "  --finetuned DIR        the subject: a fully fine-tuned diffusers folder of the --model's architecture\n"
       "                         (loaded beside it: two more UNet copies, the subject and PG's omega blend)\n"},
      {"prompt", "  --prompt TEXT          the prompt\n"},
      {"negative",
       "  --negative TEXT        the negative prompt, used where guidance would use the empty prompt\n"
       "                         (default: the empty prompt)\n"},
      {"seed", "  --seed N               noise seed, 0 to 2^63-1 (default 0)\n"},
      {"size",
       "  --size WxH | --width W --height H   image size in whole latent cells (multiples of 8 for SD, of 4\n"
       "                         for the demo model); default: the model's native size (steer info prints it:\n"
       "                         512x512 for SD 1.5, 64x64 for the demo model)\n"},
      {"steps", "  --steps N              sampling steps (default 30)\n"},
      {"sampler", "  --sampler NAME         ddim | euler | euler_a | dpmpp_2m (default euler)\n"},
      {"karras", "  --karras               Karras sigmas (euler, dpmpp_2m)\n"},
      {"eta", "  --eta E                DDIM eta (default 0)\n"},
      {"clip-skip", "  --clip-skip K          use the text encoder's K-th last layer (default 0)\n"},
      {"method", "  --method M             cfg | ag | pg (default cfg)\n"},
      {"lambda", "  --lambda L             guidance scale lambda (default 7.5)\n"},
      {"omega",
       "  --omega W              PG's omega in [0, 1] (default 0.5): 0 pushes hardest toward the subject, 1 is\n"
       "                         the same as CFG (docs/guidance.md); or a schedule: linear:0.2->0.8,\n"
       "                         cosine:0.2->1, interval:0.5@0.2-0.8\n"},
      {"weak",
       "  --weak MODEL           AG's weak model: base | omega:W | an earlier LoRA checkpoint .safetensors (default base)\n"},
      {"rescale", "  --rescale PHI          CFG rescale phi in [0, 1] (default 0)\n"},
      {"interval", "  --interval LOW-HIGH    guide only at noise levels sigma above LOW and up to HIGH\n"},
      {"modifier", "  --modifier NAME[:K=V,...]  change how the guidance difference is applied, on any method:\n" +
                       guidance_modifiers_help()},
      {"device", "  --device cpu|cuda      compute device (default cpu)\n"},
      {"dtype", "  --dtype fp32|fp16|bf16 compute precision (default fp32)\n"},
      {"device-noise", "  --device-noise         draw noise on the device (faster; not the same image as CPU noise)\n"},
      {"two-call", "  --two-call             run the guidance branches as two UNet calls instead of one batch\n"},
      {"unmerged-lora",
       "  --unmerged-lora        keep the LoRA as separate branches even where every pass uses it at one\n"
       "                         strength (CFG); by default it is merged into the weights (faster)\n"},
  };
  std::string out;
  for (const auto& [name, text] : entries)
    if (!listed_elsewhere.count(name)) out += text;
  return out;
}

std::string model_folder_from(const Arguments& args) {
  const std::string model = args.get("model");
  if (model.empty()) throw InputError("--model is required: the folder of a diffusers model (the one holding model_index.json)");
  return model;
}

EngineOptions engine_options_from(const Arguments& args) {
  EngineOptions o;
  o.device = args.get("device", "cpu");
  o.dtype = args.get("dtype", "fp32");
  o.validate();  // the engine's one parser of these words: an unknown one is refused before any work
  return o;
}

SizeGiven size_given(const Arguments& args) {
  return SizeGiven{args.has("size") || args.has("width"), args.has("size") || args.has("height")};
}

void fit_size_to_model(GenerationRequest& request, SizeGiven given, const ModelSummary& model) {
  if (model.native_resolution > 0) {
    if (!given.width) request.width = model.native_resolution;
    if (!given.height) request.height = model.native_resolution;
  }
  check_image_size(request.width, request.height, model.latent_factor);
  const std::string note = native_size_note(request.width, request.height, model.native_resolution);
  if (!note.empty()) std::cerr << note << "\n";
}

SubjectSpec subject_from(const Arguments& args) {
  SubjectSpec s;
  if (args.has("lora") && args.has("finetuned")) throw InputError("--lora and --finetuned both name a subject; give one of them");
  if (args.has("finetuned")) {
    s.kind = SubjectSpec::Kind::FineTuned;
    s.path = args.get("finetuned");
  }
  if (args.has("lora")) {
    s.kind = SubjectSpec::Kind::Lora;
    s.path = args.get("lora");
    s.multiplier = args.number("lora-scale", 1.0);
  }
  // Refused before the model loads (minutes for a real one), not after.
  s.validate();
  return s;
}

GenerationRequest request_from(const Arguments& args) {
  GenerationRequest r;
  r.prompt = args.get("prompt");
  r.negative_prompt = args.get("negative");
  r.seed = args.seed("seed", 0);
  // The ranges GenerationRequest::validate allows, checked here while the value is still text
  // so that nothing too large for an int is wrapped before validate sees it.
  // A side not given keeps GenerationRequest's default until the model is loaded, when
  // fit_size_to_model gives it the model's native size.
  const std::string size_rule = "a positive multiple of 8 up to 4096 (e.g. 512)";
  r.width = args.int32("width", r.width, 1, kMaxImageSide, size_rule);
  r.height = args.int32("height", r.height, 1, kMaxImageSide, size_rule);
  if (args.has("size")) {
    const std::string size = args.get("size");
    const auto x = size.find('x');
    if (x == std::string::npos || x == 0 || x + 1 == size.size())
      throw InputError("--size \"" + size + "\" must be WIDTHxHEIGHT, e.g. 512x512");
    r.width = static_cast<int>(
        parse_whole_number(size.substr(0, x), "--size \"" + size + "\": the width", 1, kMaxImageSide, size_rule));
    r.height = static_cast<int>(
        parse_whole_number(size.substr(x + 1), "--size \"" + size + "\": the height", 1, kMaxImageSide, size_rule));
  }
  // Whole cells of the smallest latent factor any model has (4, the demo model's), checked here
  // to name the nearest valid sides before a model loads; the loaded model's own factor (8 for
  // SD) is checked by fit_size_to_model.
  check_image_size(r.width, r.height, 4);
  r.steps = args.int32("steps", 30, 1, 1000);
  r.sampler = args.get("sampler", "euler");
  r.karras_sigmas = args.has("karras");
  r.eta = args.number("eta", 0.0);
  r.clip_skip = args.int32("clip-skip", 0, 0, 11);
  r.guidance.method = parse_guidance_method(args.get("method", "cfg"));
  r.guidance.scale = args.number("lambda", 7.5);
  if (args.has("omega")) r.guidance.omega = OmegaSchedule::parse(args.get("omega"));
  if (args.has("weak")) r.guidance.weak = WeakModel::parse(args.get("weak"));
  r.guidance.rescale = args.number("rescale", 0.0);
  if (args.has("interval")) r.guidance.set_interval(args.get("interval"));
  for (const auto& m : args.all("modifier")) r.guidance.modifiers.push_back(ModifierSettings::parse(m));
  r.noise_on_device = args.has("device-noise");
  r.batch_branches = !args.has("two-call");
  r.merge_lora = !args.has("unmerged-lora");
  return r;
}

}  // namespace steer::cli
