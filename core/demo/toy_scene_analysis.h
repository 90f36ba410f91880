#pragma once
// Reads a toy scene back from pixels alone: which background (kind and colours) and which
// objects (shape, colour, size, position). The scorers (toy_scorers.h) compare this with
// what a prompt asked for. Nothing here looks at the prompt, so the reading is the same
// whatever is being scored against it.
//
// How: each background model (solid, vertical or horizontal gradient, diagonal stripes at
// any of 8 phases) is fitted by least trimmed squares: refitted a few times on the 60% of
// pixels it explains best, so objects (never over 40% of the image in the toy world) do
// not pull it. The model with the lowest mean distance to the image (each pixel's clipped,
// so objects weigh the same on every model) wins; a simpler one unless a more complex one
// is clearly better. Pixels far from the winning model (RGB distance over
// kForegroundThreshold) are objects; 8-connected groups of them, above a small area, are
// measured: centroid -> position, mean inner colour -> nearest named colour, best
// intersection-over-union against each shape's outline (drawn at the area-implied radius
// and at turns of -25..25 degrees) -> shape, area-implied radius -> size.
#include <vector>

#include "core/common/image_buffer.h"
#include "core/demo/toy_geometry.h"
#include "core/demo/toy_palette.h"

namespace steer::demo {

inline constexpr double kForegroundThreshold = 40.0;  // under half of kMinColourSeparation
inline constexpr size_t kMaxAnalysedObjects = 4;      // the largest groups; the rest is noise

struct BackgroundEstimate {
  ToyBackgroundKind kind = ToyBackgroundKind::Solid;
  // Solid: the colour (twice). Gradient: the colours at the top/left and bottom/right
  // edges. Striped: the even and the odd stripes' colours.
  Rgb first, second;
  ToyBackground named;   // as the grammar would say it (second = first unless a gradient)
  double fit_error = 0;  // mean RGB distance, each pixel's clipped at kForegroundThreshold
};

struct ObjectEstimate {
  std::vector<int> pixels;  // indices y * size + x
  int area = 0;
  Point centre;       // centroid, as fractions of the image
  double radius = 0;  // of its shape's unit frame, from the area, as a fraction of the image
  Rgb colour;         // mean of the pixels inside its outline (edges left out)
  ToyShape shape = ToyShape::Circle;
  double shape_match = 0;  // intersection over union with that shape's outline
  ToyColour colour_name = ToyColour::Red;
  ToySize size = ToySize::Small;
  ToyPosition position = ToyPosition::Center;
};

struct ToySceneAnalysis {
  int size = 0;
  BackgroundEstimate background;
  std::vector<ObjectEstimate> objects;  // largest first, at most kMaxAnalysedObjects
  std::vector<float> residual;          // per pixel: RGB distance from the background model
};

// Throws std::invalid_argument for an empty or non-square image.
ToySceneAnalysis analyse_toy_image(const ImageRGBA8& image);

// Intersection over union of the object's pixels with the shape's outline (2 x 2
// sub-samples per pixel) at the placement; ToyShape::Subject is the emblem's disc.
double outline_overlap(const ObjectEstimate& object, int image_size, ToyShape shape, const Placement& placement);

// The image's colour at a pixel-space point (pixel centres at +0.5), bilinear, clamped
// at the borders.
Rgb sample_bilinear(const ImageRGBA8& image, double x, double y);

}  // namespace steer::demo
