#pragma once
// PG's ω over the sampling steps (docs/guidance.md, "ω schedules").
// Step i of n has progress p = i / (n - 1) (p = 0 when n = 1).
//   constant:c                 ω = c
//   linear:a->b                ω = a + (b - a)·p
//   cosine:a->b                ω = b + (a - b)·(1 + cos(π·p)) / 2   (starts at a, ends at b, flat at both ends)
//   interval:w@p0-p1           ω = w for p in [p0, p1], 1 elsewhere (plain CFG outside the interval)
// Torch-free: the UI plots it and the exporter records it as text.
#include <string>
#include <vector>

namespace steer {

struct OmegaSchedule {
  enum class Kind { Constant, Linear, Cosine, Interval };
  Kind kind = Kind::Constant;
  double start = 1.0;                               // constant value, or the value at p = 0; for Interval: ω inside
  double end = 1.0;                                 // the value at p = 1 (Linear, Cosine)
  double interval_begin = 0.0, interval_end = 1.0;  // Interval, as fractions of the run

  static OmegaSchedule constant(double omega);
  // Parses "0.5", "constant:0.5", "linear:0.2->0.8", "cosine:0.2->1", "interval:0.5@0.2-0.8".
  // Throws InputError naming the text and the accepted forms; every ω must lie in [0, 1].
  static OmegaSchedule parse(const std::string& text);
  std::string to_string() const;  // the canonical text form parse() reads back

  double at(int step, int steps) const;
  std::vector<double> values(int steps) const;
  bool is_constant() const { return kind == Kind::Constant; }
};

}  // namespace steer
