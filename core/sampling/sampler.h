#pragma once
// Samplers: each reproduces one diffusers scheduler exactly (timesteps, sigmas,
// init_noise_sigma, scale_model_input, step arithmetic and dtypes, noise draws).
//   ddim      DDIMScheduler (eta: 0 deterministic, > 0 draws noise every step)
//   euler     EulerDiscreteScheduler (karras_sigmas: use_karras_sigmas=True)
//   euler_a   EulerAncestralDiscreteScheduler
//   dpmpp_2m  DPMSolverMultistepScheduler(algorithm_type="dpmsolver++", solver_order=2,
//             solver_type="midpoint", lower_order_final=True) (karras_sigmas as Euler)
// Each is built from the model's NoiseSchedule the way `Class.from_config(scheduler_config)`
// builds it: keys absent from the config take that class's defaults.
#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <memory>
#include <string>

#include "core/sampling/noise_schedule.h"

namespace steer {

enum class SamplerKind { Ddim, Euler, EulerAncestral, DpmPlusPlus2M };

struct SamplerSettings {
  SamplerKind kind = SamplerKind::Euler;
  bool karras_sigmas = false;  // euler and dpmpp_2m only (diffusers has it on those two)
  double eta = 0.0;            // ddim only; diffusers' pipelines ignore it for the others
};

// "ddim", "euler", "euler_a", "dpmpp_2m" (also "dpm++2m"); InputError listing them otherwise.
SamplerKind parse_sampler_name(const std::string& name);
std::string sampler_name(SamplerKind kind);

// Per-run state: one instance per generation job. Steps run in order i = 0 .. steps()-1.
class Sampler {
 public:
  virtual ~Sampler();
  int steps() const { return steps_; }
  // The model timestep fed to the UNet at step i (fractional for Euler with Karras sigmas
  // and with linspace spacing).
  virtual double timestep(int i) const = 0;
  // σ at step i: sqrt((1-ᾱ)/ᾱ) of that step (for display and guidance intervals). For DDIM,
  // ᾱ of the step's timestep (with the 2^-24 clamp under zero-terminal-SNR).
  virtual double sigma(int i) const = 0;
  // The factor the initial noise is multiplied by (1 for DDIM and DPM-Solver).
  virtual double init_noise_sigma() const = 0;
  virtual at::Tensor scale_model_input(const at::Tensor& x, int i) const = 0;
  // One step: model_output is the raw (guided) UNet output for x at step i; returns x at
  // step i+1, in the dtype diffusers returns (Euler / DPM: the model output's). Step noise
  // (euler_a, ddim with eta > 0) is drawn with draw_noise() from `noise_generator` in the
  // model output's shape, dtype and device, once per step, as diffusers' randn_tensor does.
  virtual at::Tensor step(const at::Tensor& model_output, int i, const at::Tensor& x, at::Generator& noise_generator) = 0;
  // The current estimate of the clean latent x0 at step i (diffusers' pred_original_sample;
  // for DPM-Solver its converted model output).
  virtual at::Tensor denoised(const at::Tensor& model_output, int i, const at::Tensor& x) const = 0;

 protected:
  explicit Sampler(int steps) : steps_(steps) {}
  void check_index(int i) const;  // std::out_of_range unless 0 <= i < steps()

 private:
  int steps_;
};

// InputError (naming the setting) for steps <= 0 or > num_train_timesteps, for a step count
// whose spacing leaves the trained timestep range, for a negative eta, and for karras_sigmas
// on ddim or euler_a.
std::unique_ptr<Sampler> make_sampler(const SamplerSettings& settings, const NoiseSchedule& schedule, int steps);

}  // namespace steer
