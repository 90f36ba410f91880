#pragma once
// What the UI and the CLI learn about a model folder. Plain C++ types only: this header
// is included by the Qt side, which never sees a torch header.
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace steer {

struct ComponentSummary {
  std::string name;        // folder name in the pipeline: "unet", "vae", "text_encoder", "tokenizer", "scheduler"
  std::string class_name;  // from model_index.json, e.g. "UNet2DConditionModel"
  std::vector<std::filesystem::path> weight_files;  // empty for tokenizer and scheduler
  int64_t parameter_count = 0;
  int64_t tensor_count = 0;
  // Parameters per stored dtype, e.g. {"F16", 859520964}, in order of first appearance.
  std::vector<std::pair<std::string, int64_t>> parameters_by_dtype;
  // One human-readable line with what matters about it, e.g.
  // "4 down blocks, cross-attention 768, conv projection" or "vocabulary 49408, pads with '!'".
  std::string detail;
};

struct ModelSummary {
  std::filesystem::path folder;
  std::string family;           // "SD 1.x" or "SD 2.x"
  std::string pipeline_class;   // "StableDiffusionPipeline"
  std::string prediction_type;  // "epsilon" or "v_prediction"
  std::string weights_variant;  // "" (full precision files) or "fp16"
  // The image side the model was trained at: the UNet's sample_size × the VAE's downscale
  // factor (512 for SD 1.5, 768 for SD 2.1-v, 64 for the demo model). 0 when unknown.
  int native_resolution = 0;
  // Pixels per latent cell along each side (the VAE's downscale factor: 8 for SD, 4 for the
  // demo model): image sides must be multiples of it. 0 when unknown.
  int latent_factor = 0;
  std::vector<ComponentSummary> components;
  int64_t total_parameters() const {
    int64_t n = 0;
    for (const auto& c : components) n += c.parameter_count;
    return n;
  }
};

// Loads every component of a diffusers folder on the CPU, binding each weight to the
// architecture its config describes (so a missing, unexpected or misshapen tensor is
// found), and summarises what was loaded. Throws steer::InputError with a message that
// names the file and key at fault.
ModelSummary inspect_model_folder(const std::filesystem::path& folder);

class StableDiffusionModel;
// The same summary for a model that is already loaded (no second load).
ModelSummary summarize_model(const StableDiffusionModel& model);

// Formats a parameter count for people: 859520964 -> "859.5 M".
std::string format_parameter_count(int64_t count);

}  // namespace steer
