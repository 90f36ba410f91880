#pragma once
// The demo's prompts: the demo subject put into toy scenes it was never photographed in
// ("a photo of sks emblem at the top left on a striped green background", sometimes with a
// second, plain object), so that each image can be scored both for following the prompt and
// for showing the subject. Torch-free.
#include <cstdint>
#include <string>
#include <vector>

#include "core/demo/toy_world.h"

namespace steer::demo {

struct DemoPrompt {
  std::string caption;  // the prompt as generated
  ToyScene scene;       // what the caption asks for (text fidelity scores against it)
};

// `count` distinct captions drawn by ToySceneSampler(seed) with the subject as the first object
// of every scene; the same list for the same (count, seed) on every platform. Throws
// steer::InputError for a count under 1 or over 64.
std::vector<DemoPrompt> demo_prompts(int count, uint64_t seed, double second_object_probability = 0.3);

}  // namespace steer::demo
