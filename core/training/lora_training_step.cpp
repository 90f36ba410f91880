#include "core/training/lora_training_step.h"

#include <ATen/ATen.h>
#include <c10/core/GradMode.h>
#include <c10/core/InferenceMode.h>

#include <cmath>
#include <stdexcept>
#include <utility>

#include "core/common/error.h"
#include "core/lora/lora_file.h"
#include "core/models/layers.h"
#include "core/pipeline/stable_diffusion_model.h"

namespace steer::training {

namespace {

// ab[t] reshaped to [B, 1, 1, ...] for a sample of x's rank (DDPMScheduler's broadcast).
std::pair<at::Tensor, at::Tensor> sqrt_alpha_terms(const at::Tensor& alphas_cumprod, const at::Tensor& like,
                                                   const at::Tensor& timesteps) {
  at::Tensor ac = alphas_cumprod.to(like.device(), like.scalar_type());
  at::Tensor t = timesteps.to(like.device(), at::kLong);
  at::Tensor a = ac.index_select(0, t);
  std::vector<int64_t> shape(static_cast<size_t>(like.dim()), 1);
  shape[0] = -1;
  at::Tensor sqrt_a = a.pow(0.5).reshape(shape);
  at::Tensor sqrt_1ma = (1 - a).pow(0.5).reshape(shape);
  return {sqrt_a, sqrt_1ma};
}

}  // namespace

at::Tensor alphas_cumprod_tensor(const NoiseSchedule& schedule, at::Device device) {
  const auto& ac = schedule.alphas_cumprod();
  return at::tensor(ac, at::TensorOptions().dtype(at::kFloat)).to(device);
}

at::Tensor add_noise(const at::Tensor& alphas_cumprod, const at::Tensor& x0, const at::Tensor& noise,
                     const at::Tensor& timesteps) {
  auto [sa, s1ma] = sqrt_alpha_terms(alphas_cumprod, x0, timesteps);
  return sa * x0 + s1ma * noise;
}

at::Tensor get_velocity(const at::Tensor& alphas_cumprod, const at::Tensor& x0, const at::Tensor& noise,
                        const at::Tensor& timesteps) {
  auto [sa, s1ma] = sqrt_alpha_terms(alphas_cumprod, x0, timesteps);
  return sa * noise - s1ma * x0;
}

at::Tensor compute_snr(const at::Tensor& alphas_cumprod, const at::Tensor& timesteps) {
  at::Tensor ac = alphas_cumprod.to(at::kFloat);
  at::Tensor t = timesteps.to(ac.device(), at::kLong);
  at::Tensor alpha = ac.pow(0.5).index_select(0, t);
  at::Tensor sigma = (1.0 - ac).pow(0.5).index_select(0, t);
  return (alpha / sigma).pow(2);
}

at::Tensor min_snr_weights(const at::Tensor& snr, double gamma, PredictionType prediction) {
  at::Tensor w = at::minimum(snr, at::full_like(snr, gamma));
  return prediction == PredictionType::VPrediction ? w / (snr + 1) : w / snr;
}

// ---- AdamW ------------------------------------------------------------------------------------

AdamW::AdamW(std::vector<at::Tensor> params, AdamWOptions options)
    : params_(std::move(params)), steps_(params_.size(), 0), options_(options) {
  for (const auto& p : params_) {
    exp_avg_.push_back(at::zeros_like(p, at::MemoryFormat::Preserve));
    exp_avg_sq_.push_back(at::zeros_like(p, at::MemoryFormat::Preserve));
  }
}

void AdamW::zero_grad() {
  for (auto& p : params_)
    if (p.grad().defined()) p.mutable_grad() = at::Tensor();
}

void AdamW::step() {
  at::NoGradGuard no_grad;
  ++step_;
  const auto& o = options_;
  for (size_t i = 0; i < params_.size(); ++i) {
    at::Tensor& p = params_[i];
    const at::Tensor& g = p.grad();
    if (!g.defined()) continue;
    const int64_t t = ++steps_[i];
    p.mul_(1 - o.lr * o.weight_decay);
    exp_avg_[i].lerp_(g, 1 - o.beta1);
    exp_avg_sq_[i].mul_(o.beta2).addcmul_(g, g, 1 - o.beta2);
    const double bc1 = 1 - std::pow(o.beta1, static_cast<double>(t));
    const double bc2 = 1 - std::pow(o.beta2, static_cast<double>(t));
    const double step_size = o.lr / bc1;
    const double bc2_sqrt = std::sqrt(bc2);
    at::Tensor denom = (exp_avg_sq_[i].sqrt() / bc2_sqrt).add_(o.eps);
    p.addcdiv_(exp_avg_[i], denom, -step_size);
  }
}

// ---- objective ---------------------------------------------------------------------------------

LossParts training_loss(const StableDiffusionModel& model, const at::Tensor& alphas_cumprod, const TrainingBatch& batch,
                        const TrainingObjective& objective) {
  if (objective.prior_preservation && objective.snr_gamma)
    throw std::invalid_argument("training_loss: prior preservation with min-SNR weighting is not defined");
  const at::Device device = model.options().device;
  at::Tensor x0 = batch.latents.to(device, at::kFloat);
  at::Tensor noise = batch.noise.to(device, at::kFloat);
  at::Tensor t = batch.timesteps.to(device, at::kLong);
  at::Tensor noisy = add_noise(alphas_cumprod, x0, noise, t);
  // The model runs in its compute dtype (mixed precision); the loss is taken in fp32.
  const at::ScalarType compute = model.options().dtype;
  UNetConditioning cond;
  cond.encoder_hidden_states = batch.encoder_hidden_states.to(device, compute);
  at::Tensor pred = model.unet().forward(noisy.to(compute), t, cond).to(at::kFloat);
  at::Tensor target = objective.prediction == PredictionType::VPrediction ? get_velocity(alphas_cumprod, x0, noise, t) : noise;
  if (batch.prior_target.defined()) {
    if (!objective.prior_preservation) throw std::invalid_argument("training_loss: a prior target without prior preservation");
    const int64_t half = target.size(0) / 2;
    target = at::cat({target.slice(0, 0, half), batch.prior_target.to(device, at::kFloat)});
  }

  LossParts out;
  if (objective.prior_preservation) {
    const int64_t n = pred.size(0);
    if (n % 2 != 0) throw std::invalid_argument("training_loss: prior preservation needs an even batch");
    auto p = pred.chunk(2, 0), g = target.chunk(2, 0);
    out.instance_loss = at::mse_loss(p[0], g[0]);
    out.prior_loss = at::mse_loss(p[1], g[1]);
    out.loss = out.instance_loss + objective.prior_loss_weight * out.prior_loss;
  } else if (objective.snr_gamma) {
    at::Tensor snr = compute_snr(alphas_cumprod, t);
    at::Tensor w = min_snr_weights(snr, *objective.snr_gamma, objective.prediction);
    at::Tensor per = at::mse_loss(pred, target, at::Reduction::None);
    std::vector<int64_t> dims;
    for (int64_t d = 1; d < per.dim(); ++d) dims.push_back(d);
    out.loss = (per.mean(dims) * w).mean();
  } else {
    out.loss = at::mse_loss(pred, target);
  }
  return out;
}

StepResult lora_training_step(const StableDiffusionModel& model, const at::Tensor& alphas_cumprod, const TrainingBatch& batch,
                              const TrainingObjective& objective, AdamW& optimizer) {
  if (c10::InferenceMode::is_enabled())
    throw std::logic_error("lora_training_step: called under c10::InferenceMode (autograd is needed)");
  c10::AutoGradMode grad(true);
  optimizer.zero_grad();
  LossParts parts = training_loss(model, alphas_cumprod, batch, objective);
  parts.loss.backward();
  optimizer.step();
  StepResult r;
  r.loss = parts.loss.item<double>();
  if (parts.instance_loss.defined()) r.instance_loss = parts.instance_loss.item<double>();
  if (parts.prior_loss.defined()) r.prior_loss = parts.prior_loss.item<double>();
  return r;
}

}  // namespace steer::training
