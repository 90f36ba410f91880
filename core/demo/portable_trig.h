#pragma once
// Sine and cosine from + and * only. std::sin and std::cos differ in their last bits
// between C libraries, and the toy world's renders carry a stored hash that must hold on
// every platform; IEEE arithmetic without fused multiply-add (the library is compiled with
// -ffp-contract=off) gives the same bits everywhere.
namespace steer::demo {

inline constexpr double kPi = 3.14159265358979323846;

struct SinCos {
  double sin;
  double cos;
};

// Accurate to about 1e-15 for |radians| up to a few turns, which is all the toy world uses.
SinCos portable_sin_cos(double radians);

inline double degrees_to_radians(double degrees) { return degrees * (kPi / 180.0); }

}  // namespace steer::demo
