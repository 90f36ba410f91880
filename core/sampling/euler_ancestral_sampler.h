#pragma once
// Euler ancestral (diffusers EulerAncestralDiscreteScheduler, docs/model-notes.md §6.8): Euler's
// timesteps, sigmas and input scaling (no Karras option), and a step that goes down to
// σ_down and adds σ_up-scaled noise. The noise is drawn every step, the last one too
// (σ_up = 0 there), so the generator advances as diffusers' does.
#include "core/sampling/euler_sampler.h"

namespace steer {

class EulerAncestralSampler : public EulerSampler {
 public:
  EulerAncestralSampler(const NoiseSchedule& schedule, int steps);
  at::Tensor step(const at::Tensor& model_output, int i, const at::Tensor& x, at::Generator& noise_generator) override;
};

}  // namespace steer
