#pragma once
// A loaded Stable Diffusion 1.x / 2.x model: immutable weights and the tokenizer.
// Per-run state (schedules, noise, guidance, LoRA scales) lives in the jobs that use it.
#include <ATen/core/Tensor.h>

#include <filesystem>
#include <memory>
#include <string>

#include "core/formats/json.h"
#include "core/io/diffusers_folder.h"
#include "core/models/autoencoder_kl.h"
#include "core/models/clip_text_model.h"
#include "core/models/unet2d_condition.h"
#include "core/text/clip_tokenizer.h"

namespace steer {

enum class ModelFamily { SD1, SD2 };
const char* family_name(ModelFamily family);  // "SD 1.x", "SD 2.x"

struct LoadOptions {
  at::Device device = at::kCPU;
  at::ScalarType dtype = at::kFloat;  // compute dtype; weights are converted on load
  WeightsVariant variant = WeightsVariant::Auto;
};

// Component loaders: each reads <component folder>/config.json and its weights, builds
// the architecture the config describes and binds the weights to it. They report every
// missing/unexpected/misshapen key with the file it came from.
std::unique_ptr<UNet2DConditionModel> load_unet(const std::filesystem::path& folder, const LoadOptions& options);
std::unique_ptr<AutoencoderKL> load_vae(const std::filesystem::path& folder, const LoadOptions& options);
std::unique_ptr<ClipTextModel> load_clip_text_model(const std::filesystem::path& folder, const LoadOptions& options);

// Old diffusers VAE files name the mid-block attention query/key/value/proj_attn; diffusers
// renames them on load (docs/model-notes.md §3.2), and so do we.
void rename_legacy_vae_attention_keys(struct WeightSet& weights);
void add_text_model_prefix_if_flattened(struct WeightSet& weights);

class StableDiffusionModel {
 public:
  // Loads a diffusers folder. Throws InputError for anything wrong with it, naming the file.
  static std::unique_ptr<StableDiffusionModel> load(const std::filesystem::path& folder, const LoadOptions& options = {});

  ModelFamily family() const { return family_; }
  const std::filesystem::path& folder() const { return folder_; }
  const std::string& prediction_type() const { return prediction_type_; }
  const json::Value& scheduler_config() const { return scheduler_config_; }
  const LoadOptions& options() const { return options_; }

  const ClipTokenizer& tokenizer() const { return *tokenizer_; }
  const ClipTextModel& text_encoder() const { return *text_encoder_; }
  const UNet2DConditionModel& unet() const { return *unet_; }
  const AutoencoderKL& vae() const { return *vae_; }

  // Prompt -> the UNet's encoder_hidden_states (1, 77, D), as diffusers' encode_prompt
  // does it (padded to max length, truncated, no attention mask).
  at::Tensor encode_prompt(const std::string& prompt, int clip_skip = 0) const;

 private:
  std::filesystem::path folder_;
  ModelFamily family_ = ModelFamily::SD1;
  std::string prediction_type_ = "epsilon";
  json::Value scheduler_config_;
  LoadOptions options_;
  std::unique_ptr<ClipTokenizer> tokenizer_;
  std::unique_ptr<ClipTextModel> text_encoder_;
  std::unique_ptr<UNet2DConditionModel> unet_;
  std::unique_ptr<AutoencoderKL> vae_;
};

}  // namespace steer
