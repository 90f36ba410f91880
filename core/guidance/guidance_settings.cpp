#include "core/guidance/guidance_settings.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/common/error.h"
#include "core/common/number_text.h"
#include "core/guidance/guidance_method.h"

namespace steer {

GuidanceMethod parse_guidance_method(const std::string& name) {
  if (name == "cfg") return GuidanceMethod::Cfg;
  if (name == "ag") return GuidanceMethod::Autoguidance;
  if (name == "pg") return GuidanceMethod::Personalization;
  throw InputError("guidance method \"" + name +
                   "\" is unknown; use cfg (classifier-free), ag (autoguidance) or pg (personalization guidance)");
}

const char* guidance_method_name(GuidanceMethod method) {
  switch (method) {
    case GuidanceMethod::Cfg:
      return "cfg";
    case GuidanceMethod::Autoguidance:
      return "ag";
    case GuidanceMethod::Personalization:
      return "pg";
  }
  return "?";
}

WeakModel WeakModel::parse(const std::string& text) {
  WeakModel w;
  if (text.empty() || text == "base") return w;
  if (text.rfind("omega:", 0) == 0) {
    w.kind = Kind::Omega;
    const OmegaSchedule schedule = OmegaSchedule::parse(text.substr(6));
    // AG's weak model is one network for the whole run; a schedule would be silently cut to its start.
    if (!schedule.is_constant())
      throw InputError("weak model \"" + text + "\" gives ω a schedule; AG's weak model takes one ω, e.g. omega:0.5");
    w.omega = schedule.start;
    return w;
  }
  if (text.size() > 12 && text.compare(text.size() - 12, 12, ".safetensors") == 0) {
    w.kind = Kind::Checkpoint;
    w.checkpoint = text;
    return w;
  }
  throw InputError("weak model \"" + text +
                   "\" is not understood; use base, omega:W (W in [0, 1]) or the path of a LoRA .safetensors checkpoint");
}

std::string WeakModel::to_string() const {
  switch (kind) {
    case Kind::Base:
      return "base";
    case Kind::Omega:
      return "omega:" + number_text(omega);
    case Kind::Checkpoint:
      return checkpoint;
  }
  return "?";
}

void GuidanceSettings::set_interval(const std::string& text) {
  const auto dash = text.find('-', 1);
  char* end1 = nullptr;
  char* end2 = nullptr;
  const std::string a = dash == std::string::npos ? "" : text.substr(0, dash);
  const std::string b = dash == std::string::npos ? "" : text.substr(dash + 1);
  const double low = std::strtod(a.c_str(), &end1);
  const double high = b == "inf" ? std::numeric_limits<double>::infinity() : std::strtod(b.c_str(), &end2);
  if (a.empty() || b.empty() || end1 != a.c_str() + a.size() || (b != "inf" && end2 != b.c_str() + b.size()))
    throw InputError("guidance interval \"" + text +
                     "\" must be LOW-HIGH in σ, e.g. 0.28-5.42 (guidance applies for LOW < σ <= HIGH)");
  sigma_low = low;
  sigma_high = high;
}

std::string GuidanceSettings::interval_text() const {
  if (!has_interval()) return "";
  return number_text(sigma_low) + "-" + (std::isinf(sigma_high) ? std::string("inf") : number_text(sigma_high));
}

void GuidanceSettings::validate() const {
  if (!std::isfinite(scale) || scale < 0.0 || scale > 100.0)
    throw InputError("guidance scale (lambda) " + number_text(scale) +
                     " is out of range; use a value from 0 to 100 (typical: 3 to 12)");
  if (!std::isfinite(rescale) || rescale < 0.0 || rescale > 1.0)
    throw InputError("CFG rescale (phi) " + number_text(rescale) +
                     " is out of range; use a value from 0 to 1 (0 = off, 0.7 is common)");
  for (double w : {omega.start, omega.end})
    if (!(w >= 0.0 && w <= 1.0))
      throw InputError("omega " + number_text(w) + " is out of range; use a value from 0 (base model) to 1 (subject model)");
  if (weak.kind == WeakModel::Kind::Omega && !(weak.omega >= 0.0 && weak.omega <= 1.0))
    throw InputError("weak model omega " + number_text(weak.omega) + " is out of range; use a value from 0 to 1");
  if (!(sigma_low >= 0.0) || !(sigma_high > sigma_low))
    throw InputError("guidance interval " + interval_text() + " is empty or negative; LOW must be >= 0 and below HIGH");
  if (modifiers.size() > 1)
    throw InputError("guidance modifiers " + modifiers[0].name + " and " + modifiers[1].name +
                     " both replace the guidance combination; use one of them");
  for (const auto& m : modifiers)
    if (!find_guidance_modifier(m.name)) throw InputError("guidance modifier \"" + m.name + "\" is unknown");
}

std::string GuidanceSettings::describe() const {
  const GuidanceMethodRule& rule = guidance_method_rule(method);
  std::string text = rule.label();
  text += " λ=" + number_text(scale);
  for (const auto& [name, value] : rule.parameters(*this))
    text += (name == "omega" ? " ω=" : name == "weak_model" ? " weak=" : " " + name + "=") + value;
  for (const auto& m : modifiers) text += " +" + m.to_string();
  if (rescale > 0) text += " φ=" + number_text(rescale);
  if (has_interval()) text += " σ∈(" + interval_text() + "]";
  return text;
}

}  // namespace steer
