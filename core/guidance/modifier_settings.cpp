#include <cmath>
#include <stdexcept>

#include "core/common/error.h"
#include "core/common/number_text.h"
#include "core/guidance/guidance_modifier.h"

namespace steer {
namespace {

std::string known_modifiers() {
  std::string names;
  for (const auto* kind : guidance_modifier_kinds()) names += (names.empty() ? "" : ", ") + std::string(kind->name());
  return names;
}

double parse_value(const std::string& modifier, const ModifierParameter& p, const std::string& text) {
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (text.empty() || used != text.size() || !std::isfinite(v))
    throw InputError("modifier " + modifier + ": " + p.key + "=\"" + text + "\" is not a number");
  if (v < p.min || v > p.max)
    throw InputError("modifier " + modifier + ": " + p.key + "=" + number_text(v) + " is out of range; use a value from " +
                     number_text(p.min) + " to " + number_text(p.max) + " (" + p.help + ")");
  return v;
}

}  // namespace

const GuidanceModifierKind* find_guidance_modifier(const std::string& name) {
  for (const auto* kind : guidance_modifier_kinds())
    if (name == kind->name()) return kind;
  return nullptr;
}

ModifierSettings ModifierSettings::parse(const std::string& text) {
  const auto colon = text.find(':');
  ModifierSettings s;
  s.name = text.substr(0, colon);
  const GuidanceModifierKind* kind = find_guidance_modifier(s.name);
  if (!kind) throw InputError("guidance modifier \"" + s.name + "\" is unknown; the modifiers are: " + known_modifiers());
  const auto parameters = kind->parameters();
  for (const auto& p : parameters) s.values.emplace_back(p.key, p.default_value);
  if (colon == std::string::npos) return s;
  const std::string rest = text.substr(colon + 1);
  size_t start = 0;
  while (start <= rest.size()) {
    const auto comma = rest.find(',', start);
    const std::string item = rest.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const auto eq = item.find('=');
    if (eq == std::string::npos)
      throw InputError("modifier " + s.name + ": \"" + item + "\" is not key=value (e.g. " + s.name + ":" +
                       parameters.front().key + "=" + number_text(parameters.front().default_value) + ")");
    const std::string key = item.substr(0, eq);
    bool found = false;
    for (size_t i = 0; i < parameters.size(); ++i) {
      if (parameters[i].key != key) continue;
      s.values[i].second = parse_value(s.name, parameters[i], item.substr(eq + 1));
      found = true;
    }
    if (!found) {
      std::string keys;
      for (const auto& p : parameters) keys += (keys.empty() ? "" : ", ") + p.key;
      throw InputError("modifier " + s.name + " has no parameter \"" + key + "\"; its parameters are: " + keys);
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return s;
}

std::string ModifierSettings::to_string() const {
  std::string text = name;
  for (size_t i = 0; i < values.size(); ++i) text += (i == 0 ? ":" : ",") + values[i].first + "=" + number_text(values[i].second);
  return text;
}

double ModifierSettings::value(const std::string& key) const {
  for (const auto& [k, v] : values)
    if (k == key) return v;
  throw std::out_of_range("modifier " + name + " has no value " + key);
}

std::string guidance_modifiers_help() {
  std::string text;
  for (const auto* kind : guidance_modifier_kinds()) {
    text += "    " + std::string(kind->name()) + "  " + kind->summary() + "\n";
    for (const auto& p : kind->parameters())
      text += "      " + p.key + "=" + number_text(p.default_value) + "  (" + number_text(p.min) + " to " + number_text(p.max) +
              ") " + p.help + "\n";
  }
  return text;
}

}  // namespace steer
