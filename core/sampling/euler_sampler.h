#pragma once
// Euler (diffusers EulerDiscreteScheduler with s_churn = 0, docs/model-notes.md §6.7). Works on the
// σ-scaled latent x = x0 + σ ε: the UNet gets x / sqrt(σ²+1) and the float timestep;
// the step upcasts x to fp32 and returns the model output's dtype.
#include <vector>

#include "core/sampling/sampler.h"

namespace steer {

// EulerDiscreteScheduler.set_timesteps (also EulerAncestralDiscreteScheduler's, without
// karras): fp32 timesteps, fp32 sigmas with a final 0, and init_noise_sigma.
struct EulerSchedule {
  std::vector<float> timesteps;  // n
  std::vector<float> sigmas;     // n + 1
  float init_noise_sigma = 1.0f;
  static EulerSchedule make(const NoiseSchedule& schedule, int steps, bool karras);
};

class EulerSampler : public Sampler {
 public:
  EulerSampler(const NoiseSchedule& schedule, int steps, bool karras_sigmas);
  double timestep(int i) const override;
  double sigma(int i) const override;
  double init_noise_sigma() const override { return schedule_.init_noise_sigma; }
  at::Tensor scale_model_input(const at::Tensor& x, int i) const override;
  at::Tensor step(const at::Tensor& model_output, int i, const at::Tensor& x, at::Generator& noise_generator) override;
  at::Tensor denoised(const at::Tensor& model_output, int i, const at::Tensor& x) const override;
  const EulerSchedule& schedule() const { return schedule_; }

 protected:
  EulerSchedule schedule_;
  PredictionType prediction_type_;
};

}  // namespace steer
