#include "core/demo/toy_palette.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace steer::demo {
namespace {

// Chosen by hand for separation: the closest pair (orange, yellow) is 93 apart.
constexpr std::array<Rgb, kToyColourCount> kPalette = {{
    {215, 35, 35},    // red
    {250, 140, 0},    // orange
    {250, 228, 30},   // yellow
    {30, 160, 50},    // green
    {30, 70, 210},    // blue
    {140, 40, 170},   // purple
    {240, 240, 240},  // white
    {20, 20, 20},     // black
}};

constexpr Rgb kMidGrey = {128, 128, 128};

}  // namespace

Rgb operator+(Rgb a, Rgb b) { return {a.r + b.r, a.g + b.g, a.b + b.b}; }
Rgb operator-(Rgb a, Rgb b) { return {a.r - b.r, a.g - b.g, a.b - b.b}; }
Rgb operator*(Rgb a, double k) { return {a.r * k, a.g * k, a.b * k}; }
Rgb mix(Rgb a, Rgb b, double t) { return a + (b - a) * t; }

double distance(Rgb a, Rgb b) {
  const Rgb d = a - b;
  return std::sqrt(d.r * d.r + d.g * d.g + d.b * d.b);
}

double distance_to_segment(Rgb c, Rgb a, Rgb b) {
  const Rgb ab = b - a, ac = c - a;
  const double length2 = ab.r * ab.r + ab.g * ab.g + ab.b * ab.b;
  if (length2 <= 0) return distance(c, a);
  const double t = std::clamp((ac.r * ab.r + ac.g * ab.g + ac.b * ab.b) / length2, 0.0, 1.0);
  return distance(c, mix(a, b, t));
}

Rgb toy_rgb(ToyColour colour) { return kPalette[static_cast<size_t>(colour)]; }

Rgb stripe_partner(ToyColour colour) { return mix(toy_rgb(colour), kMidGrey, 0.5); }

ToyColour nearest_toy_colour(Rgb c) {
  int best = 0;
  double best_distance = distance(c, kPalette[0]);
  for (int i = 1; i < kToyColourCount; ++i) {
    const double d = distance(c, kPalette[static_cast<size_t>(i)]);
    if (d < best_distance) {
      best_distance = d;
      best = i;
    }
  }
  return static_cast<ToyColour>(best);
}

}  // namespace steer::demo
