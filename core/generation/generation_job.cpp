#include "core/generation/generation_job.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <chrono>

#include "core/common/error.h"
#include "core/generation/latent_preview.h"
#include "core/guidance/guidance_combine.h"
#include "core/lora/lora_file.h"
#include "core/models/lora_branch.h"
#include "core/sampling/noise_schedule.h"
#include "core/sampling/sampler.h"
#include "core/sampling/sampling_loop.h"

namespace steer {

struct GenerationSession::Branches {
  at::Tensor strong;  // ε_ft(x, c): always the subject model with the prompt
  at::Tensor weak;    // the method's weak term; undefined outside a guidance interval
};

GenerationSession::GenerationSession(StableDiffusionModel& model) : model_(model) {}
GenerationSession::~GenerationSession() = default;

void GenerationSession::set_subject(const SubjectSpec& subject) {
  attachment_.reset();
  lora_.reset();
  encodings_.clear();
  subject_ = SubjectSpec{};
  switch (subject.kind) {
    case SubjectSpec::Kind::None:
      return;
    case SubjectSpec::Kind::Lora:
      lora_ = std::make_unique<LoraFile>(read_lora_file(subject.path, model_));
      attachment_ = std::make_unique<LoraAttachment>(model_, *lora_, subject.multiplier);
      break;
    case SubjectSpec::Kind::FineTuned:
      throw InputError(subject.path.string() + ": fully fine-tuned subjects are not supported by this build yet; "
                       "use a LoRA subject (a .safetensors LoRA file)");
  }
  subject_ = subject;
}

void GenerationSession::check_subject_for(const GenerationRequest& request) const {
  const bool has_subject = subject_.kind != SubjectSpec::Kind::None;
  const auto method = request.guidance.method;
  if (method == GuidanceMethod::Personalization && !has_subject)
    throw InputError("personalization guidance (pg) needs a subject (a LoRA or a fine-tuned model): without one, "
                     "θ_ω equals the base model for every ω and PG is plain CFG. Attach a subject or choose cfg.");
  if (method == GuidanceMethod::Autoguidance && !has_subject && request.guidance.weak.kind != WeakModel::Kind::Checkpoint)
    throw InputError("autoguidance (ag) with the weak model \"" + request.guidance.weak.to_string() +
                     "\" needs a subject: without one the weak and strong models are the same. Attach a subject or choose cfg.");
  if (method == GuidanceMethod::Autoguidance && request.guidance.weak.kind == WeakModel::Kind::Checkpoint)
    throw InputError("autoguidance with an earlier checkpoint as the weak model (" + request.guidance.weak.checkpoint +
                     ") is not supported by this build yet; use the weak model base or omega:W");
}

at::Tensor GenerationSession::encode(const std::string& prompt, double lora_scale, int clip_skip) {
  // Without a text-encoder LoRA every scale gives the same embedding.
  const bool te_lora = lora_ && !lora_->text_encoder.empty();
  const double key_scale = te_lora ? lora_scale : 1.0;
  auto key = std::make_tuple(prompt, key_scale, clip_skip);
  auto it = encodings_.find(key);
  if (it != encodings_.end()) return it->second;
  at::Tensor embedding;
  {
    const auto& o = model_.options();
    ScopedLoraSampleScales scales(te_lora ? at::full({1}, key_scale, at::TensorOptions().dtype(at::kFloat).device(o.device))
                                          : at::Tensor());
    embedding = model_.encode_prompt(prompt, clip_skip);
  }
  encodings_.emplace(key, embedding);
  return embedding;
}

GenerationSession::Branches GenerationSession::predict(const at::Tensor& x_in, double timestep, const GenerationRequest& request,
                                                       double omega, bool guided, const at::Tensor& cond_strong,
                                                       const at::Tensor& cond_weak, double weak_scale) {
  const auto& o = model_.options();
  const auto& unet = model_.unet();
  auto times = [&](int64_t batch) { return at::full({batch}, timestep, at::TensorOptions().dtype(at::kFloat).device(o.device)); };
  auto scales = [&](std::initializer_list<double> values) {
    return lora_ ? at::tensor(std::vector<double>(values), at::TensorOptions().dtype(at::kDouble)).to(o.device, at::kFloat)
                 : at::Tensor();
  };
  Branches b;
  if (!guided) {
    ScopedLoraSampleScales s(scales({1.0}));
    b.strong = unet.forward(x_in, times(1), UNetConditioning{cond_strong, {}, {}});
    return b;
  }
  if (request.batch_branches) {
    // One batch-2 call: [weak, strong], the order diffusers uses for [uncond, cond].
    ScopedLoraSampleScales s(scales({weak_scale, 1.0}));
    at::Tensor out = unet.forward(at::cat({x_in, x_in}), times(2), UNetConditioning{at::cat({cond_weak, cond_strong}), {}, {}});
    b.weak = out.slice(0, 0, 1);
    b.strong = out.slice(0, 1, 2);
  } else {
    {
      ScopedLoraSampleScales s(scales({weak_scale}));
      b.weak = unet.forward(x_in, times(1), UNetConditioning{cond_weak, {}, {}});
    }
    ScopedLoraSampleScales s(scales({1.0}));
    b.strong = unet.forward(x_in, times(1), UNetConditioning{cond_strong, {}, {}});
  }
  (void)omega;
  return b;
}

namespace {

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
  check_subject_for(request);
  c10::InferenceMode inference;
  const auto start = std::chrono::steady_clock::now();
  const auto& o = model_.options();
  const auto& g = request.guidance;

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
  const std::vector<int64_t> shape{1, model_.unet().config().in_channels, request.height / 8, request.width / 8};
  at::Tensor x;
  if (request.noise_on_device && o.device.type() != at::kCPU) {
    at::Generator device_generator = at::globalContext().defaultGenerator(o.device).clone();
    device_generator.set_current_seed(static_cast<uint64_t>(request.seed));
    x = initial_latents(*sampler, shape, device_generator, o.device, o.dtype);
  } else {
    x = initial_latents(*sampler, shape, noise_generator, o.device, o.dtype);
  }

