#pragma once
// The numpy arithmetic diffusers' set_timesteps uses, reproduced operation for operation
// (float64 unless noted), and the fp32 scalar helpers the samplers' step arithmetic uses.
// Internal to core/sampling; the tests use it directly.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace steer::sampling_detail {

// np.linspace(start, stop, num) (endpoint included; num == 1 gives [start]).
std::vector<double> numpy_linspace(double start, double stop, int64_t num);
// np.round: half to even.
double numpy_round(double x);
// The first `count` values of np.arange(start, -inf, step) with a negative float step, as
// numpy fills them: start, start + step, then start + i * ((start + step) - start).
std::vector<double> numpy_arange(double start, double step, int64_t count);
// np.interp(x, arange(len(table)), table) for a table indexed by integer t.
double interp(double x, const std::vector<float>& table);
// diffusers' _sigma_to_t: the fractional timestep of sigma, interpolating log σ (docs/model-notes.md §6.4).
double sigma_to_t(double sigma, const std::vector<float>& log_sigmas);
// diffusers' _convert_to_karras (rho = 7): n sigmas from sigma_max down to sigma_min.
std::vector<double> karras_sigmas(double sigma_min, double sigma_max, int64_t n);

// "trailing" spacing: round(np.arange(T, 0, -T/n)) - 1, all of numpy's entries. For some n
// (61, 103, 121, ... with T = 1000) numpy's arange has n+1 entries, the last ~0, which
// becomes timestep -1: diffusers then runs n+1 steps, the last at t = -1.
std::vector<int64_t> trailing_timesteps(int64_t num_train_timesteps, int64_t n);

// The InputError for a step count whose spaced timesteps diffusers gets wrong or that leave
// the trained range (throws unless `timesteps` has n entries, all in 0..T-1).
void check_spaced_timesteps(const std::vector<double>& timesteps, int64_t n, int64_t num_train_timesteps,
                            const std::string& spacing, int64_t steps_offset);

// A 0-dim fp32 CPU tensor: how diffusers' scheduler scalars (sigmas[i], alphas_cumprod[t])
// enter tensor arithmetic, so dtype promotion and rounding match diffusers on any device.
at::Tensor fp32(float value);
// torch.log / torch.exp / `tensor ** exponent` of a 0-dim fp32 CPU tensor: diffusers' scalar
// math runs through these kernels, which are not all correctly rounded (torch's CPU sqrt /
// pow(x, 0.5) can be 1 ulp off IEEE sqrt), so steer uses the same kernels. + - * / are IEEE
// everywhere and are plain float arithmetic.
float torch_log(float x);
float torch_exp(float x);
float torch_pow(float x, double exponent);

}  // namespace steer::sampling_detail
