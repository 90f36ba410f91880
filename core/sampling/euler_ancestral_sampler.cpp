#include "core/sampling/euler_ancestral_sampler.h"

#include <ATen/ATen.h>

#include "core/sampling/noise.h"
#include "core/sampling/prediction.h"
#include "core/sampling/schedule_math.h"

namespace steer {

using sampling_detail::fp32;
using sampling_detail::torch_pow;

EulerAncestralSampler::EulerAncestralSampler(const NoiseSchedule& schedule, int steps) : EulerSampler(schedule, steps, false) {}

at::Tensor EulerAncestralSampler::step(const at::Tensor& model_output, int i, const at::Tensor& x,
                                       at::Generator& noise_generator) {
  check_index(i);
  const float sigma = schedule_.sigmas[i];
  const at::Tensor sample = x.to(at::kFloat);
  const at::Tensor x0 = karras_x0(model_output, sample, sigma, prediction_type_);
  const float from = sigma, to = schedule_.sigmas[i + 1];
  const float sigma_up = torch_pow(torch_pow(to, 2) * (torch_pow(from, 2) - torch_pow(to, 2)) / torch_pow(from, 2), 0.5);
  const float sigma_down = torch_pow(torch_pow(to, 2) - torch_pow(sigma_up, 2), 0.5);
  const at::Tensor derivative = (sample - x0) / fp32(sigma);
  at::Tensor prev = sample + derivative * fp32(sigma_down - sigma);
  const at::Tensor noise = draw_noise(model_output.sizes(), noise_generator, model_output.device(), model_output.scalar_type());
  prev = prev + noise * fp32(sigma_up);
  return prev.to(model_output.scalar_type());
}

}  // namespace steer
