#pragma once
// One LoRA training step as diffusers' LoRA training scripts compute it (docs/model-notes.md §7, §8):
// train_dreambooth_lora.py / train_text_to_image_lora.py. The UNet runs in the model's
// compute dtype; targets and the loss are fp32. Whatever is attached to the model (a
// TrainableLora, trainable full weights) is what the gradients reach.
//
//   z_t    = sqrt(ab_t)·z0 + sqrt(1-ab_t)·ε                 (DDPMScheduler.add_noise)
//   target = ε | sqrt(ab_t)·ε - sqrt(1-ab_t)·z0            (epsilon | v_prediction, get_velocity)
//   pred   = unet(z_t, t, encoder_hidden_states)  with the trainable LoRA branches attached
//   loss   = mse(pred, target) (mean)
//          | min-SNR-γ: mean_b( w_b · mean(per-sample squared error) ),
//              snr = ab/(1-ab) (training_utils.compute_snr), w = min(snr, γ)/snr (ε) or /(snr+1) (v)
//          | prior preservation: batch = [instance; class], loss = mse(instance) + λ·mse(class)
//            (train_dreambooth_lora.py; it does not combine prior preservation with min-SNR, and
//             neither does this: the two are refused together)
// then one AdamW step (torch.optim.AdamW semantics) on the LoRA down/up weights.
//
// Autograd is switched on for the step (c10::AutoGradMode) and must not run under
// c10::InferenceMode: the call throws if it is active. The model itself must have been loaded
// outside InferenceMode (its weights may not be inference tensors); TrainableLora checks.
#include <ATen/core/Tensor.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/models/lora_branch.h"
#include "core/sampling/noise_schedule.h"
#include "core/training/trainable_weights.h"

namespace steer {

class Module;
class StableDiffusionModel;
struct LoraFile;

namespace training {

// ---- noise / targets / min-SNR (diffusers DDPMScheduler and training_utils, in fp32) -------------

// alphas_cumprod as a float tensor on `device`.
at::Tensor alphas_cumprod_tensor(const NoiseSchedule& schedule, at::Device device);
// DDPMScheduler.add_noise: sqrt(ab_t)·x0 + sqrt(1-ab_t)·noise, ab indexed by timesteps (int64, [B]).
at::Tensor add_noise(const at::Tensor& alphas_cumprod, const at::Tensor& x0, const at::Tensor& noise,
                     const at::Tensor& timesteps);
// DDPMScheduler.get_velocity: sqrt(ab_t)·noise - sqrt(1-ab_t)·x0.
at::Tensor get_velocity(const at::Tensor& alphas_cumprod, const at::Tensor& x0, const at::Tensor& noise,
                        const at::Tensor& timesteps);
// training_utils.compute_snr: (sqrt(ab_t) / sqrt(1-ab_t))², fp32, [B].
at::Tensor compute_snr(const at::Tensor& alphas_cumprod, const at::Tensor& timesteps);
// min(snr, γ)/snr (epsilon) or min(snr, γ)/(snr+1) (v-prediction), [B].
at::Tensor min_snr_weights(const at::Tensor& snr, double gamma, PredictionType prediction);

// ---- AdamW ------------------------------------------------------------------------------------

struct AdamWOptions {
  double lr = 1e-3;
  double beta1 = 0.9, beta2 = 0.999;
  double weight_decay = 1e-2;
  double eps = 1e-8;
};

// torch.optim.AdamW (amsgrad off, maximize off): per step t (from 1), for each parameter p with
// gradient g:  p ← p·(1 - lr·wd);  m ← β1·m + (1-β1)·g;  v ← β2·v + (1-β2)·g²;
//              p ← p - (lr / (1-β1^t)) · m / (sqrt(v)/sqrt(1-β2^t) + eps).
// Parameters without a gradient are skipped (their state does not advance), as in torch.
class AdamW {
 public:
  AdamW(std::vector<at::Tensor> params, AdamWOptions options = {});
  void step();
  void zero_grad();  // sets the gradients to undefined (torch's set_to_none=True)
  void set_learning_rate(double lr) { options_.lr = lr; }
  // State, for checkpoints: per parameter the first/second moments and its step count.
  std::vector<at::Tensor>& exp_avg() { return exp_avg_; }
  std::vector<at::Tensor>& exp_avg_sq() { return exp_avg_sq_; }
  std::vector<int64_t>& parameter_steps() { return steps_; }
  void set_step_count(int64_t s) { step_ = s; }  // sets the gradients to undefined (torch's set_to_none=True)
  int64_t step_count() const { return step_; }
  const AdamWOptions& options() const { return options_; }
  const std::vector<at::Tensor>& params() const { return params_; }

 private:
  std::vector<at::Tensor> params_, exp_avg_, exp_avg_sq_;
  std::vector<int64_t> steps_;
  int64_t step_ = 0;
  AdamWOptions options_;
};

// ---- the objective and the step ----------------------------------------------------------------

struct TrainingObjective {
  PredictionType prediction = PredictionType::Epsilon;
  std::optional<double> snr_gamma;  // min-SNR-γ weighting (e.g. 5.0)
  bool prior_preservation = false;  // batch = [instance; class], equal halves
  double prior_loss_weight = 1.0;
};

struct TrainingBatch {
  at::Tensor latents;                // z0 [B, 4, h, w] (already × scaling_factor)
  at::Tensor noise;                  // ε, same shape
  at::Tensor timesteps;              // int64 [B]
  at::Tensor encoder_hidden_states;  // [B, 77, D]
  // Prior preservation by prior prediction: the target of the second half (the frozen base
  // model's prediction there) instead of ε / v. Undefined otherwise.
  at::Tensor prior_target;
};

struct LossParts {
  at::Tensor loss;           // the scalar that is back-propagated
  at::Tensor instance_loss;  // prior preservation only: the two terms
  at::Tensor prior_loss;
};

// The loss of the model (with whatever LoRA is attached) on the batch, differentiable.
LossParts training_loss(const StableDiffusionModel& model, const at::Tensor& alphas_cumprod, const TrainingBatch& batch,
                        const TrainingObjective& objective);

struct StepResult {
  double loss = 0;
  std::optional<double> instance_loss, prior_loss;
};

// zero_grad, loss, backward, optimizer.step(). Autograd on; throws std::logic_error under InferenceMode.
StepResult lora_training_step(const StableDiffusionModel& model, const at::Tensor& alphas_cumprod, const TrainingBatch& batch,
                              const TrainingObjective& objective, AdamW& optimizer);

}  // namespace training
}  // namespace steer
