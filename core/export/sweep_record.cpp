#include "core/export/sweep_record.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "core/common/error.h"
#include "core/formats/json_whole_number.h"

namespace steer {

std::string format_number(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  if (value == 0) return "0";  // also turns -0 into "0"
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

namespace {

constexpr double kLargestExactInteger = 9007199254740992.0;  // 2^53

json::Value seed_to_json(int64_t seed) {
  if (std::fabs(static_cast<double>(seed)) < kLargestExactInteger) return json::Value(seed);
  return json::Value(std::to_string(seed));
}

[[noreturn]] void wrong_type(std::string_view key, const char* expected) {
  throw InputError("The setting \"" + std::string(key) + "\" should be " + expected);
}

void read_string(const json::Value& object, std::string_view key, std::string& out) {
  const json::Value* v = object.find(key);
  if (!v || v->is_null()) return;
  if (!v->is_string()) wrong_type(key, "text");
  out = v->as_string();
}

void read_number(const json::Value& object, std::string_view key, double& out) {
  const json::Value* v = object.find(key);
  if (!v) return;
  if (v->is_null()) {  // JSON has no NaN; the writer stores a non-finite number as null
    out = std::numeric_limits<double>::quiet_NaN();
    return;
  }
  if (!v->is_number()) wrong_type(key, "a number");
  out = v->as_number();
}

void read_int(const json::Value& object, std::string_view key, int& out) {
  const json::Value* v = object.find(key);
  if (!v || v->is_null()) return;
  if (!v->is_number()) wrong_type(key, "a whole number");
  // A fraction or a value beyond an int is refused with the value, never truncated or wrapped.
  out = static_cast<int>(json::whole_number(*v, "The setting \"" + std::string(key) + "\"", std::numeric_limits<int>::min(),
                                            std::numeric_limits<int>::max()));
}

void read_bool(const json::Value& object, std::string_view key, bool& out) {
  const json::Value* v = object.find(key);
  if (!v || v->is_null()) return;
  if (!v->is_bool()) wrong_type(key, "true or false");
  out = v->as_bool();
}

void read_seed(const json::Value& object, std::string_view key, int64_t& out) {
  const json::Value* v = object.find(key);
  if (!v || v->is_null()) return;
  if (v->is_string()) {
    const std::string& text = v->as_string();
    int64_t parsed = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (result.ec != std::errc() || result.ptr != text.data() + text.size()) wrong_type(key, "a whole number");
    out = parsed;
    return;
  }
  if (!v->is_number()) wrong_type(key, "a whole number");
  if (const auto raw = v->raw_integer(); raw && *raw <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    out = static_cast<int64_t>(*raw);
    return;
  }
  try {
    out = v->as_int();
  } catch (const json::TypeError&) {
    wrong_type(key, "a whole number");
  }
}

}  // namespace

json::Value settings_to_json(const CellSettings& s) {
  json::Object o;
  o.emplace_back("method", s.method);
  o.emplace_back("lambda", s.lambda);
  auto applicable = [](const std::string& text) { return text.empty() ? json::Value(nullptr) : json::Value(text); };
  o.emplace_back("omega", applicable(s.omega));
  o.emplace_back("weak_model", applicable(s.weak_model));
  o.emplace_back("seed", seed_to_json(s.seed));
  o.emplace_back("prompt", s.prompt);
  o.emplace_back("negative_prompt", s.negative_prompt);
  o.emplace_back("width", s.width);
  o.emplace_back("height", s.height);
  o.emplace_back("steps", s.steps);
  o.emplace_back("sampler", s.sampler);
  o.emplace_back("karras", s.karras);
  o.emplace_back("eta", s.eta);
  o.emplace_back("guidance_rescale", s.guidance_rescale);
  o.emplace_back("guidance_interval", s.guidance_interval);
  o.emplace_back("guidance_modifier", s.guidance_modifier);
  o.emplace_back("model_name", s.model_name);
  o.emplace_back("model_hash", s.model_hash);
  o.emplace_back("subject_name", s.subject_name);
  o.emplace_back("subject_hash", s.subject_hash);
  o.emplace_back("subject_scale", s.subject_scale);
  o.emplace_back("noise_device", s.noise_device);
  o.emplace_back("software_version", s.software_version);
  return json::Value(std::move(o));
}

CellSettings settings_from_json(const json::Value& object) {
  if (!object.is_object()) throw InputError("The cell settings should be a JSON object");
  CellSettings s;
  read_string(object, "method", s.method);
  read_number(object, "lambda", s.lambda);
  read_string(object, "omega", s.omega);
  read_string(object, "weak_model", s.weak_model);
  read_seed(object, "seed", s.seed);
  read_string(object, "prompt", s.prompt);
  read_string(object, "negative_prompt", s.negative_prompt);
  read_int(object, "width", s.width);
  read_int(object, "height", s.height);
  read_int(object, "steps", s.steps);
  read_string(object, "sampler", s.sampler);
  read_bool(object, "karras", s.karras);
  read_number(object, "eta", s.eta);
  read_number(object, "guidance_rescale", s.guidance_rescale);
  read_string(object, "guidance_interval", s.guidance_interval);
  read_string(object, "guidance_modifier", s.guidance_modifier);
  read_string(object, "model_name", s.model_name);
  read_string(object, "model_hash", s.model_hash);
  read_string(object, "subject_name", s.subject_name);
  read_string(object, "subject_hash", s.subject_hash);
  read_number(object, "subject_scale", s.subject_scale);
  read_string(object, "noise_device", s.noise_device);
  read_string(object, "software_version", s.software_version);
  return s;
}

}  // namespace steer
