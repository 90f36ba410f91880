#include "core/demo_model/demo_prompts.h"

#include <set>

#include "core/common/error.h"
#include "core/demo/toy_sampler.h"

namespace steer::demo {

std::vector<DemoPrompt> demo_prompts(int count, uint64_t seed, double second_object_probability) {
  if (count < 1 || count > 64) throw InputError("the demo takes 1 to 64 prompts, not " + std::to_string(count));
  ToySamplerOptions options;
  options.subject_probability = 1.0;
  options.second_object_probability = second_object_probability;
  ToySceneSampler sampler(seed, options);
  std::vector<DemoPrompt> out;
  std::set<std::string> seen;
  // Repeats are rare (hundreds of subject scenes exist); the bound only guards the loop.
  for (uint64_t index = 0; out.size() < static_cast<size_t>(count) && index < 100000; ++index) {
    ToyScene scene = sampler.scene(index);
    std::string caption = scene.caption();
    if (!seen.insert(caption).second) continue;
    // The prompt asks for the scene as its words say it: no jitter.
    out.push_back(DemoPrompt{caption, parse_toy_caption(caption)});
  }
  return out;
}

}  // namespace steer::demo
