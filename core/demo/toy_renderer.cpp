#include "core/demo/toy_renderer.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>

#include "core/demo/demo_subject.h"

namespace steer::demo {
namespace {

constexpr int kSubsamples = 4;  // per axis

struct PreparedObject {
  const PaintedObject* object;
  UnitFrame frame;
  int x0, y0, x1, y1;  // pixel bounding box, inclusive-exclusive
};

std::optional<Rgb> object_colour_at(const PaintedObject& object, Point unit) {
  if (object.shape == ToyShape::Subject) return emblem_colour_at(unit.x, unit.y);
  if (toy_shape_contains(object.shape, unit.x, unit.y)) return object.colour;
  return std::nullopt;
}

uint8_t to_byte(double v) { return static_cast<uint8_t>(std::clamp(v, 0.0, 255.0) + 0.5); }

}  // namespace

BackgroundPaint background_paint(const ToyBackground& background) {
  BackgroundPaint paint;
  paint.kind = background.kind;
  paint.first = toy_rgb(background.first);
  switch (background.kind) {
    case ToyBackgroundKind::Solid:
      paint.second = paint.first;
      break;
    case ToyBackgroundKind::Striped:
      paint.second = stripe_partner(background.first);
      break;
    case ToyBackgroundKind::VerticalGradient:
    case ToyBackgroundKind::HorizontalGradient:
      paint.second = toy_rgb(background.second);
      break;
  }
  return paint;
}

Rgb background_colour_at(const BackgroundPaint& paint, double x, double y, int size) {
  const double side = static_cast<double>(size);
  switch (paint.kind) {
    case ToyBackgroundKind::Solid:
      return paint.first;
    case ToyBackgroundKind::Striped: {
      const double band = std::floor(stripe_coordinate(x, y, size));
      return std::fmod(band, 2.0) == 0.0 ? paint.first : paint.second;
    }
    case ToyBackgroundKind::VerticalGradient:
      return mix(paint.first, paint.second, std::clamp(y / side, 0.0, 1.0));
    case ToyBackgroundKind::HorizontalGradient:
      return mix(paint.first, paint.second, std::clamp(x / side, 0.0, 1.0));
  }
  return paint.first;
}

ImageRGBA8 render_toy_picture(const BackgroundPaint& background, const std::vector<PaintedObject>& objects, int size) {
  if (size < 8) throw std::invalid_argument("toy world: image size " + std::to_string(size) + " is under 8 pixels");
  std::vector<PreparedObject> prepared;
  for (const PaintedObject& o : objects) {
    const double reach = o.placement.radius * kShapeExtent + 1;
    const auto clamp_px = [&](double v) { return std::clamp(static_cast<int>(std::floor(v)), 0, size); };
    prepared.push_back({&o, UnitFrame(o.placement), clamp_px(o.placement.centre.x - reach),
                        clamp_px(o.placement.centre.y - reach), clamp_px(o.placement.centre.x + reach + 1),
                        clamp_px(o.placement.centre.y + reach + 1)});
  }

  ImageRGBA8 image(size, size);
  const double step = 1.0 / kSubsamples;
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      Rgb sum;
      for (int sy = 0; sy < kSubsamples; ++sy) {
        for (int sx = 0; sx < kSubsamples; ++sx) {
          const double px = x + (sx + 0.5) * step, py = y + (sy + 0.5) * step;
          Rgb c = background_colour_at(background, px, py, size);
          for (const PreparedObject& p : prepared) {
            if (x < p.x0 || x >= p.x1 || y < p.y0 || y >= p.y1) continue;
            if (auto painted = object_colour_at(*p.object, p.frame(px, py))) c = *painted;
          }
          sum = sum + c;
        }
      }
      const Rgb mean = sum * (1.0 / (kSubsamples * kSubsamples));
      uint8_t* out = image.pixel(x, y);
      out[0] = to_byte(mean.r);
      out[1] = to_byte(mean.g);
      out[2] = to_byte(mean.b);
      out[3] = 255;
    }
  }
  return image;
}

ImageRGBA8 render_toy_scene(const ToyScene& scene, int size) {
  std::vector<PaintedObject> objects;
  for (const ToyObject& o : scene.objects) objects.push_back({o.shape, toy_rgb(o.colour), toy_placement(o, size)});
  return render_toy_picture(background_paint(scene.background), objects, size);
}

}  // namespace steer::demo
