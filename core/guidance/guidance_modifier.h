#pragma once
// Guidance modifiers: they change how a method's strong − weak difference becomes the
// guided prediction, not which models produce the branches, so each stacks on any method
// (docs/guidance.md, "Modifiers"; docs/architecture.md, "Adding a guidance modifier").
//
// Settings are plain values, written "name" or "name:key=value,key=value" (e.g.
// "apg:eta=0,norm_threshold=15,momentum=-0.5"); each kind declares its parameters with
// defaults and ranges, so parsing, validation, help and the recorded text need no code per
// modifier. Torch-free here; the per-job modifier computes with ATen tensors.
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace at {
class Tensor;
}

namespace steer {

// One modifier in a request: its name and every parameter's value (defaults filled in, in
// the kind's declared order).
struct ModifierSettings {
  std::string name;
  std::vector<std::pair<std::string, double>> values;

  // "apg" or "apg:eta=0,momentum=-0.5"; InputError names the modifier, key or value and
  // lists what is accepted.
  static ModifierSettings parse(const std::string& text);
  // The canonical form parse() reads back, every parameter written.
  std::string to_string() const;
  double value(const std::string& key) const;  // std::out_of_range when absent
  bool operator==(const ModifierSettings& other) const = default;
};

struct ModifierParameter {
  std::string key;
  double default_value = 0;
  double min = 0, max = 0;
  std::string help;  // plain language, for --help and tooltips
};

// The state of one modifier during one generation job (e.g. APG's momentum buffer).
class GuidanceModifier {
 public:
  virtual ~GuidanceModifier() = default;
  // Replaces guided = weak + λ·(strong − weak) for one guided step; called once per guided
  // step, in order.
  virtual at::Tensor combine(const at::Tensor& strong, const at::Tensor& weak, double scale) = 0;
};

class GuidanceModifierKind {
 public:
  virtual ~GuidanceModifierKind() = default;
  virtual const char* name() const = 0;     // "apg"
  virtual const char* summary() const = 0;  // one line for --help
  virtual std::vector<ModifierParameter> parameters() const = 0;
  // A fresh per-job modifier (the settings are validated already).
  virtual std::unique_ptr<GuidanceModifier> start(const ModifierSettings& settings) const = 0;
};

// The registered kinds (core/guidance/registry/guidance_registry.cpp), and one by name (nullptr when unknown).
const std::vector<const GuidanceModifierKind*>& guidance_modifier_kinds();
const GuidanceModifierKind* find_guidance_modifier(const std::string& name);
// "  apg  adaptive projected guidance ...\n      eta=1 ...", for --help.
std::string guidance_modifiers_help();

}  // namespace steer
