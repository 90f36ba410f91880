#include "core/sampling/prediction.h"

#include <ATen/ATen.h>

#include "core/sampling/schedule_math.h"

namespace steer {

using sampling_detail::fp32;
using sampling_detail::torch_pow;

Prediction vp_prediction(const at::Tensor& model_output, const at::Tensor& x_t, float alpha_cumprod, PredictionType type) {
  const float a = alpha_cumprod;
  const float b = 1.0f - a;  // beta_prod_t
  const at::Tensor sqrt_a = fp32(torch_pow(a, 0.5)), sqrt_b = fp32(torch_pow(b, 0.5));
  if (type == PredictionType::Epsilon) return {(x_t - sqrt_b * model_output) / sqrt_a, model_output};
  return {sqrt_a * x_t - sqrt_b * model_output, sqrt_a * model_output + sqrt_b * x_t};
}

at::Tensor karras_x0(const at::Tensor& model_output, const at::Tensor& x, float sigma, PredictionType type) {
  if (type == PredictionType::Epsilon) return x - fp32(sigma) * model_output;
  const float s2p1 = torch_pow(sigma, 2) + 1.0f;
  return model_output * fp32(-sigma / torch_pow(s2p1, 0.5)) + x / fp32(s2p1);
}

AlphaSigma alpha_sigma_of(float sigma) {
  const float alpha = 1.0f / torch_pow(torch_pow(sigma, 2) + 1.0f, 0.5);
  return {alpha, sigma * alpha};
}

at::Tensor dpm_x0(const at::Tensor& model_output, const at::Tensor& x_t, float sigma, PredictionType type) {
  const AlphaSigma as = alpha_sigma_of(sigma);
  if (type == PredictionType::Epsilon) return (x_t - fp32(as.sigma) * model_output) / fp32(as.alpha);
  return fp32(as.alpha) * x_t - fp32(as.sigma) * model_output;
}

}  // namespace steer
