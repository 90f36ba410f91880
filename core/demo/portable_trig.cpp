#include "core/demo/portable_trig.h"

#include <cmath>

namespace steer::demo {
namespace {

// Taylor series on [-pi/4, pi/4]; 11 terms leave an error far below a double's precision.
double sin_near_zero(double x) {
  const double x2 = x * x;
  double term = x, sum = x;
  for (int n = 1; n <= 10; ++n) {
    term *= -x2 / static_cast<double>((2 * n) * (2 * n + 1));
    sum += term;
  }
  return sum;
}

double cos_near_zero(double x) {
  const double x2 = x * x;
  double term = 1.0, sum = 1.0;
  for (int n = 1; n <= 10; ++n) {
    term *= -x2 / static_cast<double>((2 * n - 1) * (2 * n));
    sum += term;
  }
  return sum;
}

}  // namespace

SinCos portable_sin_cos(double radians) {
  // Reduce to x in [-pi/4, pi/4] plus a quarter-turn count; floor is exact in IEEE.
  const double quarter = kPi / 2.0;
  const double k = std::floor(radians / quarter + 0.5);
  const double x = radians - k * quarter;
  const double s = sin_near_zero(x), c = cos_near_zero(x);
  const long long quadrant = static_cast<long long>(k) & 3;
  switch (quadrant) {
    case 0:
      return {s, c};
    case 1:
      return {c, -s};
    case 2:
      return {-s, -c};
    default:
      return {-c, s};
  }
}

}  // namespace steer::demo
