#include "core/sampling/schedule_math.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/common/error.h"

namespace steer::sampling_detail {

std::vector<double> numpy_linspace(double start, double stop, int64_t num) {
  std::vector<double> y(static_cast<size_t>(std::max<int64_t>(num, 0)));
  const int64_t div = num - 1;
  const double delta = stop - start;
  if (div > 0) {
    const double step = delta / static_cast<double>(div);
    for (int64_t i = 0; i < num; ++i)
      y[i] = (step == 0 ? static_cast<double>(i) / static_cast<double>(div) * delta : static_cast<double>(i) * step) + start;
    y[num - 1] = stop;
  } else {
    for (int64_t i = 0; i < num; ++i) y[i] = static_cast<double>(i) * delta + start;
  }
  return y;
}

double numpy_round(double x) { return std::nearbyint(x); }

std::vector<double> numpy_arange(double start, double step, int64_t count) {
  std::vector<double> v(static_cast<size_t>(std::max<int64_t>(count, 0)));
  if (count > 0) v[0] = start;
  if (count > 1) v[1] = start + step;
  const double delta = count > 1 ? v[1] - start : step;
  for (int64_t i = 2; i < count; ++i) v[i] = start + static_cast<double>(i) * delta;
  return v;
}

double interp(double x, const std::vector<float>& table) {
  const int64_t n = static_cast<int64_t>(table.size());
  if (n == 0) throw std::invalid_argument("interp: empty table");
  if (std::isnan(x)) return x;
  if (x <= 0.0) return table[0];
  if (x >= static_cast<double>(n - 1)) return table[n - 1];
  const int64_t j = static_cast<int64_t>(std::floor(x));
  const double y0 = table[j], y1 = table[j + 1];
  if (static_cast<double>(j) == x) return y0;
  const double slope = (y1 - y0) / 1.0;
  return slope * (x - static_cast<double>(j)) + y0;
}

double sigma_to_t(double sigma, const std::vector<float>& log_sigmas) {
  const int64_t n = static_cast<int64_t>(log_sigmas.size());
  const double log_sigma = std::log(std::max(sigma, 1e-10));
  // cumsum(dists >= 0).argmax(): the last index whose log σ is <= log_sigma (0 if none).
  int64_t low = 0;
  for (int64_t i = 0; i < n; ++i)
    if (log_sigma - static_cast<double>(log_sigmas[i]) >= 0) low = i;
  low = std::min(low, n - 2);
  const int64_t high = low + 1;
  const float lo = log_sigmas[low], hi = log_sigmas[high];
  const float span = lo - hi;  // np.float32 - np.float32: fp32
  double w = (static_cast<double>(lo) - log_sigma) / static_cast<double>(span);
  w = std::clamp(w, 0.0, 1.0);
  return (1.0 - w) * static_cast<double>(low) + w * static_cast<double>(high);
}

std::vector<double> karras_sigmas(double sigma_min, double sigma_max, int64_t n) {
  const double rho = 7.0;
  const std::vector<double> ramp = numpy_linspace(0.0, 1.0, n);
  const double min_inv_rho = std::pow(sigma_min, 1.0 / rho);
  const double max_inv_rho = std::pow(sigma_max, 1.0 / rho);
  std::vector<double> s(ramp.size());
  for (size_t i = 0; i < ramp.size(); ++i) s[i] = std::pow(max_inv_rho + ramp[i] * (min_inv_rho - max_inv_rho), rho);
  return s;
}

std::vector<int64_t> trailing_timesteps(int64_t num_train_timesteps, int64_t n) {
  const double step_ratio = static_cast<double>(num_train_timesteps) / static_cast<double>(n);
  // numpy's length: ceil((stop - start) / step)
  const auto length = static_cast<int64_t>(std::ceil((0.0 - static_cast<double>(num_train_timesteps)) / -step_ratio));
  const std::vector<double> a = numpy_arange(static_cast<double>(num_train_timesteps), -step_ratio, length);
  std::vector<int64_t> t(a.size());
  for (size_t i = 0; i < a.size(); ++i) t[i] = static_cast<int64_t>(numpy_round(a[i])) - 1;
  return t;
}

void check_spaced_timesteps(const std::vector<double>& timesteps, int64_t n, int64_t T, const std::string& spacing,
                            int64_t steps_offset) {
  const std::string what = "\"steps\" " + std::to_string(n) + " with \"" + spacing + "\" timestep spacing";
  if (static_cast<int64_t>(timesteps.size()) != n)
    throw InputError(what + " cannot be reproduced: diffusers' schedule for it has " + std::to_string(timesteps.size()) +
                     " timesteps, the last one -1 (a rounding artefact of numpy.arange); use " + std::to_string(n - 1) + " or " +
                     std::to_string(n + 1) + " steps");
  for (double t : timesteps)
    if (t < 0.0 || t > static_cast<double>(T - 1))
      throw InputError(what + " and \"steps_offset\" " + std::to_string(steps_offset) + " gives timestep " +
                       std::to_string(static_cast<int64_t>(t)) + ", outside the trained 0.." + std::to_string(T - 1) +
                       "; use fewer steps");
}

at::Tensor fp32(float value) { return at::scalar_tensor(value, at::TensorOptions().dtype(at::kFloat)); }

float torch_log(float x) { return at::log(fp32(x)).item<float>(); }
float torch_exp(float x) { return at::exp(fp32(x)).item<float>(); }
float torch_pow(float x, double exponent) { return at::pow(fp32(x), exponent).item<float>(); }

}  // namespace steer::sampling_detail
