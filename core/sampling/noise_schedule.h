#pragma once
// The noise schedule a model was trained with, read from its scheduler_config.json the way
// diffusers' DDIM / Euler / Euler-ancestral / DPM-Solver schedulers read it (docs/model-notes.md §6.1, §6.5).
// Every table is computed as diffusers computes it: betas, alphas and alphas_cumprod in fp32
// with torch (linspace, cumprod), sigmas in fp32 from those.
#include <optional>
#include <string>
#include <vector>

namespace steer {
namespace json {
class Value;
}

// What the UNet predicts. "sample" (x0) prediction is not used by SD 1.x/2.x and is refused.
enum class PredictionType { Epsilon, VPrediction };
enum class BetaSchedule { Linear, ScaledLinear };
enum class TimestepSpacing { Leading, Linspace, Trailing };

std::string prediction_type_name(PredictionType);    // "epsilon", "v_prediction"
std::string timestep_spacing_name(TimestepSpacing);  // "leading", "linspace", "trailing"

// The keys of scheduler_config.json steer reads. Each default is the diffusers class
// default (identical in DDIMScheduler, EulerDiscreteScheduler, EulerAncestralDiscreteScheduler
// and DPMSolverMultistepScheduler, except where noted).
struct ScheduleConfig {
  int num_train_timesteps = 1000;
  double beta_start = 0.0001;
  double beta_end = 0.02;
  BetaSchedule beta_schedule = BetaSchedule::Linear;
  PredictionType prediction_type = PredictionType::Epsilon;
  // Absent from most published configs (SD1.5, SD2.1); each sampler then uses its class
  // default: DDIM "leading", Euler / Euler a / DPM-Solver "linspace" (docs/model-notes.md §1.3, §6.5).
  std::optional<TimestepSpacing> timestep_spacing;
  int steps_offset = 0;          // used by "leading" spacing only
  bool set_alpha_to_one = true;  // DDIM only
  bool clip_sample = true;       // DDIM only (SD configs say false)
  double clip_sample_range = 1.0;
  bool rescale_betas_zero_snr = false;
  // Karras range overrides (Euler, DPM-Solver); absent/null: the range of the sigmas.
  std::optional<double> sigma_min, sigma_max;
  // As configured. steer's SamplerSettings::karras_sigmas decides; this is informational.
  bool use_karras_sigmas = false;

  // Reads a scheduler_config.json object. Keys steer does not implement with a value that
  // would change the numbers (trained_betas, thresholding, squaredcos_cap_v2, ...) are refused
  // with an InputError naming `file`, the key and the value. Unknown keys are ignored, as
  // diffusers ignores keys of other scheduler classes.
  static ScheduleConfig parse(const json::Value& config, const std::string& file = "scheduler_config.json");
};

class NoiseSchedule {
 public:
  // Builds the tables; throws InputError for values that cannot make a schedule.
  explicit NoiseSchedule(ScheduleConfig config = {});
  static NoiseSchedule from_config(const json::Value& config, const std::string& file = "scheduler_config.json");

  const ScheduleConfig& config() const { return config_; }
  int num_train_timesteps() const { return config_.num_train_timesteps; }
  PredictionType prediction_type() const { return config_.prediction_type; }
  TimestepSpacing spacing_or(TimestepSpacing class_default) const { return config_.timestep_spacing.value_or(class_default); }

  const std::vector<float>& betas() const { return betas_; }
  // DDIMScheduler.alphas_cumprod (ᾱ_t, t = 0..T-1).
  const std::vector<float>& alphas_cumprod() const { return alphas_cumprod_; }
  // ᾱ as Euler / Euler a / DPM-Solver use it: the same, except that with
  // rescale_betas_zero_snr the last entry (0) is set to 2^-24 so that σ stays finite.
  const std::vector<float>& sigma_alphas_cumprod() const { return sigma_alphas_cumprod_; }
  // σ_t = sqrt((1-ᾱ)/ᾱ) of sigma_alphas_cumprod, fp32, t = 0..T-1 (increasing).
  const std::vector<float>& sigmas() const { return sigmas_; }
  // log σ_t in fp32 (what _sigma_to_t interpolates in).
  const std::vector<float>& log_sigmas() const { return log_sigmas_; }

 private:
  ScheduleConfig config_;
  std::vector<float> betas_, alphas_cumprod_, sigma_alphas_cumprod_, sigmas_, log_sigmas_;
};

}  // namespace steer
