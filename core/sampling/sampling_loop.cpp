#include "core/sampling/sampling_loop.h"

#include <ATen/ATen.h>

#include "core/sampling/noise.h"
#include "core/sampling/schedule_math.h"

namespace steer {

at::Tensor initial_latents(const Sampler& sampler, at::IntArrayRef shape, at::Generator& generator, at::Device device,
                           at::ScalarType dtype) {
  return draw_noise(shape, generator, device, dtype) * sampling_detail::fp32(static_cast<float>(sampler.init_noise_sigma()));
}

at::Tensor run_sampling(Sampler& sampler, at::Tensor x, at::Generator& noise_generator, const PredictionFn& predict,
                        const StepObserver& observe, const std::atomic<bool>* cancel) {
  for (int i = 0; i < sampler.steps(); ++i) {
    throw_if_cancelled(cancel);
    const double t = sampler.timestep(i);
    const at::Tensor model_output = predict(sampler.scale_model_input(x, i), t, i);
    at::Tensor denoised;
    if (observe) denoised = sampler.denoised(model_output, i, x);
    at::Tensor x_next = sampler.step(model_output, i, x, noise_generator);
    if (observe) observe(SamplingStep{i, t, sampler.sigma(i), x, model_output, x_next, denoised});
    x = std::move(x_next);
  }
  return x;
}

}  // namespace steer
