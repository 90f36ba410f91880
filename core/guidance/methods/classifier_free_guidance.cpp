// CFG (Ho & Salimans 2022) on the subject model: weak = ε_ft(x, ∅) (docs/guidance.md).
#include "core/guidance/methods/method_rules.h"

namespace steer {
namespace {

class ClassifierFreeGuidance final : public GuidanceMethodRule {
 public:
  GuidanceMethod method() const override { return GuidanceMethod::Cfg; }
  const char* label() const override { return "CFG"; }
  void check(const GuidanceSettings&, const SubjectFacts&) const override {}
  BranchPlan weak_branch(const GuidanceSettings&, int, int) const override {
    return BranchPlan{BranchPlan::Prompt::Negative, 1.0, {}};
  }
  std::vector<std::pair<std::string, std::string>> parameters(const GuidanceSettings&) const override { return {}; }
};

}  // namespace

const GuidanceMethodRule& classifier_free_guidance_rule() {
  static const ClassifierFreeGuidance rule;
  return rule;
}

}  // namespace steer
