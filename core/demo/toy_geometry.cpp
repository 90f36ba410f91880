#include "core/demo/toy_geometry.h"

#include <array>
#include <cmath>

#include "core/demo/portable_trig.h"

namespace steer::demo {
namespace {

// Unit-frame outlines. The circle is a little smaller than the frame and the square's
// half side 0.8, so that the plain shapes look about equally big at one size.
constexpr double kCircleRadius = 0.95;
constexpr double kSquareHalfSide = 0.8;
constexpr double kTriangleRadius = 1.05;  // circumradius; its centroid is the origin
constexpr double kRingInner = 0.55, kRingOuter = 1.0;
constexpr double kCrossHalfWidth = 0.32, kCrossHalfLength = 1.0;
constexpr double kStarOuter = 1.05, kStarInner = 0.48;

template <size_t N>
struct Polygon {
  std::array<Point, N> vertices;
};

// A regular polygon (or a star, alternating two radii) with its first vertex straight up.
template <size_t N>
Polygon<N> radial_polygon(double outer, double inner) {
  Polygon<N> p;
  for (size_t i = 0; i < N; ++i) {
    const bool alternate = (N == 10) && (i % 2 == 1);
    const double r = alternate ? inner : outer;
    const SinCos a = portable_sin_cos(2 * kPi * static_cast<double>(i) / static_cast<double>(N));
    p.vertices[i] = {r * a.sin, -r * a.cos};
  }
  return p;
}

// Even-odd rule: right for the convex triangle and the (non-convex) star alike.
template <size_t N>
bool polygon_contains(const Polygon<N>& p, double x, double y) {
  bool inside = false;
  for (size_t i = 0, j = N - 1; i < N; j = i++) {
    const Point a = p.vertices[i], b = p.vertices[j];
    if ((a.y > y) != (b.y > y) && x < (b.x - a.x) * (y - a.y) / (b.y - a.y) + a.x) inside = !inside;
  }
  return inside;
}

const Polygon<3>& triangle() {
  static const Polygon<3> p = radial_polygon<3>(kTriangleRadius, kTriangleRadius);
  return p;
}

const Polygon<10>& star() {
  static const Polygon<10> p = radial_polygon<10>(kStarOuter, kStarInner);
  return p;
}

}  // namespace

double toy_radius(ToySize size) { return size == ToySize::Small ? kSmallRadius : kLargeRadius; }

Point toy_anchor(ToyPosition position) {
  switch (position) {
    case ToyPosition::TopLeft:
      return {0.25, 0.25};
    case ToyPosition::TopRight:
      return {0.75, 0.25};
    case ToyPosition::BottomLeft:
      return {0.25, 0.75};
    case ToyPosition::BottomRight:
      return {0.75, 0.75};
    case ToyPosition::Center:
      return {0.5, 0.5};
  }
  return {0.5, 0.5};
}

ToyPosition nearest_toy_position(Point fraction) {
  ToyPosition best = ToyPosition::Center;
  double best_distance = 1e9;
  for (int i = 0; i < kToyPositionCount; ++i) {
    const Point a = toy_anchor(static_cast<ToyPosition>(i));
    const double d = (a.x - fraction.x) * (a.x - fraction.x) + (a.y - fraction.y) * (a.y - fraction.y);
    if (d < best_distance) {
      best_distance = d;
      best = static_cast<ToyPosition>(i);
    }
  }
  return best;
}

bool toy_shape_contains(ToyShape shape, double u, double v) {
  const double r2 = u * u + v * v;
  switch (shape) {
    case ToyShape::Circle:
      return r2 <= kCircleRadius * kCircleRadius;
    case ToyShape::Square:
      return std::fabs(u) <= kSquareHalfSide && std::fabs(v) <= kSquareHalfSide;
    case ToyShape::Triangle:
      return polygon_contains(triangle(), u, v);
    case ToyShape::Ring:
      return r2 <= kRingOuter * kRingOuter && r2 >= kRingInner * kRingInner;
    case ToyShape::Cross: {
      const double au = std::fabs(u), av = std::fabs(v);
      return (au <= kCrossHalfWidth && av <= kCrossHalfLength) || (av <= kCrossHalfWidth && au <= kCrossHalfLength);
    }
    case ToyShape::Star:
      return polygon_contains(star(), u, v);
    case ToyShape::Subject:
      return r2 <= 1.0;
  }
  return false;
}

double toy_shape_unit_area(ToyShape shape) {
  switch (shape) {
    case ToyShape::Circle:
      return kPi * kCircleRadius * kCircleRadius;
    case ToyShape::Square:
      return 4 * kSquareHalfSide * kSquareHalfSide;
    case ToyShape::Triangle:
      return 3 * std::sqrt(3.0) / 4 * kTriangleRadius * kTriangleRadius;
    case ToyShape::Ring:
      return kPi * (kRingOuter * kRingOuter - kRingInner * kRingInner);
    case ToyShape::Cross: {
      const double arm = 2 * kCrossHalfLength * 2 * kCrossHalfWidth;
      return 2 * arm - 4 * kCrossHalfWidth * kCrossHalfWidth;
    }
    case ToyShape::Star:
      return 10 * 0.5 * kStarOuter * kStarInner * std::sin(kPi / 5);
    case ToyShape::Subject:
      return kPi;
  }
  return 1;
}

Placement toy_placement(const ToyObject& object, int size) {
  const Point anchor = toy_anchor(object.position);
  const double side = static_cast<double>(size);
  const double radius = object.is_subject() ? kLargeRadius : toy_radius(object.size);
  return {{(anchor.x + object.jitter.dx) * side, (anchor.y + object.jitter.dy) * side},
          radius * object.jitter.scale * side,
          object.jitter.rotation_degrees};
}

UnitFrame::UnitFrame(const Placement& placement) : placement_(placement) {
  const SinCos a = portable_sin_cos(degrees_to_radians(placement.rotation_degrees));
  sin_ = a.sin;
  cos_ = a.cos;
}

Point UnitFrame::operator()(double x, double y) const {
  // Undo the turn: rotate the offset by -rotation, then scale to the unit radius.
  const double dx = (x - placement_.centre.x) / placement_.radius;
  const double dy = (y - placement_.centre.y) / placement_.radius;
  return {dx * cos_ + dy * sin_, -dx * sin_ + dy * cos_};
}

double stripe_coordinate(double x, double y, int size) {
  // Distance across the stripes is (x + y) / sqrt(2); measured in stripe widths.
  return (x + y) / (std::sqrt(2.0) * kStripeWidth * static_cast<double>(size));
}

}  // namespace steer::demo
