#pragma once
// A fully fine-tuned model as a diffusers folder beside its base: the trained components
// (UNet, and the text encoder when it was trained) written as fp32 safetensors with the base's
// config, every other component (VAE, tokenizer, scheduler, model_index.json) hard-linked from
// the base when the file system allows, copied otherwise. The guided-sampling loader reads the
// result as a fine-tuned subject (core/generation/finetuned_subject.h).
#include <ATen/core/Tensor.h>

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace steer::training {

using NamedTensors = std::vector<std::pair<std::string, at::Tensor>>;

// `trained`: component name ("unet", "text_encoder") -> its weights by key. The folder is
// built under a temporary name next to `destination` and renamed into place.
void write_finetuned_model_folder(const std::filesystem::path& base, const std::filesystem::path& destination,
                                  const std::map<std::string, NamedTensors>& trained);

// Renames the finished `staging` folder to `destination`, replacing an existing one (moved
// aside first and deleted only once the new one is in place).
void replace_folder(const std::filesystem::path& staging, const std::filesystem::path& destination);

// Hard link, or copy when linking is not possible (another file system, no permission).
void link_or_copy_file(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace steer::training
