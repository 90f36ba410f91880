#pragma once
// Parametrisation: turning the UNet's raw output (ε or v, per the schedule's
// prediction_type) into ε and into the clean-latent estimate x0, in the three forms the
// diffusers schedulers use (docs/model-notes.md §6.3). Each function reproduces its scheduler's arithmetic
// exactly: the scalars are fp32 (0-dim tensors, as diffusers' are) and the operation order
// is diffusers', so the tensor dtype follows torch's promotion as it does there.
#include <ATen/core/Tensor.h>

#include "core/sampling/noise_schedule.h"

namespace steer {

struct Prediction {
  at::Tensor x0;
  at::Tensor eps;
};

// VP form (DDIMScheduler.step), x_t = sqrt(ᾱ) x0 + sqrt(1-ᾱ) ε:
//   ε-model: x0 = (x_t - sqrt(1-ᾱ) ε) / sqrt(ᾱ)
//   v-model: x0 = sqrt(ᾱ) x_t - sqrt(1-ᾱ) v,  ε = sqrt(ᾱ) v + sqrt(1-ᾱ) x_t
Prediction vp_prediction(const at::Tensor& model_output, const at::Tensor& x_t, float alpha_cumprod, PredictionType type);

// Karras / VE form (Euler and Euler-ancestral .step), x = x0 + σ ε with the UNet fed
// x / sqrt(σ²+1):
//   ε-model: x0 = x - σ ε
//   v-model: x0 = v · (-σ / sqrt(σ²+1)) + x / (σ²+1)
// The ε this implies is (x - x0) / σ (the Euler "derivative").
at::Tensor karras_x0(const at::Tensor& model_output, const at::Tensor& x, float sigma, PredictionType type);

// DPM-Solver's data prediction (DPMSolverMultistepScheduler.convert_model_output,
// "dpmsolver++"), VP x_t with α_t = 1/sqrt(σ²+1), σ_t = σ α_t:
//   ε-model: x0 = (x_t - σ_t ε) / α_t
//   v-model: x0 = α_t x_t - σ_t v
at::Tensor dpm_x0(const at::Tensor& model_output, const at::Tensor& x_t, float sigma, PredictionType type);

// α_t, σ_t of a Karras σ as DPM-Solver computes them in fp32 (_sigma_to_alpha_sigma_t).
struct AlphaSigma {
  float alpha, sigma;
};
AlphaSigma alpha_sigma_of(float sigma);

}  // namespace steer
