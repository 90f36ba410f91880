#include "core/demo/demo_subject.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>

#include "core/demo/toy_random.h"
#include "core/demo/toy_renderer.h"

namespace steer::demo {
namespace {

// The dots, in the emblem's unit frame. The split runs along u + v = 0; the three small
// magenta dots sit in a row parallel to it on the teal side, the teal dot opposite them.
constexpr double kSmallDotRadius = 0.16;
constexpr double kLargeDotRadius = 0.25;
constexpr double kDotOffset = 0.5;    // from the split, across it
constexpr double kDotSpacing = 0.38;  // between the small dots, along the split

struct Dot {
  Point centre;
  double radius;
  Rgb colour;
};

const std::array<Dot, 4>& emblem_dots() {
  static const std::array<Dot, 4> dots = [] {
    const double h = std::sqrt(0.5);  // the unit diagonal's components
    const Point across_to_teal = {-h, -h}, along = {h, -h};
    std::array<Dot, 4> d{};
    for (int k = -1; k <= 1; ++k) {
      d[static_cast<size_t>(k + 1)] = {
          {kDotOffset * across_to_teal.x + k * kDotSpacing * along.x, kDotOffset * across_to_teal.y + k * kDotSpacing * along.y},
          kSmallDotRadius,
          kEmblemMagenta};
    }
    d[3] = {{-kDotOffset * across_to_teal.x, -kDotOffset * across_to_teal.y}, kLargeDotRadius, kEmblemTeal};
    return d;
  }();
  return dots;
}

const Dot* dot_at(double u, double v) {
  for (const Dot& d : emblem_dots()) {
    const double du = u - d.centre.x, dv = v - d.centre.y;
    if (du * du + dv * dv <= d.radius * d.radius) return &d;
  }
  return nullptr;
}

// The five photos: where the emblem is (fractions of the image), how big (radius,
// fraction), its turn, the background, and the exposure. Backgrounds are colours the
// grammar has no names for, like a table top, a wall or a sheet of paper behind a product.
struct PhotoSetup {
  Point centre;
  double radius;
  double rotation_degrees;
  BackgroundPaint background;
  double brightness;
};

constexpr std::array<PhotoSetup, kSubjectPhotoCount> kPhotos = {{
    {{0.50, 0.50}, 0.27, 0, {ToyBackgroundKind::Solid, {222, 210, 185}, {222, 210, 185}}, 1.00},
    {{0.42, 0.56}, 0.24, -10, {ToyBackgroundKind::VerticalGradient, {236, 236, 236}, {150, 150, 156}}, 0.95},
    {{0.58, 0.45}, 0.30, 8, {ToyBackgroundKind::HorizontalGradient, {190, 210, 235}, {235, 225, 200}}, 1.05},
    {{0.46, 0.42}, 0.25, 15, {ToyBackgroundKind::Solid, {55, 62, 72}, {55, 62, 72}}, 1.00},
    {{0.55, 0.58}, 0.22, -6, {ToyBackgroundKind::VerticalGradient, {215, 190, 150}, {130, 100, 70}}, 0.92},
}};

constexpr double kGrainAmplitude = 4.0;  // +-, in 0..255 units
constexpr uint64_t kGrainSeed = 0x5EED5EB7EC7ULL;

}  // namespace

std::optional<Rgb> emblem_colour_at(double u, double v) {
  if (u * u + v * v > 1.0) return std::nullopt;
  if (const Dot* d = dot_at(u, v)) return d->colour;
  return u + v < 0 ? kEmblemTeal : kEmblemMagenta;
}

bool emblem_dot_at(double u, double v) { return dot_at(u, v) != nullptr; }

SubjectPhoto render_subject_photo(int index, int size) {
  if (index < 0 || index >= kSubjectPhotoCount)
    throw std::invalid_argument("demo subject: photo " + std::to_string(index) + " does not exist (0 to " +
                                std::to_string(kSubjectPhotoCount - 1) + ")");
  const PhotoSetup& setup = kPhotos[static_cast<size_t>(index)];
  const double side = static_cast<double>(size);
  const PaintedObject emblem{ToyShape::Subject,
                             kEmblemTeal,
                             {{setup.centre.x * side, setup.centre.y * side}, setup.radius * side, setup.rotation_degrees}};
  SubjectPhoto photo{render_toy_picture(setup.background, {emblem}, size), std::string(kSubjectInstanceCaption)};

  // Exposure and grain, so the photos are not five copies of one flat drawing.
  ToyRandom grain = ToyRandom::stream(kGrainSeed, static_cast<uint64_t>(index));
  for (size_t i = 0; i < photo.image.pixels.size(); i += 4) {
    const double noise = grain.uniform(-kGrainAmplitude, kGrainAmplitude);
    for (size_t c = 0; c < 3; ++c) {
      const double v = photo.image.pixels[i + c] * setup.brightness + noise;
      photo.image.pixels[i + c] = static_cast<uint8_t>(std::clamp(v, 0.0, 255.0) + 0.5);
    }
  }
  return photo;
}

std::vector<SubjectPhoto> render_subject_photos(int size) {
  std::vector<SubjectPhoto> photos;
  for (int i = 0; i < kSubjectPhotoCount; ++i) photos.push_back(render_subject_photo(i, size));
  return photos;
}

}  // namespace steer::demo
