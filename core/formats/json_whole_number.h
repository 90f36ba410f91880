#pragma once
// A whole number read from a JSON file into a setting of a narrower range (an int, a seed):
// a fraction, a non-number or a value outside [min, max] is refused with an InputError that
// names the setting (`what`, e.g. "sweep.json: \"steps\""), the value and what is allowed —
// never truncated, wrapped or clamped.
#include <cmath>
#include <cstdint>
#include <string>

#include "core/common/error.h"
#include "core/formats/json.h"

namespace steer::json {

inline int64_t whole_number(const Value& v, const std::string& what, int64_t min, int64_t max, const std::string& allowed = "") {
  const std::string range =
      allowed.empty() ? "a whole number from " + std::to_string(min) + " to " + std::to_string(max) : allowed;
  if (!v.is_number()) throw InputError(what + " must be " + range + ", found " + v.dump());
  const double d = v.as_number();
  if (std::trunc(d) != d) throw InputError(what + " " + v.dump() + " is not a whole number; use " + range);
  int64_t n = 0;
  if (const auto raw = v.raw_integer()) {  // a plain non-negative literal, exact to 2^64-1
    if (max < 0 || *raw > static_cast<uint64_t>(max)) throw InputError(what + " " + v.dump() + " is out of range; use " + range);
    n = static_cast<int64_t>(*raw);
  } else {
    try {
      n = v.as_int();
    } catch (const TypeError&) {
      throw InputError(what + " " + v.dump() + " is out of range; use " + range);
    }
  }
  if (n < min || n > max) throw InputError(what + " " + v.dump() + " is out of range; use " + range);
  return n;
}

}  // namespace steer::json
