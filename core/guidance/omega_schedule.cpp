#include "core/guidance/omega_schedule.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/common/error.h"
#include "core/common/number_text.h"

namespace steer {
namespace {

const char* kForms = "a number in [0, 1], constant:W, linear:A->B, cosine:A->B or interval:W@P0-P1 (e.g. interval:0.5@0.2-0.8)";

double parse_unit(const std::string& text, const std::string& whole, const char* what) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v))
    throw InputError("omega schedule \"" + whole + "\": " + what + " \"" + text + "\" is not a number; use " + kForms);
  if (v < 0.0 || v > 1.0)
    throw InputError("omega schedule \"" + whole + "\": " + what + " " + text +
                     " is outside [0, 1] (0 = the base model, 1 = the subject model)");
  return v;
}

}  // namespace

OmegaSchedule OmegaSchedule::constant(double omega) {
  OmegaSchedule s;
  s.start = s.end = omega;
  return s;
}

OmegaSchedule OmegaSchedule::parse(const std::string& text) {
  const auto colon = text.find(':');
  const std::string kind = colon == std::string::npos ? "constant" : text.substr(0, colon);
  const std::string body = colon == std::string::npos ? text : text.substr(colon + 1);
  OmegaSchedule s;
  if (kind == "constant") {
    s = constant(parse_unit(body, text, "omega"));
  } else if (kind == "linear" || kind == "cosine") {
    const auto arrow = body.find("->");
    if (arrow == std::string::npos) throw InputError("omega schedule \"" + text + "\" needs A->B; use " + kForms);
    s.kind = kind == "linear" ? Kind::Linear : Kind::Cosine;
    s.start = parse_unit(body.substr(0, arrow), text, "start");
    s.end = parse_unit(body.substr(arrow + 2), text, "end");
  } else if (kind == "interval") {
    const auto at = body.find('@');
    const auto dash = at == std::string::npos ? std::string::npos : body.find('-', at + 1);
    if (at == std::string::npos || dash == std::string::npos)
      throw InputError("omega schedule \"" + text + "\" needs W@P0-P1; use " + kForms);
    s.kind = Kind::Interval;
    s.start = s.end = parse_unit(body.substr(0, at), text, "omega");
    s.interval_begin = parse_unit(body.substr(at + 1, dash - at - 1), text, "interval start");
    s.interval_end = parse_unit(body.substr(dash + 1), text, "interval end");
    if (s.interval_begin > s.interval_end) throw InputError("omega schedule \"" + text + "\": the interval starts after it ends");
  } else {
    throw InputError("omega schedule \"" + text + "\": unknown kind \"" + kind + "\"; use " + kForms);
  }
  return s;
}

std::string OmegaSchedule::to_string() const {
  switch (kind) {
    case Kind::Constant:
      return number_text(start);
    case Kind::Linear:
      return "linear:" + number_text(start) + "->" + number_text(end);
    case Kind::Cosine:
      return "cosine:" + number_text(start) + "->" + number_text(end);
    case Kind::Interval:
      return "interval:" + number_text(start) + "@" + number_text(interval_begin) + "-" + number_text(interval_end);
  }
  return "?";
}

double OmegaSchedule::at(int step, int steps) const {
  const double p = steps > 1 ? static_cast<double>(step) / (steps - 1) : 0.0;
  switch (kind) {
    case Kind::Constant:
      return start;
    case Kind::Linear:
      return start + (end - start) * p;
    case Kind::Cosine:
      return end + (start - end) * (1.0 + std::cos(M_PI * p)) / 2.0;
    case Kind::Interval:
      return (p >= interval_begin && p <= interval_end) ? start : 1.0;
  }
  return start;
}

std::vector<double> OmegaSchedule::values(int steps) const {
  std::vector<double> out;
  for (int i = 0; i < steps; ++i) out.push_back(at(i, steps));
  return out;
}

}  // namespace steer
