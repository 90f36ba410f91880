#pragma once
// Where and how big things are in the toy world, in fractions of the image size, and the
// shapes' outlines in their own unit frame (object centre at the origin, y pointing down,
// radius 1). The renderer draws with these and the scorers measure against them.
#include "core/demo/toy_world.h"

namespace steer::demo {

// Object radius (fraction of the image side) for each size; the subject in a scene is
// drawn at the large radius. Sizes are far apart so a size is read back from area alone.
inline constexpr double kSmallRadius = 0.10;
inline constexpr double kLargeRadius = 0.18;
double toy_radius(ToySize size);

struct Point {
  double x = 0, y = 0;
};

// The centre of each position, as fractions of the image (0,0 top left): the quadrant
// centres and the image centre.
Point toy_anchor(ToyPosition position);
ToyPosition nearest_toy_position(Point fraction);

// Whether the unit-frame point (u, v) is inside the shape (not the subject).
bool toy_shape_contains(ToyShape shape, double u, double v);
// The shape's area in its unit frame (radius 1): object area in pixels = this * R^2.
double toy_shape_unit_area(ToyShape shape);
// The radius of the smallest origin-centred disc holding any shape (the square's corner).
inline constexpr double kShapeExtent = 1.14;

// Where one object is drawn, in pixels: the centre of its unit frame, the frame's radius,
// and its turn (clockwise on screen, in degrees).
struct Placement {
  Point centre;
  double radius = 1;
  double rotation_degrees = 0;
};
Placement toy_placement(const ToyObject& object, int size);

// Maps pixel-space points (x right, y down, pixel centres at +0.5) into a placement's unit
// frame. Holds the sine and cosine, worked out once.
class UnitFrame {
 public:
  explicit UnitFrame(const Placement& placement);
  Point operator()(double x, double y) const;

 private:
  Placement placement_;
  double sin_ = 0, cos_ = 1;
};

// The diagonal stripes of a striped background: bands of width kStripeWidth (fraction of
// the image) along the direction x + y. Thick enough to survive a 4x VAE downsampling.
inline constexpr double kStripeWidth = 0.125;
// The position of (x, y) (in pixels, image of side `size`) across the stripes, in stripe
// widths; the integer part's parity says which colour.
double stripe_coordinate(double x, double y, int size);

}  // namespace steer::demo
