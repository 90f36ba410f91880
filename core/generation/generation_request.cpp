#include "core/generation/generation_request.h"

#include <cmath>

#include "core/common/error.h"
#include "core/common/number_text.h"

namespace steer {

void SubjectSpec::validate() const {
  if (kind == Kind::Lora && !(std::isfinite(multiplier) && std::abs(multiplier) <= kMaxLoraStrength))
    throw InputError("LoRA strength " + number_text(multiplier) + " is out of range; use a value from -" +
                     number_text(kMaxLoraStrength) + " to " + number_text(kMaxLoraStrength) +
                     " (1 = as trained; typical 0.5 to 1.2)");
}

void GenerationRequest::validate() const {
  if (steps <= 0 || steps > 1000)
    throw InputError("steps " + std::to_string(steps) + " is out of range; use 1 to 1000 (20 to 50 is typical)");
  for (const auto& [name, value] : {std::pair<const char*, int>{"width", width}, {"height", height}})
    // Whole latent cells of the model are checked where the model is known
    // (GenerationSession::generate, core/generation/image_size.h); 4 is the smallest VAE
    // downscale a model here has (the demo model's; SD's is 8).
    if (value <= 0 || value % 4 != 0 || value > 4096)
      throw InputError(std::string(name) + " " + std::to_string(value) +
                       " is not allowed; the size must be whole latent cells (a multiple of 8 for SD, of 4 for the demo "
                       "model) up to 4096 (e.g. 512)");
  if (sampler != "ddim" && sampler != "euler" && sampler != "euler_a" && sampler != "dpmpp_2m")
    throw InputError("sampler \"" + sampler + "\" is unknown; use ddim, euler, euler_a or dpmpp_2m");
  if (eta < 0.0 || eta > 1.0)
    throw InputError("eta " + std::to_string(eta) + " is out of range; use 0 (deterministic DDIM) to 1");
  if (eta > 0.0 && sampler != "ddim")
    throw InputError("eta applies to the ddim sampler only; the " + sampler + " sampler was chosen");
  if (karras_sigmas && sampler != "euler" && sampler != "dpmpp_2m")
    throw InputError("Karras sigmas are available for the euler and dpmpp_2m samplers, not " + sampler);
  if (clip_skip < 0 || clip_skip > 11)
    throw InputError("clip skip " + std::to_string(clip_skip) + " is out of range; use 0 to 11");
  if (seed < 0) throw InputError("seed " + std::to_string(seed) + " is negative; use 0 to 2^63-1");
  guidance.validate();
}

}  // namespace steer
