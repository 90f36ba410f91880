#pragma once
// Which guidance a job uses and with what parameters (docs/guidance.md). Torch-free: the UI
// edits it, the exporter records it, the engine executes it.
#include <limits>
#include <string>

#include <vector>

#include "core/guidance/guidance_modifier.h"
#include "core/guidance/omega_schedule.h"

namespace steer {

enum class GuidanceMethod {
  Cfg,              // ε_ft(∅) + λ(ε_ft(c) − ε_ft(∅))
  Autoguidance,     // ε_weak(c) + λ(ε_ft(c) − ε_weak(c))
  Personalization,  // ε_ω(∅) + λ(ε_ft(c) − ε_ω(∅)),  θ_ω = (1−ω)θ_pre + ωθ_ft
};
GuidanceMethod parse_guidance_method(const std::string& name);  // "cfg", "ag", "pg"; InputError lists them
const char* guidance_method_name(GuidanceMethod method);        // "cfg", "ag", "pg"

// AG's weak model: the pre-trained model (subject at scale 0, the default), an earlier
// checkpoint of the subject (a LoRA file), or θ_ω.
struct WeakModel {
  enum class Kind { Base, Checkpoint, Omega };
  Kind kind = Kind::Base;
  std::string checkpoint;                           // Kind::Checkpoint: a LoRA file
  double omega = 0.5;                               // Kind::Omega
  static WeakModel parse(const std::string& text);  // "base", "omega:0.5", or a .safetensors path
  std::string to_string() const;
};

struct GuidanceSettings {
  GuidanceMethod method = GuidanceMethod::Cfg;
  double scale = 7.5;  // λ
  // PG only. Below 1: at ω = 1 PG is CFG (docs/guidance.md, "Personalization guidance"), so
  // a PG image at the default would show nothing new; 0.5 is halfway to the full push.
  OmegaSchedule omega = OmegaSchedule::constant(0.5);
  WeakModel weak;        // AG only
  double rescale = 0.0;  // CFG rescale φ in [0, 1]
  // Guidance interval: guide only for σ in (sigma_low, sigma_high]; elsewhere one
  // conditional pass per step (Kynkäänniemi et al. 2024).
  double sigma_low = 0.0;
  double sigma_high = std::numeric_limits<double>::infinity();
  // Modifiers that replace the combination weak + λ·(strong − weak) (guidance_modifier.h),
  // e.g. APG; at most one. CFG rescale (φ above) applies after any of them.
  std::vector<ModifierSettings> modifiers;

  bool has_interval() const { return sigma_low > 0.0 || sigma_high != std::numeric_limits<double>::infinity(); }
  bool guides_at(double sigma) const { return sigma > sigma_low && sigma <= sigma_high; }
  // Parses "LOW-HIGH" (σ values, e.g. "0.28-5.42") into the interval; InputError otherwise.
  void set_interval(const std::string& text);
  std::string interval_text() const;  // "" without an interval
  // Every value in range: λ in [0, 100], φ in [0, 1], ω in [0, 1], interval low < high.
  void validate() const;
  // "PG λ=5 ω=0.5" — for labels and logs.
  std::string describe() const;
};

}  // namespace steer
