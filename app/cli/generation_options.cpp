#include "app/cli/generation_options.h"

#include "core/common/checked_number.h"
#include "core/common/error.h"
#include "core/guidance/guidance_modifier.h"

namespace steer::cli {

std::set<std::string> generation_options() {
  return {"model",  "lora", "lora-scale", "finetuned", "prompt",   "negative",  "seed",   "width",
          "height", "size", "steps",      "sampler",   "eta",      "clip-skip", "method", "lambda",
          "omega",  "weak", "rescale",    "interval",  "modifier", "device",    "dtype"};
}

std::set<std::string> generation_switches() { return {"karras", "device-noise", "two-call", "unmerged-lora"}; }

std::string generation_options_help() {
  return std::string(
             "  --model DIR            diffusers model folder (required)\n"
             "  --lora FILE            the subject: a LoRA .safetensors (kohya or diffusers naming)\n"
             "  --lora-scale S         the LoRA's strength as the subject model θ_ft (default 1)\n"
             "  --finetuned DIR        the subject: a fully fine-tuned diffusers folder of the --model's architecture\n"
             "                         (loaded beside it: +2 UNet copies, θ_ft and the θ_ω workspace)\n"
             "  --prompt TEXT          the prompt c\n"
             "  --negative TEXT        the negative prompt, used as ∅ (default: empty)\n"
             "  --seed N               noise seed, 0 to 2^63-1 (default 0)\n"
             "  --size WxH | --width W --height H   image size, multiples of 8 (default 512x512)\n"
             "  --steps N              sampling steps (default 30)\n"
             "  --sampler NAME         ddim | euler | euler_a | dpmpp_2m (default euler)\n"
             "  --karras               Karras sigmas (euler, dpmpp_2m)\n"
             "  --eta E                DDIM eta (default 0)\n"
             "  --clip-skip K          use the text encoder's K-th last layer (default 0)\n"
             "  --method M             cfg | ag | pg (default cfg)\n"
             "  --lambda L             guidance scale λ (default 7.5)\n"
             "  --omega W              PG ω or schedule: 0.5, linear:0.2->0.8, cosine:0.2->1, interval:0.5@0.2-0.8\n"
             "  --weak MODEL           AG's weak model: base | omega:W | an earlier LoRA checkpoint .safetensors (default base)\n"
             "  --rescale PHI          CFG rescale φ in [0, 1] (default 0)\n"
             "  --interval LOW-HIGH    guide only for σ in (LOW, HIGH]\n"
             "  --modifier NAME[:K=V,...]  change how the guidance difference is applied, on any method:\n") +
         guidance_modifiers_help() +
         std::string(
             "  --device cpu|cuda      compute device (default cpu)\n"
             "  --dtype fp32|fp16|bf16 compute precision (default fp32)\n"
             "  --device-noise         draw noise on the device (faster; not the same image as CPU noise)\n"
             "  --two-call             run the guidance branches as two UNet calls instead of one batch\n"
             "  --unmerged-lora        keep the LoRA as separate branches even where every pass uses it at one\n"
             "                         strength (CFG); by default it is merged into the weights (faster)\n");
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
  return s;
}

GenerationRequest request_from(const Arguments& args) {
  GenerationRequest r;
  r.prompt = args.get("prompt");
  r.negative_prompt = args.get("negative");
  r.seed = args.seed("seed", 0);
  // The ranges GenerationRequest::validate allows, checked here while the value is still text
  // so that nothing too large for an int is wrapped before validate sees it.
  const std::string size_rule = "a positive multiple of 8 up to 4096 (e.g. 512)";
  r.width = args.int32("width", 512, 1, 4096, size_rule);
  r.height = args.int32("height", 512, 1, 4096, size_rule);
  if (args.has("size")) {
    const std::string size = args.get("size");
    const auto x = size.find('x');
    if (x == std::string::npos || x == 0 || x + 1 == size.size())
      throw InputError("--size \"" + size + "\" must be WIDTHxHEIGHT, e.g. 512x512");
    r.width = static_cast<int>(parse_whole_number(size.substr(0, x), "--size \"" + size + "\": the width", 1, 4096, size_rule));
    r.height =
        static_cast<int>(parse_whole_number(size.substr(x + 1), "--size \"" + size + "\": the height", 1, 4096, size_rule));
  }
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
