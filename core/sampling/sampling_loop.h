#pragma once
// The denoising loop of StableDiffusionPipeline, model-agnostic: per step, scale the input,
// ask `predict` for the (guided) model output, step the sampler, report.
#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include <atomic>
#include <functional>

#include "core/common/cancellation.h"
#include "core/sampling/sampler.h"

namespace steer {

// The model output (ε or v, per the schedule) for the scaled input at a step; guidance
// (CFG, autoguidance, personalization guidance) lives in here.
using PredictionFn = std::function<at::Tensor(const at::Tensor& model_input, double timestep, int step)>;
// What an observer sees after each step.
struct SamplingStep {
  int step = 0;  // 0-based index of the step just taken
  double timestep = 0, sigma = 0;
  const at::Tensor& x;             // the sample before the step
  const at::Tensor& model_output;  // the (guided) prediction the step used
  const at::Tensor& x_next;        // the sample after the step
  const at::Tensor& denoised;      // the step's x0 estimate (sampler.denoised)
};
using StepObserver = std::function<void(const SamplingStep& step)>;

// The pipeline's initial latents: draw_noise(shape, generator, device, dtype) times
// init_noise_sigma (a fp32 scalar, as diffusers multiplies by it). diffusers draws in the
// latents' dtype (the model dtype); pass at::kFloat to draw fp32 noise instead.
at::Tensor initial_latents(const Sampler& sampler, at::IntArrayRef shape, at::Generator& generator, at::Device device,
                           at::ScalarType dtype);

// Runs all of the sampler's steps from `x` (already multiplied by init_noise_sigma) and
// returns the final latent. `noise_generator` feeds the samplers that draw step noise
// (diffusers passes the pipeline's generator, the one the initial latents came from).
// `observe` may be empty (then no x0 estimate is computed); `cancel` may be null.
at::Tensor run_sampling(Sampler& sampler, at::Tensor x, at::Generator& noise_generator, const PredictionFn& predict,
                        const StepObserver& observe = {}, const std::atomic<bool>* cancel = nullptr);

}  // namespace steer
