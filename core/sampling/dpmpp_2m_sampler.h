#pragma once
// DPM-Solver++(2M) (diffusers DPMSolverMultistepScheduler with its defaults:
// algorithm_type "dpmsolver++", solver_order 2, solver_type "midpoint",
// lower_order_final True, final_sigmas_type "zero"; docs/model-notes.md §6.9). VP space: init_noise_sigma 1,
// scale_model_input the identity, integer timesteps. First order on the first and the last
// step, second order (midpoint) in between. Keeps the previous step's x0: steps must run in
// order 0, 1, ..., steps()-1.
#include <cstdint>
#include <vector>

#include "core/sampling/sampler.h"

namespace steer {

struct DpmSchedule {
  std::vector<int64_t> timesteps;  // n
  std::vector<float> sigmas;       // n + 1, last 0
  static DpmSchedule make(const NoiseSchedule& schedule, int steps, bool karras);
};

class DpmPlusPlus2MSampler : public Sampler {
 public:
  DpmPlusPlus2MSampler(const NoiseSchedule& schedule, int steps, bool karras_sigmas);
  double timestep(int i) const override;
  double sigma(int i) const override;
  double init_noise_sigma() const override { return 1.0; }
  at::Tensor scale_model_input(const at::Tensor& x, int i) const override;
  at::Tensor step(const at::Tensor& model_output, int i, const at::Tensor& x, at::Generator& noise_generator) override;
  at::Tensor denoised(const at::Tensor& model_output, int i, const at::Tensor& x) const override;
  const DpmSchedule& schedule() const { return schedule_; }

 private:
  DpmSchedule schedule_;
  PredictionType prediction_type_;
  at::Tensor previous_x0_;  // m1: the data prediction of the previous step
  int next_step_ = 0;
};

}  // namespace steer
