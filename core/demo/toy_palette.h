#pragma once
// The toy world's colours as RGB, and the distances the sampler and the scorers use.
// The named colours are far apart in RGB so that a colour can be read back from pixels by
// its nearest name, even from a blurry or noisy generated image.
#include "core/demo/toy_world.h"

namespace steer::demo {

struct Rgb {
  double r = 0, g = 0, b = 0;
  bool operator==(const Rgb&) const = default;
};

Rgb operator+(Rgb a, Rgb b);
Rgb operator-(Rgb a, Rgb b);
Rgb operator*(Rgb a, double k);
Rgb mix(Rgb a, Rgb b, double t);  // a at t = 0, b at t = 1
double distance(Rgb a, Rgb b);    // Euclidean, in 0..255 units
// Distance from `c` to the nearest colour on the straight segment between a and b: what a
// gradient or a blurred stripe edge between a and b can look like.
double distance_to_segment(Rgb c, Rgb a, Rgb b);

Rgb toy_rgb(ToyColour colour);
// The second colour of a striped background: the colour halfway to mid grey, so each
// colour's stripes are its own and stay visible for white and black too.
Rgb stripe_partner(ToyColour colour);
ToyColour nearest_toy_colour(Rgb c);

}  // namespace steer::demo
