#include "core/sampling/noise_schedule.h"

#include <ATen/ATen.h>

#include <cmath>

#include "core/common/error.h"
#include "core/formats/json.h"

namespace steer {
namespace {

[[noreturn]] void bad(const std::string& file, const std::string& key, const std::string& what) {
  throw InputError(file + ": \"" + key + "\" " + what);
}

// A present, non-null member (diffusers treats null like an absent key for these settings).
const json::Value* member(const json::Value& c, const std::string& key) {
  const json::Value* v = c.find(key);
  return v && !v->is_null() ? v : nullptr;
}

double get_number(const json::Value& c, const std::string& file, const std::string& key, double fallback) {
  const json::Value* v = member(c, key);
  if (!v) return fallback;
  if (!v->is_number()) bad(file, key, "must be a number, found " + v->dump());
  return v->as_number();
}

int get_int(const json::Value& c, const std::string& file, const std::string& key, int fallback) {
  const json::Value* v = member(c, key);
  if (!v) return fallback;
  if (!v->is_number() || v->as_number() != std::floor(v->as_number()) || std::abs(v->as_number()) > 1e9)
    bad(file, key, "must be an integer, found " + v->dump());
  return static_cast<int>(v->as_number());
}

bool get_bool(const json::Value& c, const std::string& file, const std::string& key, bool fallback) {
  const json::Value* v = member(c, key);
  if (!v) return fallback;
  if (!v->is_bool()) bad(file, key, "must be true or false, found " + v->dump());
  return v->as_bool();
}

std::optional<std::string> get_string(const json::Value& c, const std::string& file, const std::string& key) {
  const json::Value* v = member(c, key);
  if (!v) return std::nullopt;
  if (!v->is_string()) bad(file, key, "must be a string, found " + v->dump());
  return v->as_string();
}

// Settings diffusers implements but steer does not: refused when they would change the numbers.
void refuse_true(const json::Value& c, const std::string& file, const std::string& key, const std::string& why) {
  if (get_bool(c, file, key, false)) bad(file, key, "is true; " + why);
}

std::vector<float> to_vector(const at::Tensor& t) {
  at::Tensor c = t.to(at::kFloat).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

}  // namespace

std::string prediction_type_name(PredictionType p) { return p == PredictionType::Epsilon ? "epsilon" : "v_prediction"; }

std::string timestep_spacing_name(TimestepSpacing s) {
  switch (s) {
    case TimestepSpacing::Leading:
      return "leading";
    case TimestepSpacing::Linspace:
      return "linspace";
    case TimestepSpacing::Trailing:
      return "trailing";
  }
  return "?";
}

ScheduleConfig ScheduleConfig::parse(const json::Value& c, const std::string& file) {
  if (!c.is_object()) throw InputError(file + ": is not a JSON object");
  ScheduleConfig s;
  s.num_train_timesteps = get_int(c, file, "num_train_timesteps", s.num_train_timesteps);
  if (s.num_train_timesteps < 2 || s.num_train_timesteps > 100000)
    bad(file, "num_train_timesteps", "must be between 2 and 100000, found " + std::to_string(s.num_train_timesteps));
  s.beta_start = get_number(c, file, "beta_start", s.beta_start);
  s.beta_end = get_number(c, file, "beta_end", s.beta_end);
  for (const char* key : {"beta_start", "beta_end"}) {
    const double b = std::string(key) == "beta_start" ? s.beta_start : s.beta_end;
    if (!(b > 0.0 && b < 1.0)) bad(file, key, "must be between 0 and 1 (exclusive), found " + member(c, key)->dump());
  }
  if (const json::Value* tb = member(c, "trained_betas"))
    bad(file, "trained_betas",
        "is set (" + std::to_string(tb->is_array() ? tb->as_array().size() : 0) +
            " values); only beta_start/beta_end/beta_schedule schedules are supported, "
            "set it to null");
  if (auto bs = get_string(c, file, "beta_schedule")) {
    if (*bs == "linear")
      s.beta_schedule = BetaSchedule::Linear;
    else if (*bs == "scaled_linear")
      s.beta_schedule = BetaSchedule::ScaledLinear;
    else
      bad(file, "beta_schedule", "is \"" + *bs + "\"; supported: \"scaled_linear\", \"linear\"");
  }
  if (auto pt = get_string(c, file, "prediction_type")) {
    if (*pt == "epsilon")
      s.prediction_type = PredictionType::Epsilon;
    else if (*pt == "v_prediction")
      s.prediction_type = PredictionType::VPrediction;
    else
      bad(file, "prediction_type", "is \"" + *pt + "\"; supported: \"epsilon\", \"v_prediction\"");
  }
  if (auto sp = get_string(c, file, "timestep_spacing")) {
    if (*sp == "leading")
      s.timestep_spacing = TimestepSpacing::Leading;
    else if (*sp == "linspace")
      s.timestep_spacing = TimestepSpacing::Linspace;
    else if (*sp == "trailing")
      s.timestep_spacing = TimestepSpacing::Trailing;
    else
      bad(file, "timestep_spacing", "is \"" + *sp + "\"; supported: \"leading\", \"linspace\", \"trailing\"");
  }
  s.steps_offset = get_int(c, file, "steps_offset", s.steps_offset);
  if (s.steps_offset < 0 || s.steps_offset >= s.num_train_timesteps)
    bad(file, "steps_offset", "must be between 0 and num_train_timesteps - 1, found " + std::to_string(s.steps_offset));
  s.set_alpha_to_one = get_bool(c, file, "set_alpha_to_one", s.set_alpha_to_one);
  s.clip_sample = get_bool(c, file, "clip_sample", s.clip_sample);
  s.clip_sample_range = get_number(c, file, "clip_sample_range", s.clip_sample_range);
  if (!(s.clip_sample_range > 0.0))
    bad(file, "clip_sample_range", "must be positive, found " + member(c, "clip_sample_range")->dump());
  s.rescale_betas_zero_snr = get_bool(c, file, "rescale_betas_zero_snr", s.rescale_betas_zero_snr);
  for (const char* key : {"sigma_min", "sigma_max"}) {
    if (!member(c, key)) continue;
    const double v = get_number(c, file, key, 0.0);
    if (!(v > 0.0)) bad(file, key, "must be positive, found " + member(c, key)->dump());
    (std::string(key) == "sigma_min" ? s.sigma_min : s.sigma_max) = v;
  }
  s.use_karras_sigmas = get_bool(c, file, "use_karras_sigmas", false);

  refuse_true(c, file, "thresholding", "dynamic thresholding is not supported (it is meant for pixel-space models)");
  refuse_true(c, file, "use_exponential_sigmas", "only the default and Karras sigma schedules are supported");
  refuse_true(c, file, "use_beta_sigmas", "only the default and Karras sigma schedules are supported");
  refuse_true(c, file, "use_lu_lambdas", "only the default and Karras sigma schedules are supported");
  refuse_true(c, file, "use_flow_sigmas", "flow-matching schedules are not supported");
  if (auto it = get_string(c, file, "interpolation_type"); it && *it != "linear")
    bad(file, "interpolation_type", "is \"" + *it + "\"; only \"linear\" is supported");
  if (auto tt = get_string(c, file, "timestep_type"); tt && *tt != "discrete")
    bad(file, "timestep_type", "is \"" + *tt + "\"; only \"discrete\" is supported");
  if (auto fs = get_string(c, file, "final_sigmas_type"); fs && *fs != "zero")
    bad(file, "final_sigmas_type", "is \"" + *fs + "\"; only \"zero\" is supported");
  return s;
}

NoiseSchedule NoiseSchedule::from_config(const json::Value& config, const std::string& file) {
  return NoiseSchedule(ScheduleConfig::parse(config, file));
}

NoiseSchedule::NoiseSchedule(ScheduleConfig config) : config_(std::move(config)) {
  const int64_t T = config_.num_train_timesteps;
  if (T < 2) throw InputError("\"num_train_timesteps\" must be at least 2, found " + std::to_string(T));
  if (!(config_.beta_start > 0.0 && config_.beta_start < 1.0 && config_.beta_end > 0.0 && config_.beta_end < 1.0))
    throw InputError("\"beta_start\" and \"beta_end\" must be between 0 and 1");
  const auto f32 = at::TensorOptions().dtype(at::kFloat);
  // diffusers __init__: torch.linspace in fp32; scaled_linear squares the linspace of the
  // roots (Python's `beta ** 0.5` is pow(beta, 0.5)).
  at::Tensor betas;
  if (config_.beta_schedule == BetaSchedule::Linear) {
    betas = at::linspace(config_.beta_start, config_.beta_end, T, f32);
  } else {
    betas = at::pow(at::linspace(std::pow(config_.beta_start, 0.5), std::pow(config_.beta_end, 0.5), T, f32), 2);
  }
  if (config_.rescale_betas_zero_snr) {
    // rescale_zero_terminal_snr (Lin et al. 2023, Algorithm 1), step for step in fp32.
    at::Tensor alphas_bar_sqrt = at::cumprod(at::rsub(betas, 1.0), 0).sqrt();
    const at::Tensor first = alphas_bar_sqrt[0].clone();
    const at::Tensor last = alphas_bar_sqrt[-1].clone();
    alphas_bar_sqrt = alphas_bar_sqrt - last;
    alphas_bar_sqrt = alphas_bar_sqrt * (first / (first - last));
    const at::Tensor alphas_bar = at::pow(alphas_bar_sqrt, 2);
    const at::Tensor alphas = at::cat({alphas_bar.slice(0, 0, 1), alphas_bar.slice(0, 1) / alphas_bar.slice(0, 0, -1)});
    betas = at::rsub(alphas, 1);
  }
  const at::Tensor alphas_cumprod = at::cumprod(at::rsub(betas, 1.0), 0);
  at::Tensor sigma_ac = alphas_cumprod.clone();
  if (config_.rescale_betas_zero_snr) sigma_ac[-1] = std::ldexp(1.0, -24);
  const at::Tensor sigmas = at::pow(at::rsub(sigma_ac, 1) / sigma_ac, 0.5);

  betas_ = to_vector(betas);
  alphas_cumprod_ = to_vector(alphas_cumprod);
  sigma_alphas_cumprod_ = to_vector(sigma_ac);
  sigmas_ = to_vector(sigmas);
  // numpy's float32 log (SIMD) is not always correctly rounded; this is, which keeps
  // fractional timesteps within ~3e-5 of diffusers' (tests/sampling measure it).
  log_sigmas_.reserve(sigmas_.size());
  for (float s : sigmas_) log_sigmas_.push_back(static_cast<float>(std::log(static_cast<double>(s))));
}

}  // namespace steer
