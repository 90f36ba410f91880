#pragma once
// Numbers typed by a person (command-line options, comma-separated lists, entries of a
// sweep file), parsed with their range checked: a value that does not fit is refused with
// an InputError that names where it came from, the value and what is allowed — never
// wrapped, truncated or saturated.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <system_error>

#include "core/common/error.h"

namespace steer {

// Seeds go from 0 to 2^63-1. The engine keeps a seed in an int64_t (GenerationRequest::seed,
// SweepPlan::seeds, the sidecars' "seed"), so 2^63 to 2^64-1 — valid for torch's
// manual_seed — cannot be represented; they are refused with this range rather than
// reinterpreted as negative numbers or clamped.
inline constexpr int64_t kLargestSeed = std::numeric_limits<int64_t>::max();
inline constexpr const char* kSeedRangeText = "0 to 9223372036854775807 (2^63-1)";

// `text` as a whole number from `min` to `max`. `what` names the value in the message, e.g.
// "--steps" or "--seeds entry"; `allowed` overrides the "a whole number from MIN to MAX" text.
inline int64_t parse_whole_number(const std::string& text, const std::string& what, int64_t min, int64_t max,
                                  const std::string& allowed = "") {
  const std::string range =
      allowed.empty() ? "a whole number from " + std::to_string(min) + " to " + std::to_string(max) : allowed;
  // from_chars takes no '+' and no spaces; a leading '+' is still a plain number to a person.
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (first != last && *first == '+' && first + 1 != last && *(first + 1) != '-') ++first;
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(first, last, value);
  if (ec == std::errc::result_out_of_range && end == last) throw InputError(what + " " + text + " is out of range; use " + range);
  if (text.empty() || ec != std::errc() || end != last)
    throw InputError(what + " \"" + text + "\" is not a whole number; use " + range);
  if (value < min || value > max) throw InputError(what + " " + text + " is out of range; use " + range);
  return value;
}

// A seed: a whole number from 0 to kLargestSeed.
inline int64_t parse_seed(const std::string& text, const std::string& what) {
  return parse_whole_number(text, what, 0, kLargestSeed, std::string("a seed from ") + kSeedRangeText);
}

// `text` as a finite number (no "inf", "nan", or a value too large for a double).
inline double parse_finite_number(const std::string& text, const std::string& what) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size()) throw InputError(what + " \"" + text + "\" is not a number");
  if (!std::isfinite(value)) throw InputError(what + " \"" + text + "\" is not a finite number; give an ordinary number");
  return value;
}

}  // namespace steer
