#pragma once
// The built-in guidance methods, one file each; guidance_registry.cpp maps the settings'
// method to these.
#include "core/guidance/guidance_method.h"

namespace steer {

const GuidanceMethodRule& classifier_free_guidance_rule();
const GuidanceMethodRule& autoguidance_rule();
const GuidanceMethodRule& personalization_guidance_rule();

}  // namespace steer
