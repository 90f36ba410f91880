#include "core/generation/generation_job.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <chrono>
#include <optional>

#include "core/common/error.h"
#include "core/common/number_text.h"
#include "core/generation/finetuned_subject.h"
#include "core/generation/image_size.h"
#include "core/generation/latent_preview.h"
#include "core/guidance/guidance_combine.h"
#include "core/guidance/guidance_method.h"
#include "core/guidance/guidance_modifier.h"
#include "core/lora/lora_file.h"
#include "core/lora/lora_merge.h"
#include "core/models/lora_branch.h"
#include "core/sampling/noise_schedule.h"
#include "core/sampling/sampler.h"
#include "core/sampling/sampling_loop.h"

namespace steer {

struct GenerationSession::Branches {
  at::Tensor strong;  // ε_ft(x, c): always the subject model with the prompt
  at::Tensor weak;    // the method's weak term; undefined outside a guidance interval
};

namespace {

// LoRA weights on the model's device and in its dtype once, so that attaching them (a
// checkpoint swapped in around AG's weak pass) converts nothing.
void place_on_model(LoraFile& lora, const StableDiffusionModel& model) {
  const auto& o = model.options();
  for (auto* targets : {&lora.unet, &lora.text_encoder})
    for (auto& t : *targets) {
      t.branch.down = t.branch.down.to(o.device, o.dtype).contiguous();
      t.branch.up = t.branch.up.to(o.device, o.dtype).contiguous();
    }
}

}  // namespace

GenerationSession::GenerationSession(StableDiffusionModel& model) : model_(model) {}
GenerationSession::~GenerationSession() = default;

void GenerationSession::set_subject(const SubjectSpec& subject) {
  subject.validate();
  attachment_.reset();
  lora_.reset();
  finetuned_.reset();
  encodings_.clear();
  memory_note_.clear();
  subject_ = SubjectSpec{};
  const int64_t text_width = model_.text_encoder().config().hidden_size;
  switch (subject.kind) {
    case SubjectSpec::Kind::None:
      return;
    case SubjectSpec::Kind::Lora: {
      // Before the LoRA reader, whose message for such a file would only say "not LoRA weights".
      const std::string ti = textual_inversion_signature(subject.path, text_width);
      if (!ti.empty()) throw InputError(textual_inversion_refusal(subject.path, ti));
      lora_ = std::make_unique<LoraFile>(read_lora_file(subject.path, model_));
      place_on_model(*lora_, model_);
      attachment_ = std::make_unique<LoraAttachment>(model_, *lora_, subject.multiplier);
      break;
    }
    case SubjectSpec::Kind::FineTuned: {
      if (std::filesystem::is_regular_file(subject.path)) {
        const std::string ti = textual_inversion_signature(subject.path, text_width);
        if (!ti.empty()) throw InputError(textual_inversion_refusal(subject.path, ti));
      }
      finetuned_ = std::make_unique<FineTunedSubject>(model_, subject.path);
      memory_note_ = finetuned_->memory_note();
      break;
    }
  }
  subject_ = subject;
}

SubjectFacts GenerationSession::subject_facts() const {
  SubjectFacts facts;
  facts.path = subject_.path.string();
  switch (subject_.kind) {
    case SubjectSpec::Kind::None:
      facts.kind = SubjectFacts::Kind::None;
      break;
    case SubjectSpec::Kind::Lora:
      facts.kind = SubjectFacts::Kind::Lora;
      break;
    case SubjectSpec::Kind::FineTuned:
      facts.kind = SubjectFacts::Kind::FineTuned;
      break;
  }
  return facts;
}

const LoraFile& GenerationSession::checkpoint_lora(const std::string& path) {
  auto it = checkpoints_.find(path);
  if (it != checkpoints_.end()) return *it->second;
  const std::string ti = textual_inversion_signature(path, model_.text_encoder().config().hidden_size);
  if (!ti.empty())
    throw InputError(path + " is a textual-inversion embedding (" + ti +
                     "), not an earlier LoRA checkpoint of the subject; "
                     "AG's weak model is base, omega:W or a LoRA .safetensors file");
  auto file = std::make_unique<LoraFile>(read_lora_file(path, model_));
  place_on_model(*file, model_);
  return *checkpoints_.emplace(path, std::move(file)).first->second;
}

template <class F>
void GenerationSession::with_checkpoint(const LoraFile& checkpoint, F&& body) {
  // The checkpoint replaces the subject for the pass: the same strength, the subject off.
  struct Reattach {
    GenerationSession& session;
    ~Reattach() {
      if (session.lora_ && !session.attachment_)
        session.attachment_ = std::make_unique<LoraAttachment>(session.model_, *session.lora_, session.subject_.multiplier);
    }
  } reattach{*this};
  attachment_.reset();
  const double multiplier = lora_ ? subject_.multiplier : 1.0;
  LoraAttachment weak(model_, checkpoint, multiplier);
  ScopedLoraSampleScales scales{at::Tensor()};  // scale 1 for every sample
  body();
}

at::Tensor GenerationSession::encode(const std::string& prompt, double lora_scale, int clip_skip) {
  return encode_for(prompt, PassModel{lora_scale, nullptr}, clip_skip);
}

at::Tensor GenerationSession::encode_for(const std::string& prompt, const PassModel& pass, int clip_skip) {
  std::string tag;
  double key_scale = 1.0;  // every scale gives the same embedding unless the text encoder depends on it
  if (pass.checkpoint) {
    tag = "ckpt:" + pass.checkpoint->path.string();
  } else if (finetuned_) {
    if (finetuned_->text_encoder_differs()) key_scale = pass.weight;
  } else if (lora_ && !lora_->text_encoder.empty()) {
    key_scale = pass.weight;
  }
  auto key = std::make_tuple(tag, prompt, key_scale, clip_skip);
  auto it = encodings_.find(key);
  if (it != encodings_.end()) return it->second;
  at::Tensor embedding;
  if (pass.checkpoint) {
    with_checkpoint(*pass.checkpoint, [&] { embedding = model_.encode_prompt(prompt, clip_skip); });
  } else if (finetuned_) {
    embedding = finetuned_->encode_prompt(prompt, key_scale, clip_skip);
  } else {
    const auto& o = model_.options();
    const bool te_lora = lora_ && !lora_->text_encoder.empty();
    ScopedLoraSampleScales scales(te_lora ? at::full({1}, key_scale, at::TensorOptions().dtype(at::kFloat).device(o.device))
                                          : at::Tensor());
    embedding = model_.encode_prompt(prompt, clip_skip);
  }
  encodings_.emplace(key, embedding);
  return embedding;
}

at::Tensor GenerationSession::run_unet(const PassModel& pass, const at::Tensor& x_in, double timestep, const at::Tensor& cond) {
  const auto& o = model_.options();
  const at::Tensor t = at::full({1}, timestep, at::TensorOptions().dtype(at::kFloat).device(o.device));
  if (pass.checkpoint) {
    at::Tensor out;
    with_checkpoint(*pass.checkpoint, [&] { out = model_.unet().forward(x_in, t, UNetConditioning{cond, {}, {}}); });
    return out;
  }
  if (finetuned_) return finetuned_->unet_at(pass.weight).forward(x_in, t, UNetConditioning{cond, {}, {}});
  ScopedLoraSampleScales s(lora_ ? at::full({1}, pass.weight, at::TensorOptions().dtype(at::kDouble)).to(o.device, at::kFloat)
                                 : at::Tensor());
  return model_.unet().forward(x_in, t, UNetConditioning{cond, {}, {}});
}

GenerationSession::Branches GenerationSession::predict(const at::Tensor& x_in, double timestep, const GenerationRequest& request,
                                                       bool guided, const at::Tensor& cond_strong, const at::Tensor& cond_weak,
                                                       const PassModel& weak) {
  const PassModel strong{1.0, nullptr};
  Branches b;
  if (!guided) {
    b.strong = run_unet(strong, x_in, timestep, cond_strong);
    return b;
  }
  // One batch-2 call needs one network for both passes: a LoRA subject (per-sample scales
  // [weak, 1]) or none; a fine-tuned subject only when the weak pass is θ_ft too.
  const bool one_network = !weak.checkpoint && (!finetuned_ || weak.weight == 1.0);
  if (request.batch_branches && one_network) {
    // [weak, strong], the order diffusers uses for [uncond, cond].
    const auto& o = model_.options();
    const UNet2DConditionModel& unet = finetuned_ ? finetuned_->unet_at(1.0) : model_.unet();
    ScopedLoraSampleScales s(
        lora_ ? at::tensor(std::vector<double>{weak.weight, 1.0}, at::TensorOptions().dtype(at::kDouble)).to(o.device, at::kFloat)
              : at::Tensor());
    const at::Tensor times = at::full({2}, timestep, at::TensorOptions().dtype(at::kFloat).device(o.device));
    at::Tensor out = unet.forward(at::cat({x_in, x_in}), times, UNetConditioning{at::cat({cond_weak, cond_strong}), {}, {}});
    b.weak = out.slice(0, 0, 1);
    b.strong = out.slice(0, 1, 2);
  } else {
    b.weak = run_unet(weak, x_in, timestep, cond_weak);
    b.strong = run_unet(strong, x_in, timestep, cond_strong);
  }
  return b;
}

namespace {

bool all_finite(const at::Tensor& t) { return at::isfinite(t).all().item<bool>(); }

// A NaN or Inf in a prediction poisons every later step and decodes to a black image: stop at
// the first one and say which branch produced it.
void check_finite(const at::Tensor& output, int step, int steps, const at::Tensor& strong, const at::Tensor& weak,
                  const BranchPlan& plan) {
  if (all_finite(output)) return;
  std::string where;
  if (!all_finite(strong))
    where = "the strong branch (the subject model with the prompt)";
  else if (weak.defined() && !all_finite(weak))
    where = "the weak branch (" +
            (plan.checkpoint.empty() ? "subject weight " + number_text(plan.subject_weight) : plan.checkpoint) + ", " +
            (plan.prompt == BranchPlan::Prompt::Positive ? "the prompt" : "the negative or empty prompt") + ")";
  else
    where = "the guidance combination (both branches are finite)";
  throw Error("step " + std::to_string(step + 1) + " of " + std::to_string(steps) + ": " + where +
              " gave NaN or infinite values. Likely causes: NaN/Inf in the model or LoRA weights, or fp16 overflow "
              "(try --dtype fp32 or bf16, or a lower guidance scale).");
}

LatentSnapshot snapshot(const at::Tensor& t) {
  at::Tensor c = t.to(at::kCPU, at::kFloat).contiguous();
  LatentSnapshot s;
  s.shape.assign(c.sizes().begin(), c.sizes().end());
  s.values.assign(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
  return s;
}

}  // namespace

GenerationResult GenerationSession::generate(const GenerationRequest& request, const StepCallback& on_step,
                                             const std::atomic<bool>* cancel) {
  request.validate();
  // Sides in whole latent cells of this model's VAE (8 for SD, 4 for the demo model).
  check_image_size(request.width, request.height, static_cast<int>(model_.vae().config().downscale_factor()));
  const auto& g = request.guidance;
  const GuidanceMethodRule& rule = guidance_method_rule(g.method);
  rule.check(g, subject_facts());
  c10::InferenceMode inference;
  const auto start = std::chrono::steady_clock::now();
  const auto& o = model_.options();

  const NoiseSchedule schedule = NoiseSchedule::from_config(model_.scheduler_config());
  SamplerSettings sampler_settings;
  sampler_settings.kind = parse_sampler_name(request.sampler);
  sampler_settings.karras_sigmas = request.karras_sigmas;
  sampler_settings.eta = request.eta;
  auto sampler = make_sampler(sampler_settings, schedule, request.steps);

  // Noise rule: by default drawn with torch's CPU generator in the compute dtype, then
  // moved to the device — the same numbers diffusers draws with a CPU generator, so a
  // seed gives the same image on any device (README, "Seeds").
  at::Generator noise_generator = at::detail::createCPUGenerator(static_cast<uint64_t>(request.seed));
  const int64_t f = model_.vae().config().downscale_factor();
  if (request.width % f != 0 || request.height % f != 0)
    throw InputError("size " + std::to_string(request.width) + "x" + std::to_string(request.height) +
                     " is not a multiple of this model's " + std::to_string(f) + "-pixel latent cells");
  const std::vector<int64_t> shape{1, model_.unet().config().in_channels, request.height / f, request.width / f};
  at::Tensor x;
  if (request.noise_on_device && o.device.type() != at::kCPU) {
    at::Generator device_generator = at::globalContext().defaultGenerator(o.device).clone();
    device_generator.set_current_seed(static_cast<uint64_t>(request.seed));
    x = initial_latents(*sampler, shape, device_generator, o.device, o.dtype);
  } else {
    x = initial_latents(*sampler, shape, noise_generator, o.device, o.dtype);
  }

  const at::Tensor cond_strong = encode(request.prompt, 1.0, request.clip_skip);
  // Weak-branch checkpoints (AG) are read, and any problem with them reported, before the first step.
  const BranchPlan first_weak = rule.weak_branch(g, 0, request.steps);
  if (!first_weak.checkpoint.empty()) checkpoint_lora(first_weak.checkpoint);
  // Per-job modifier state (e.g. APG's momentum), fresh for every image.
  std::vector<std::unique_ptr<GuidanceModifier>> modifiers;
  for (const auto& m : g.modifiers) modifiers.push_back(find_guidance_modifier(m.name)->start(m));

  // The predictions of the step in flight, for the step event's branch previews.
  Branches branches;
  bool guided = true;
  double omega = 1.0;
  const PredictionFn guided_prediction = [&](const at::Tensor& x_in, double t, int i) -> at::Tensor {
    guided = g.guides_at(sampler->sigma(i));
    omega = rule.reported_omega(g, i, request.steps);
    const BranchPlan plan = rule.weak_branch(g, i, request.steps);
    const PassModel weak{plan.subject_weight, plan.checkpoint.empty() ? nullptr : &checkpoint_lora(plan.checkpoint)};
    const std::string& weak_prompt = plan.prompt == BranchPlan::Prompt::Positive ? request.prompt : request.negative_prompt;
    const at::Tensor cond_weak = guided ? encode_for(weak_prompt, weak, request.clip_skip) : at::Tensor();
    branches = predict(x_in, t, request, guided, cond_strong, cond_weak, weak);
    at::Tensor output = branches.strong;
    if (guided) {
      output = modifiers.empty() ? combine_guidance(branches.strong, branches.weak, g.scale)
                                 : modifiers.back()->combine(branches.strong, branches.weak, g.scale);
      output = apply_cfg_rescale(branches.strong, output, g.rescale);
    }
    check_finite(output, i, request.steps, branches.strong, branches.weak, plan);
    return output;
  };
  StepObserver observe;
  if (on_step) {
    observe = [&](const SamplingStep& s) {
      StepEvent event;
      event.preview = project_latent_to_rgb(s.denoised);
      if (request.want_branch_previews) {
        event.preview_strong = project_latent_to_rgb(sampler->denoised(branches.strong, s.step, s.x));
        if (branches.weak.defined()) event.preview_weak = project_latent_to_rgb(sampler->denoised(branches.weak, s.step, s.x));
      }
      event.step = s.step + 1;
      event.steps = request.steps;
      event.timestep = s.timestep;
      event.sigma = s.sigma;
      event.guided = guided;
      event.omega = omega;
      event.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (request.want_latents) event.latent = snapshot(s.x_next);
      on_step(event);
    };
  }
  // The fast path: one LoRA weight for every pass of every step.
  std::optional<ScopedLoraMerge> merged;
  if (request.merge_lora && lora_ && attachment_ && !finetuned_) {
    bool one_weight = true;
    for (int i = 0; i < request.steps && one_weight; ++i) {
      const BranchPlan plan = rule.weak_branch(g, i, request.steps);
      one_weight = plan.checkpoint.empty() && plan.subject_weight == 1.0;
    }
    if (one_weight) merged.emplace(model_.unet(), 1.0);
  }
  x = run_sampling(*sampler, x, noise_generator, guided_prediction, observe, cancel);
  merged.reset();
  throw_if_cancelled(cancel);
  GenerationResult result;
  if (request.want_latents) result.final_latent = snapshot(x);
  const double scaling = model_.vae().config().scaling_factor;
  result.image = decoded_to_image(model_.vae().decode(x / scaling));
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace steer
