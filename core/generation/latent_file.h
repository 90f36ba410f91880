#pragma once
// Latents written for comparisons with other tools (`steer generate --save-latent`): named
// float32 tensors in one .safetensors file. Torch-free interface.
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/generation/generation_request.h"

namespace steer {

void write_latents(const std::filesystem::path& path, const std::vector<std::pair<std::string, LatentSnapshot>>& latents);

}  // namespace steer