  const at::Tensor cond_strong = encode(request.prompt, 1.0, request.clip_skip);
  GenerationResult result;
  for (int i = 0; i < request.steps; ++i) {
    if (cancel && cancel->load()) throw GenerationCancelled();
    const double t = sampler->timestep(i);
    const double sigma = sampler->sigma(i);
    const bool guided = g.guides_at(sigma);
    double omega = 1.0, weak_scale = 1.0;
    at::Tensor cond_weak;
    switch (g.method) {
      case GuidanceMethod::Cfg:
        cond_weak = encode(request.negative_prompt, 1.0, request.clip_skip);
        break;
      case GuidanceMethod::Personalization:
        omega = g.omega.at(i, request.steps);
        weak_scale = omega;
        cond_weak = encode(request.negative_prompt, omega, request.clip_skip);
        break;
      case GuidanceMethod::Autoguidance:
        weak_scale = g.weak.kind == WeakModel::Kind::Omega ? g.weak.omega : 0.0;
        cond_weak = encode(request.prompt, weak_scale, request.clip_skip);
        break;
    }
    const at::Tensor x_in = sampler->scale_model_input(x, i);
    Branches b = predict(x_in, t, request, omega, guided, cond_strong, cond_weak, weak_scale);
    const at::Tensor output = guided ? combine_guidance(b.strong, b.weak, g.scale, g.rescale) : b.strong;

    StepEvent event;
    if (on_step) {
      event.preview = project_latent_to_rgb(sampler->denoised(output, i, x));
      if (request.want_branch_previews) {
        event.preview_strong = project_latent_to_rgb(sampler->denoised(b.strong, i, x));
        if (b.weak.defined()) event.preview_weak = project_latent_to_rgb(sampler->denoised(b.weak, i, x));
      }
    }
    x = sampler->step(output, i, x, noise_generator);
    if (on_step) {
      event.step = i + 1;
      event.steps = request.steps;
      event.timestep = t;
      event.sigma = sigma;
      event.guided = guided;
      event.omega = omega;
      event.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (request.want_latents) event.latent = snapshot(x);
      on_step(event);
    }
  }
  if (cancel && cancel->load()) throw GenerationCancelled();
  if (request.want_latents) result.final_latent = snapshot(x);
  const double scaling = model_.vae().config().scaling_factor;
  result.image = decoded_to_image(model_.vae().decode(x / scaling));
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace steer
