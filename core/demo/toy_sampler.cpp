#include "core/demo/toy_sampler.h"

#include <algorithm>
#include <stdexcept>

#include "core/demo/demo_subject.h"
#include "core/demo/toy_palette.h"
#include "core/demo/toy_random.h"
#include "core/demo/toy_renderer.h"

namespace steer::demo {
namespace {

constexpr double kMaxShift = 0.03;  // fraction of the image, each axis
constexpr double kMinScale = 0.92, kMaxScale = 1.08;
constexpr double kMaxTurnDegrees = 12;
// Draws are rejected until they fit; every background leaves at least 4 of the 8 colours
// (and 81 of the 128 backgrounds suit the subject), so this bound is never reached.
constexpr int kMaxTries = 1000;

double separation_from(const ToyBackground& background, Rgb colour) {
  const BackgroundPaint paint = background_paint(background);
  return background.kind == ToyBackgroundKind::Solid ? distance(colour, paint.first)
                                                     : distance_to_segment(colour, paint.first, paint.second);
}

ToyColour draw_colour(ToyRandom& random) { return static_cast<ToyColour>(random.below(kToyColourCount)); }

ToyBackground draw_background(ToyRandom& random, bool must_suit_subject) {
  for (int attempt = 0; attempt < kMaxTries; ++attempt) {
    ToyBackground b;
    b.kind = static_cast<ToyBackgroundKind>(random.below(4));
    b.first = draw_colour(random);
    b.second = b.first;
    if (b.kind == ToyBackgroundKind::VerticalGradient || b.kind == ToyBackgroundKind::HorizontalGradient) {
      do {
        b.second = draw_colour(random);
      } while (b.second == b.first);
    }
    if (!must_suit_subject || subject_separation_from_background(b) >= kMinColourSeparation) return b;
  }
  throw std::logic_error("toy sampler: no background suits the demo subject");
}

ToyJitter draw_jitter(ToyRandom& random) {
  ToyJitter j;
  j.dx = random.uniform(-kMaxShift, kMaxShift);
  j.dy = random.uniform(-kMaxShift, kMaxShift);
  j.scale = random.uniform(kMinScale, kMaxScale);
  j.rotation_degrees = random.uniform(-kMaxTurnDegrees, kMaxTurnDegrees);
  return j;
}

ToyObject draw_object(ToyRandom& random, const ToyBackground& background, bool subject, ToyPosition position, bool jitter) {
  ToyObject o;
  o.position = position;
  if (subject) {
    o.shape = ToyShape::Subject;
    o.size = ToySize::Large;
  } else {
    o.shape = static_cast<ToyShape>(random.below(kToyPlainShapeCount));
    o.size = random.chance(0.5) ? ToySize::Small : ToySize::Large;
    int tries = 0;
    do {
      o.colour = draw_colour(random);
      if (++tries > kMaxTries) throw std::logic_error("toy sampler: no colour stands out from the background");
    } while (separation_from_background(background, o.colour) < kMinColourSeparation);
  }
  if (jitter) o.jitter = draw_jitter(random);
  return o;
}

constexpr ToyPosition kCorners[] = {ToyPosition::TopLeft, ToyPosition::TopRight, ToyPosition::BottomLeft,
                                    ToyPosition::BottomRight};

}  // namespace

double separation_from_background(const ToyBackground& background, ToyColour colour) {
  return separation_from(background, toy_rgb(colour));
}

double subject_separation_from_background(const ToyBackground& background) {
  return std::min(separation_from(background, kEmblemTeal), separation_from(background, kEmblemMagenta));
}

ToySceneSampler::ToySceneSampler(uint64_t seed, ToySamplerOptions options) : seed_(seed), options_(options) {}

ToyScene ToySceneSampler::scene(uint64_t index) const {
  ToyRandom random = ToyRandom::stream(seed_, index);
  ToyScene scene;
  const bool subject = random.chance(options_.subject_probability);
  const bool two = random.chance(options_.second_object_probability);
  scene.background = draw_background(random, subject);
  if (two) {
    // Two objects go to two different corners, where even large ones cannot overlap.
    const uint64_t first = random.below(4);
    const uint64_t second = (first + 1 + random.below(3)) % 4;
    scene.objects.push_back(draw_object(random, scene.background, subject, kCorners[first], options_.jitter));
    scene.objects.push_back(draw_object(random, scene.background, false, kCorners[second], options_.jitter));
  } else {
    const auto position = static_cast<ToyPosition>(random.below(kToyPositionCount));
    scene.objects.push_back(draw_object(random, scene.background, subject, position, options_.jitter));
  }
  return scene;
}

}  // namespace steer::demo
