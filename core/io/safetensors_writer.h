#pragma once
#include <ATen/core/Tensor.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace steer {

// Writes tensors as a safetensors file the way the reference writer lays it out: the JSON
// header padded with spaces to a multiple of 8, tensors ordered by descending dtype size
// then by name, so every tensor is aligned for its dtype. Written atomically.
void write_safetensors(const std::filesystem::path& path, const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                       const std::vector<std::pair<std::string, std::string>>& metadata = {});

}  // namespace steer
