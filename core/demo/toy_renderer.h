#pragma once
// Draws toy scenes. Every pixel is the mean of 4x4 sub-samples (anti-aliased edges), all in
// IEEE double arithmetic with no library transcendental functions, so a scene gives the
// same bytes on every platform (a test holds a hash of one).
#include <vector>

#include "core/common/image_buffer.h"
#include "core/demo/toy_geometry.h"
#include "core/demo/toy_palette.h"

namespace steer::demo {

// A background with concrete colours: the named ones of a scene, or any others (the
// subject photos use colours the grammar has no names for). Striped: first and second
// alternate; gradients run from first to second.
struct BackgroundPaint {
  ToyBackgroundKind kind = ToyBackgroundKind::Solid;
  Rgb first, second;
};
BackgroundPaint background_paint(const ToyBackground& background);

// The background's colour at a pixel-space point of an image of side `size`.
Rgb background_colour_at(const BackgroundPaint& paint, double x, double y, int size);

// One object to draw: which shape (Subject draws the emblem), its colour, where.
struct PaintedObject {
  ToyShape shape = ToyShape::Circle;
  Rgb colour;
  Placement placement;
};

ImageRGBA8 render_toy_picture(const BackgroundPaint& background, const std::vector<PaintedObject>& objects, int size);

// The scene at size x size pixels (objects placed by toy_placement). Throws
// std::invalid_argument for a size under 8.
ImageRGBA8 render_toy_scene(const ToyScene& scene, int size = 64);

}  // namespace steer::demo
