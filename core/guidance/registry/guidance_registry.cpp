// The registry of guidance methods and modifiers: the one place that lists them. It sits
// above the plug-ins (core/guidance/methods, core/guidance/modifiers) in the layer order
// (docs/architecture.md, "Adding a guidance method"). A new modifier is one file that
// defines its kind, plus one line here.
#include "core/common/error.h"
#include "core/guidance/guidance_method.h"
#include "core/guidance/guidance_modifier.h"
#include "core/guidance/methods/method_rules.h"

namespace steer {

const GuidanceModifierKind& adaptive_projected_guidance_kind();  // modifiers/adaptive_projected_guidance.cpp

const GuidanceMethodRule& guidance_method_rule(GuidanceMethod method) {
  switch (method) {
    case GuidanceMethod::Cfg:
      return classifier_free_guidance_rule();
    case GuidanceMethod::Autoguidance:
      return autoguidance_rule();
    case GuidanceMethod::Personalization:
      return personalization_guidance_rule();
  }
  throw InputError("guidance method " + std::to_string(static_cast<int>(method)) + " has no registered rule");
}

const std::vector<const GuidanceModifierKind*>& guidance_modifier_kinds() {
  static const std::vector<const GuidanceModifierKind*> kinds{&adaptive_projected_guidance_kind()};
  return kinds;
}

}  // namespace steer
