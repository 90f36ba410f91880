// Personalization guidance (Park et al., ICCV 2025; docs/guidance.md): weak = ε_ω(x, ∅) with
// θ_ω = (1−ω)·θ_pre + ω·θ_ft, ω following the schedule over the steps. ω = 1 is CFG.
#include "core/common/error.h"
#include "core/guidance/methods/method_rules.h"

namespace steer {
namespace {

class PersonalizationGuidance final : public GuidanceMethodRule {
 public:
  GuidanceMethod method() const override { return GuidanceMethod::Personalization; }
  const char* label() const override { return "PG"; }
  void check(const GuidanceSettings&, const SubjectFacts& subject) const override {
    if (subject.kind == SubjectFacts::Kind::None)
      throw InputError(
          "personalization guidance (pg) needs a subject (a LoRA or a fine-tuned model): without one, "
          "θ_ω equals the base model for every ω and PG is plain CFG. Attach a subject or choose cfg.");
  }
  BranchPlan weak_branch(const GuidanceSettings& settings, int step, int steps) const override {
    return BranchPlan{BranchPlan::Prompt::Negative, settings.omega.at(step, steps), {}};
  }
  std::vector<std::pair<std::string, std::string>> parameters(const GuidanceSettings& settings) const override {
    return {{"omega", settings.omega.to_string()}};
  }
  double reported_omega(const GuidanceSettings& settings, int step, int steps) const override {
    return settings.omega.at(step, steps);
  }
};

}  // namespace

const GuidanceMethodRule& personalization_guidance_rule() {
  static const PersonalizationGuidance rule;
  return rule;
}

}  // namespace steer
