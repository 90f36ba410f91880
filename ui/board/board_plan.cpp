#include "ui/board/board_plan.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "core/common/error.h"
#include "core/generation/request_json.h"

namespace steer::ui {
namespace {

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

// The entries of a field, refusing empty ones ("1,,2"): a stray comma is a typo, not a value.
std::vector<std::string> entries(const std::string& field, const std::string& text) {
  std::vector<std::string> out = split_axis_list(text);
  for (const auto& e : out)
    if (e.empty()) throw InputError(field + ": \"" + text + "\" has an empty entry; separate values with single commas");
  return out;
}

// JSON numbers hold integers exactly up to 2^53; larger seeds go as decimal text.
constexpr double kExactIntegerLimit = 9007199254740992.0;

json::Value seed_value(int64_t seed) {
  if (std::fabs(static_cast<double>(seed)) < kExactIntegerLimit) return json::Value(seed);
  return json::Value(std::to_string(seed));
}

int64_t seed_from(const json::Value& v, const std::string& key) {
  if (v.is_string()) {
    const std::string& s = v.as_string();
    char* end = nullptr;
    errno = 0;
    const long long n = std::strtoll(s.c_str(), &end, 10);
    if (s.empty() || end != s.c_str() + s.size() || errno == ERANGE)
      throw InputError("\"" + key + "\" \"" + s + "\" is not a whole number");
    return n;
  }
  return v.as_int();
}

}  // namespace

std::vector<std::string> split_axis_list(const std::string& text) {
  std::vector<std::string> out;
  if (trimmed(text).empty()) return out;
  size_t start = 0;
  for (;;) {
    const size_t comma = text.find(',', start);
    out.push_back(trimmed(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

SweepPlan plan_from_axis_texts(const GenerationRequest& base, const BoardAxisTexts& texts) {
  SweepPlan plan;
  plan.base = base;
  plan.methods.clear();
  for (const auto& m : entries("Methods", texts.methods)) {
    try {
      plan.methods.push_back(guidance_method_name(parse_guidance_method(m)));
    } catch (const InputError& e) {
      throw InputError(std::string("Methods: ") + e.what());
    }
  }
  if (plan.methods.empty()) plan.methods = {guidance_method_name(base.guidance.method)};
  for (const auto& l : entries("λ values", texts.lambdas)) {
    char* end = nullptr;
    const double v = std::strtod(l.c_str(), &end);
    if (end != l.c_str() + l.size() || !std::isfinite(v))
      throw InputError("λ values: \"" + l + "\" is not a number; write numbers separated by commas, e.g. 3, 5, 7.5");
    plan.lambdas.push_back(v);
  }
  for (const auto& w : entries("ω values", texts.omegas)) {
    try {
      plan.omegas.push_back(OmegaSchedule::parse(w).to_string());
    } catch (const InputError& e) {
      throw InputError(std::string("ω values: ") + e.what());
    }
  }
  for (const auto& s : entries("Seeds", texts.seeds)) {
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    if (end != s.c_str() + s.size() || errno == ERANGE)
      throw InputError("Seeds: \"" + s + "\" is not a whole number; write seeds separated by commas, e.g. 1, 2, 3");
    if (v < 0) throw InputError("Seeds: " + s + " is negative; use 0 to 2^63-1");
    plan.seeds.push_back(v);
  }
  for (const auto& p : texts.prompts)
    if (!trimmed(p).empty()) plan.prompts.push_back(trimmed(p));
  return plan;
}

SweepPlan single_cell_plan(const GenerationRequest& request) {
  SweepPlan plan;
  plan.base = request;
  plan.methods = {guidance_method_name(request.guidance.method)};
  return plan;
}

json::Value plan_to_json(const SweepPlan& plan) {
  json::Array methods(plan.methods.begin(), plan.methods.end());
  json::Array lambdas(plan.lambdas.begin(), plan.lambdas.end());
  json::Array omegas(plan.omegas.begin(), plan.omegas.end());
  json::Array seeds;
  for (int64_t s : plan.seeds) seeds.push_back(seed_value(s));
  json::Array prompts(plan.prompts.begin(), plan.prompts.end());
  json::Value v = json::Object{};
  v.set("base", request_to_json(plan.base));
  v.set("methods", std::move(methods));
  v.set("lambdas", std::move(lambdas));
  v.set("omegas", std::move(omegas));
  v.set("seeds", std::move(seeds));
  v.set("prompts", std::move(prompts));
  return v;
}

SweepPlan plan_from_json(const json::Value& v) {
  if (!v.is_object()) throw InputError("a board plan must be a JSON object, found " + v.dump());
  SweepPlan plan;
  std::string key;
  try {
    auto list = [&](const char* k) -> const json::Array* {
      key = k;
      const json::Value* x = v.find(k);
      return x ? &x->as_array() : nullptr;
    };
    if (const json::Value* b = v.find("base")) {
      key = "base";
      plan.base = request_from_json(*b);
    }
    if (auto* a = list("methods")) {
      plan.methods.clear();
      for (const auto& e : *a) plan.methods.push_back(e.as_string());
    }
    if (auto* a = list("lambdas"))
      for (const auto& e : *a) plan.lambdas.push_back(e.as_number());
    if (auto* a = list("omegas"))
      for (const auto& e : *a) plan.omegas.push_back(e.as_string());
    if (auto* a = list("seeds"))
      for (const auto& e : *a) plan.seeds.push_back(seed_from(e, "seeds"));
    if (auto* a = list("prompts"))
      for (const auto& e : *a) plan.prompts.push_back(e.as_string());
  } catch (const json::TypeError& e) {
    throw InputError("board plan \"" + key + "\": " + e.what());
  }
  if (plan.methods.empty()) plan.methods = {guidance_method_name(plan.base.guidance.method)};
  return plan;
}

json::Value axis_texts_to_json(const BoardAxisTexts& t) {
  json::Value v = json::Object{};
  v.set("methods", t.methods);
  v.set("lambdas", t.lambdas);
  v.set("omegas", t.omegas);
  v.set("seeds", t.seeds);
  v.set("prompts", json::Array(t.prompts.begin(), t.prompts.end()));
  return v;
}

BoardAxisTexts axis_texts_from_json(const json::Value& v) {
  BoardAxisTexts t;
  if (!v.is_object()) throw InputError("board axes must be a JSON object, found " + v.dump());
  try {
    t.methods = json::string_or(v, "methods", "");
    t.lambdas = json::string_or(v, "lambdas", "");
    t.omegas = json::string_or(v, "omegas", "");
    t.seeds = json::string_or(v, "seeds", "");
    if (const json::Value* p = v.find("prompts"))
      for (const auto& e : p->as_array()) t.prompts.push_back(e.as_string());
  } catch (const json::TypeError& e) {
    throw InputError(std::string("board axes: ") + e.what());
  }
  return t;
}

}  // namespace steer::ui
