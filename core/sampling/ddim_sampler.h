#pragma once
// DDIM (diffusers DDIMScheduler, docs/model-notes.md §6.6). init_noise_sigma 1, scale_model_input the
// identity, integer timesteps; eta > 0 adds eta-scaled DDPM noise each step (last included).
#include <cstdint>
#include <vector>

#include "core/sampling/sampler.h"

namespace steer {

class DdimSampler : public Sampler {
 public:
  DdimSampler(const NoiseSchedule& schedule, int steps, double eta);
  double timestep(int i) const override;
  double sigma(int i) const override;
  double init_noise_sigma() const override { return 1.0; }
  at::Tensor scale_model_input(const at::Tensor& x, int i) const override;
  at::Tensor step(const at::Tensor& model_output, int i, const at::Tensor& x, at::Generator& noise_generator) override;
  at::Tensor denoised(const at::Tensor& model_output, int i, const at::Tensor& x) const override;

  const std::vector<int64_t>& timesteps() const { return timesteps_; }
  // set_timesteps' rule per spacing (unchecked: all of numpy's entries for trailing).
  static std::vector<int64_t> spaced_timesteps(const NoiseSchedule& schedule, int steps);

 private:
  struct Prediction predict(const at::Tensor& model_output, int i, const at::Tensor& x) const;

  std::vector<float> alphas_cumprod_, sigmas_;
  float final_alpha_cumprod_;
  std::vector<int64_t> timesteps_;
  int64_t step_ratio_;  // T // steps: prev_t = t - step_ratio for every spacing
  float eta_;
  PredictionType prediction_type_;
  bool clip_sample_;
  float clip_sample_range_;
};

}  // namespace steer
