#include "core/sampling/ddim_sampler.h"

#include <ATen/ATen.h>

#include "core/sampling/noise.h"
#include "core/sampling/prediction.h"
#include "core/sampling/schedule_math.h"

namespace steer {

using namespace sampling_detail;

std::vector<int64_t> DdimSampler::spaced_timesteps(const NoiseSchedule& schedule, int steps) {
  const int64_t T = schedule.num_train_timesteps(), n = steps;
  std::vector<int64_t> ts;
  switch (schedule.spacing_or(TimestepSpacing::Leading)) {
    case TimestepSpacing::Linspace: {
      const std::vector<double> l = numpy_linspace(0.0, static_cast<double>(T - 1), n);
      for (auto it = l.rbegin(); it != l.rend(); ++it) ts.push_back(static_cast<int64_t>(numpy_round(*it)));
      break;
    }
    case TimestepSpacing::Leading: {
      const int64_t ratio = T / n;
      for (int64_t j = n - 1; j >= 0; --j) ts.push_back(j * ratio + schedule.config().steps_offset);
      break;
    }
    case TimestepSpacing::Trailing:
      ts = trailing_timesteps(T, n);
      break;
  }
  return ts;
}

DdimSampler::DdimSampler(const NoiseSchedule& schedule, int steps, double eta)
    : Sampler(steps),
      alphas_cumprod_(schedule.alphas_cumprod()),
      sigmas_(schedule.sigmas()),
      final_alpha_cumprod_(schedule.config().set_alpha_to_one ? 1.0f : schedule.alphas_cumprod().front()),
      timesteps_(spaced_timesteps(schedule, steps)),
      step_ratio_(schedule.num_train_timesteps() / steps),
      eta_(static_cast<float>(eta)),
      prediction_type_(schedule.prediction_type()),
      clip_sample_(schedule.config().clip_sample),
      clip_sample_range_(static_cast<float>(schedule.config().clip_sample_range)) {
  check_spaced_timesteps(std::vector<double>(timesteps_.begin(), timesteps_.end()), steps, schedule.num_train_timesteps(),
                         timestep_spacing_name(schedule.spacing_or(TimestepSpacing::Leading)), schedule.config().steps_offset);
}

double DdimSampler::timestep(int i) const {
  check_index(i);
  return static_cast<double>(timesteps_[i]);
}

double DdimSampler::sigma(int i) const {
  check_index(i);
  return sigmas_[timesteps_[i]];
}

at::Tensor DdimSampler::scale_model_input(const at::Tensor& x, int i) const {
  check_index(i);
  return x;
}

Prediction DdimSampler::predict(const at::Tensor& model_output, int i, const at::Tensor& x) const {
  check_index(i);
  Prediction p = vp_prediction(model_output, x, alphas_cumprod_[timesteps_[i]], prediction_type_);
  if (clip_sample_) p.x0 = p.x0.clamp(-clip_sample_range_, clip_sample_range_);
  return p;
}

at::Tensor DdimSampler::denoised(const at::Tensor& model_output, int i, const at::Tensor& x) const {
  return predict(model_output, i, x).x0;
}

at::Tensor DdimSampler::step(const at::Tensor& model_output, int i, const at::Tensor& x, at::Generator& noise_generator) {
  const Prediction p = predict(model_output, i, x);
  const int64_t t = timesteps_[i], prev_t = t - step_ratio_;
  const float a_t = alphas_cumprod_[t];
  const float a_prev = prev_t >= 0 ? alphas_cumprod_[prev_t] : final_alpha_cumprod_;
  const float b_t = 1.0f - a_t, b_prev = 1.0f - a_prev;
  const float variance = (b_prev / b_t) * (1.0f - a_t / a_prev);
  const float std_dev = eta_ * torch_pow(variance, 0.5);
  const at::Tensor direction = fp32(torch_pow(1.0f - a_prev - torch_pow(std_dev, 2), 0.5)) * p.eps;
  at::Tensor prev = fp32(torch_pow(a_prev, 0.5)) * p.x0 + direction;
  if (eta_ > 0.0f) {
    const at::Tensor noise = draw_noise(model_output.sizes(), noise_generator, model_output.device(), model_output.scalar_type());
    prev = prev + fp32(std_dev) * noise;
  }
  return prev;
}

}  // namespace steer
