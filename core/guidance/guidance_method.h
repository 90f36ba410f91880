#pragma once
// A guidance method as a plug-in (docs/architecture.md, "Adding a guidance method"). Every
// method evaluates two branches per guided step and combines them:
//   strong = ε_ft(x, c)           — always the subject model with the prompt
//   weak   = the method's choice  — which weights (θ at a subject weight, or an earlier
//                                   LoRA checkpoint) and which prompt (c or ∅), per step
//   guided = weak + λ·(strong − weak), then the modifiers (docs/guidance.md).
// The step loop asks the method for its weak branch and never names a method. Torch-free:
// the UI and the exporter read a method's parameters through the same object.
#include <string>
#include <utility>
#include <vector>

#include "core/guidance/guidance_settings.h"

namespace steer {

// What one guidance branch runs with.
struct BranchPlan {
  enum class Prompt { Positive, Negative };  // c, or ∅ (the negative prompt)
  Prompt prompt = Prompt::Negative;
  // The subject's weight: 1 = θ_ft, 0 = θ_pre, ω = θ_ω = (1−ω)θ_pre + ωθ_ft. For a LoRA
  // subject this is the per-sample LoRA scale (times the subject's multiplier).
  double subject_weight = 1.0;
  // Non-empty: an earlier LoRA checkpoint of the subject replaces the subject for this branch.
  std::string checkpoint;
};

// What the attached subject is, as far as a method's preconditions care.
struct SubjectFacts {
  enum class Kind { None, Lora, FineTuned };
  Kind kind = Kind::None;
  std::string path;  // for messages
};

class GuidanceMethodRule {
 public:
  virtual ~GuidanceMethodRule() = default;
  virtual GuidanceMethod method() const = 0;
  // Short label for grids and logs ("CFG", "AG", "PG").
  virtual const char* label() const = 0;
  // InputError, before any work, when the settings cannot work with this subject.
  virtual void check(const GuidanceSettings& settings, const SubjectFacts& subject) const = 0;
  // The weak branch at step `step` (0-based) of `steps`.
  virtual BranchPlan weak_branch(const GuidanceSettings& settings, int step, int steps) const = 0;
  // The method's own settings that change its images, as (name, canonical text): recorded
  // in sidecars and labels and part of a cell's reproducibility key. A setting this list
  // leaves out (ω for CFG) does not change the image.
  virtual std::vector<std::pair<std::string, std::string>> parameters(const GuidanceSettings& settings) const = 0;
  // The ω shown in step events (1 where ω does not apply).
  virtual double reported_omega(const GuidanceSettings& /*settings*/, int /*step*/, int /*steps*/) const { return 1.0; }
};

// The registered rule of a method (core/guidance/registry/guidance_registry.cpp).
const GuidanceMethodRule& guidance_method_rule(GuidanceMethod method);

}  // namespace steer
