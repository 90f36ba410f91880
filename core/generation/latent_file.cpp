#include "core/generation/latent_file.h"

#include <ATen/ATen.h>

#include "core/io/safetensors_writer.h"

namespace steer {

void write_latents(const std::filesystem::path& path, const std::vector<std::pair<std::string, LatentSnapshot>>& latents) {
  std::vector<std::pair<std::string, at::Tensor>> tensors;
  for (const auto& [name, l] : latents)
    tensors.emplace_back(name, at::from_blob(const_cast<float*>(l.values.data()), l.shape, at::kFloat).clone());
  write_safetensors(path, tensors, {{"format", "pt"}});
}

}  // namespace steer
