#include "core/sampling/dpmpp_2m_sampler.h"

#include <ATen/ATen.h>

#include <stdexcept>

#include "core/common/error.h"
#include "core/sampling/prediction.h"
#include "core/sampling/schedule_math.h"

namespace steer {

using namespace sampling_detail;

DpmSchedule DpmSchedule::make(const NoiseSchedule& schedule, int steps, bool karras) {
  // lambda_min_clipped = -inf (the default): set_timesteps' last_timestep is T.
  const int64_t T = schedule.num_train_timesteps(), n = steps;
  const TimestepSpacing spacing = schedule.spacing_or(TimestepSpacing::Linspace);
  DpmSchedule s;
  switch (spacing) {
    case TimestepSpacing::Linspace: {
      // linspace(0, T-1, n+1).round()[::-1][:-1]
      const std::vector<double> l = numpy_linspace(0.0, static_cast<double>(T - 1), n + 1);
      for (int64_t j = n; j >= 1; --j) s.timesteps.push_back(static_cast<int64_t>(numpy_round(l[j])));
      break;
    }
    case TimestepSpacing::Leading: {
      const int64_t ratio = T / (n + 1);
      for (int64_t j = n; j >= 1; --j) s.timesteps.push_back(j * ratio + schedule.config().steps_offset);
      break;
    }
    case TimestepSpacing::Trailing:
      s.timesteps = trailing_timesteps(T, n);
      break;
  }
  if (karras) {
    // The full trained range (docs/model-notes.md §6.10), unless the config sets one; rounded timesteps.
    // The spaced timesteps are discarded, so their artefacts do not matter here.
    const double lo = schedule.config().sigma_min.value_or(schedule.sigmas().front());
    const double hi = schedule.config().sigma_max.value_or(schedule.sigmas().back());
    const std::vector<double> sig = karras_sigmas(lo, hi, n);
    s.timesteps.clear();
    for (double v : sig) {
      s.timesteps.push_back(static_cast<int64_t>(numpy_round(sigma_to_t(v, schedule.log_sigmas()))));
      s.sigmas.push_back(static_cast<float>(v));
    }
  } else {
    check_spaced_timesteps(std::vector<double>(s.timesteps.begin(), s.timesteps.end()), n, T, timestep_spacing_name(spacing),
                           schedule.config().steps_offset);
    for (int64_t t : s.timesteps) s.sigmas.push_back(static_cast<float>(interp(static_cast<double>(t), schedule.sigmas())));
  }
  s.sigmas.push_back(0.0f);
  for (size_t j = 0; j + 1 < s.sigmas.size(); ++j)
    if (!(s.sigmas[j] > s.sigmas[j + 1]))
      throw InputError("\"steps\" " + std::to_string(steps) + " with \"" + timestep_spacing_name(spacing) +
                       "\" spacing repeats a noise level, which DPM-Solver cannot step over; use fewer steps");
  return s;
}

DpmPlusPlus2MSampler::DpmPlusPlus2MSampler(const NoiseSchedule& schedule, int steps, bool karras_sigmas)
    : Sampler(steps),
      schedule_(DpmSchedule::make(schedule, steps, karras_sigmas)),
      prediction_type_(schedule.prediction_type()) {}

double DpmPlusPlus2MSampler::timestep(int i) const {
  check_index(i);
  return static_cast<double>(schedule_.timesteps[i]);
}

double DpmPlusPlus2MSampler::sigma(int i) const {
  check_index(i);
  return schedule_.sigmas[i];
}

at::Tensor DpmPlusPlus2MSampler::scale_model_input(const at::Tensor& x, int i) const {
  check_index(i);
  return x;
}

at::Tensor DpmPlusPlus2MSampler::denoised(const at::Tensor& model_output, int i, const at::Tensor& x) const {
  check_index(i);
  return dpm_x0(model_output, x, schedule_.sigmas[i], prediction_type_);
}

namespace {

float lambda_of(const AlphaSigma& as) { return torch_log(as.alpha) - torch_log(as.sigma); }

}  // namespace

at::Tensor DpmPlusPlus2MSampler::step(const at::Tensor& model_output, int i, const at::Tensor& x, at::Generator&) {
  check_index(i);
  if (i != next_step_)
    throw std::logic_error("DPM++ 2M steps must run in order: expected step " + std::to_string(next_step_) + ", got " +
                           std::to_string(i));
  // convert_model_output runs on the sample as given (before the fp32 upcast).
  const at::Tensor x0 = dpm_x0(model_output, x, schedule_.sigmas[i], prediction_type_);
  const at::Tensor sample = x.to(at::kFloat);
  const AlphaSigma t = alpha_sigma_of(schedule_.sigmas[i + 1]);
  const AlphaSigma s0 = alpha_sigma_of(schedule_.sigmas[i]);
  const float lambda_t = lambda_of(t), lambda_s0 = lambda_of(s0);
  const float h = lambda_t - lambda_s0;
  const float c_x0 = t.alpha * (torch_exp(-h) - 1.0f);
  const bool last = i == steps() - 1;  // final_sigmas_type "zero": first order at the end
  at::Tensor prev;
  if (i == 0 || last) {
    prev = fp32(t.sigma / s0.sigma) * sample - fp32(c_x0) * x0;
  } else {
    const AlphaSigma s1 = alpha_sigma_of(schedule_.sigmas[i - 1]);
    const float h_0 = lambda_s0 - lambda_of(s1);
    const float r0 = h_0 / h;
    const at::Tensor d1 = fp32(1.0f / r0) * (x0 - previous_x0_);
    prev = fp32(t.sigma / s0.sigma) * sample - fp32(c_x0) * x0 - fp32(0.5f * c_x0) * d1;
  }
  previous_x0_ = x0;
  ++next_step_;
  return prev.to(x0.scalar_type());
}

}  // namespace steer
