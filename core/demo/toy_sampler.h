#pragma once
// Random toy scenes for datasets and prompt sets: scene i of seed s is always the same
// scene, on every platform, and can be drawn without drawing the scenes before it.
//
// Every scene keeps each object at least kMinColourSeparation (RGB distance) away from
// every colour its background takes, stripe and gradient in-betweens included, so the
// object stands out and the scorers can find it. Captions the sampler never draws (say
// "a yellow circle on an orange background") still parse and render.
#include <cstdint>

#include "core/demo/toy_world.h"

namespace steer::demo {

inline constexpr double kMinColourSeparation = 90.0;

struct ToySamplerOptions {
  double second_object_probability = 0.3;  // two-object scenes put both objects in corners
  double subject_probability = 0.0;        // chance that the first object is the demo subject
  bool jitter = true;                      // small shifts, scalings and turns of each object
};

class ToySceneSampler {
 public:
  explicit ToySceneSampler(uint64_t seed, ToySamplerOptions options = {});

  ToyScene scene(uint64_t index) const;
  ToyScene next() { return scene(next_index_++); }

  uint64_t seed() const { return seed_; }
  const ToySamplerOptions& options() const { return options_; }

 private:
  uint64_t seed_;
  ToySamplerOptions options_;
  uint64_t next_index_ = 0;
};

// The smallest RGB distance between `colour` and the colours the background shows.
double separation_from_background(const ToyBackground& background, ToyColour colour);
// The same for the demo subject: the smaller over its two colours.
double subject_separation_from_background(const ToyBackground& background);

}  // namespace steer::demo
