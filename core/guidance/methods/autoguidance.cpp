// Autoguidance (Karras et al. 2024; docs/guidance.md): weak = ε_weak(x, c), the same prompt
// through a weaker model — the pre-trained model (subject weight 0), θ_ω, or an earlier
// LoRA checkpoint of the subject.
#include "core/common/error.h"
#include "core/guidance/methods/method_rules.h"

namespace steer {
namespace {

class Autoguidance final : public GuidanceMethodRule {
 public:
  GuidanceMethod method() const override { return GuidanceMethod::Autoguidance; }
  const char* label() const override { return "AG"; }
  void check(const GuidanceSettings& settings, const SubjectFacts& subject) const override {
    const bool checkpoint = settings.weak.kind == WeakModel::Kind::Checkpoint;
    if (subject.kind == SubjectFacts::Kind::None && !checkpoint)
      throw InputError(
          "autoguidance (ag) with the weak model \"" + settings.weak.to_string() +
          "\" needs a subject: without one the weak and strong models are the same. Attach a subject or choose cfg.");
    if (subject.kind == SubjectFacts::Kind::FineTuned && checkpoint)
      throw InputError("autoguidance with the LoRA checkpoint " + settings.weak.checkpoint +
                       " as the weak model needs a LoRA subject; the subject is the fully fine-tuned model " + subject.path +
                       ". Use the weak model base or omega:W with it.");
  }
  BranchPlan weak_branch(const GuidanceSettings& settings, int, int) const override {
    BranchPlan plan{BranchPlan::Prompt::Positive, 0.0, {}};
    switch (settings.weak.kind) {
      case WeakModel::Kind::Base:
        break;
      case WeakModel::Kind::Omega:
        plan.subject_weight = settings.weak.omega;
        break;
      case WeakModel::Kind::Checkpoint:
        plan.checkpoint = settings.weak.checkpoint;
        break;
    }
    return plan;
  }
  std::vector<std::pair<std::string, std::string>> parameters(const GuidanceSettings& settings) const override {
    return {{"weak_model", settings.weak.to_string()}};
  }
};

}  // namespace

const GuidanceMethodRule& autoguidance_rule() {
  static const Autoguidance rule;
  return rule;
}

}  // namespace steer
