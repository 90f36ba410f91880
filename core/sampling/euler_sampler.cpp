#include "core/sampling/euler_sampler.h"

#include <ATen/ATen.h>

#include <algorithm>

#include "core/sampling/prediction.h"
#include "core/sampling/schedule_math.h"

namespace steer {

using namespace sampling_detail;

EulerSchedule EulerSchedule::make(const NoiseSchedule& schedule, int steps, bool karras) {
  const int64_t T = schedule.num_train_timesteps(), n = steps;
  const TimestepSpacing spacing = schedule.spacing_or(TimestepSpacing::Linspace);
  EulerSchedule s;
  switch (spacing) {
    case TimestepSpacing::Linspace: {
      const std::vector<double> l = numpy_linspace(0.0, static_cast<double>(T - 1), n);
      for (auto it = l.rbegin(); it != l.rend(); ++it) s.timesteps.push_back(static_cast<float>(*it));
      break;
    }
    case TimestepSpacing::Leading: {
      const int64_t ratio = T / n;
      for (int64_t j = n - 1; j >= 0; --j)
        s.timesteps.push_back(static_cast<float>(j * ratio) + static_cast<float>(schedule.config().steps_offset));
      break;
    }
    case TimestepSpacing::Trailing:
      for (int64_t t : trailing_timesteps(T, n)) s.timesteps.push_back(static_cast<float>(t));
      break;
  }
  // With Karras sigmas the spaced timesteps only set the sigma range (np.interp clamps
  // out-of-range ones, as here), so diffusers' spacing artefacts are reproduced, not refused.
  if (!karras)
    check_spaced_timesteps(std::vector<double>(s.timesteps.begin(), s.timesteps.end()), n, T, timestep_spacing_name(spacing),
                           schedule.config().steps_offset);

  std::vector<double> sig;
  for (float t : s.timesteps) sig.push_back(interp(t, schedule.sigmas()));
  if (karras) {
    // The range of the already-spaced sigmas (docs/model-notes.md §6.10), unless the config sets one.
    s.timesteps.resize(static_cast<size_t>(n));
    const double lo = schedule.config().sigma_min.value_or(sig.back());
    const double hi = schedule.config().sigma_max.value_or(sig.front());
    sig = karras_sigmas(lo, hi, n);
    for (size_t j = 0; j < sig.size(); ++j) s.timesteps[j] = static_cast<float>(sigma_to_t(sig[j], schedule.log_sigmas()));
  }
  for (double v : sig) s.sigmas.push_back(static_cast<float>(v));
  s.sigmas.push_back(0.0f);
  const float max_sigma = *std::max_element(s.sigmas.begin(), s.sigmas.end());
  s.init_noise_sigma = spacing == TimestepSpacing::Leading ? torch_pow(torch_pow(max_sigma, 2) + 1.0f, 0.5) : max_sigma;
  return s;
}

EulerSampler::EulerSampler(const NoiseSchedule& schedule, int steps, bool karras_sigmas)
    : Sampler(steps),
      schedule_(EulerSchedule::make(schedule, steps, karras_sigmas)),
      prediction_type_(schedule.prediction_type()) {}

double EulerSampler::timestep(int i) const {
  check_index(i);
  return schedule_.timesteps[i];
}

double EulerSampler::sigma(int i) const {
  check_index(i);
  return schedule_.sigmas[i];
}

at::Tensor EulerSampler::scale_model_input(const at::Tensor& x, int i) const {
  check_index(i);
  const float s = schedule_.sigmas[i];
  return x / fp32(torch_pow(torch_pow(s, 2) + 1.0f, 0.5));
}

at::Tensor EulerSampler::denoised(const at::Tensor& model_output, int i, const at::Tensor& x) const {
  check_index(i);
  return karras_x0(model_output, x.to(at::kFloat), schedule_.sigmas[i], prediction_type_);
}

at::Tensor EulerSampler::step(const at::Tensor& model_output, int i, const at::Tensor& x, at::Generator&) {
  check_index(i);
  const at::Tensor sample = x.to(at::kFloat);
  // s_churn = 0: gamma = 0 and sigma_hat = sigma * (0 + 1) = sigma.
  const float sigma = schedule_.sigmas[i];
  const at::Tensor x0 = karras_x0(model_output, sample, sigma, prediction_type_);
  const at::Tensor derivative = (sample - x0) / fp32(sigma);
  const float dt = schedule_.sigmas[i + 1] - sigma;
  return (sample + derivative * fp32(dt)).to(model_output.scalar_type());
}

}  // namespace steer
