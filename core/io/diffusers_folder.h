#pragma once
// A diffusers pipeline folder (docs/model-notes.md §1): model_index.json names the components; each
// component folder has a config and weights. This layer finds and validates files; it
// builds no model.
#include <filesystem>
#include <string>
#include <vector>

#include "core/formats/json.h"

namespace steer {

enum class WeightsVariant {
  Auto,  // full-precision files if present, else the fp16 variant
  Full,  // only diffusion_pytorch_model.safetensors / model.safetensors
  Fp16,  // prefer the *.fp16.safetensors variant, fall back to full precision
};

struct PipelineComponent {
  std::string name;        // "unet"
  std::string library;     // "diffusers" / "transformers"
  std::string class_name;  // "UNet2DConditionModel"
  std::filesystem::path folder;
};

// Reads and parses a JSON file; InputError names the file and the position of a syntax error.
json::Value read_json_file(const std::filesystem::path& path);

class DiffusersFolder {
 public:
  // Reads model_index.json and checks that every component it names has its folder.
  static DiffusersFolder open(const std::filesystem::path& root);

  const std::filesystem::path& root() const { return root_; }
  const std::string& pipeline_class() const { return pipeline_class_; }
  const json::Value& model_index() const { return model_index_; }
  const std::vector<PipelineComponent>& components() const { return components_; }
  bool has(const std::string& name) const;
  const PipelineComponent& component(const std::string& name) const;  // InputError if absent

  // The parsed config of a component (config.json, or scheduler_config.json for schedulers).
  json::Value config(const std::string& name) const;
  std::filesystem::path config_path(const std::string& name) const;

 private:
  std::filesystem::path root_;
  json::Value model_index_;
  std::string pipeline_class_;
  std::vector<PipelineComponent> components_;
};

// The weights file of a component folder: a .safetensors file or a sharded checkpoint's
// .safetensors.index.json, honouring the variant. Pickle files (.bin, .ckpt, .pt) are
// refused with an explanation; a folder without weights gets a message listing what was
// looked for. `stem` is "diffusion_pytorch_model" (diffusers) or "model" (transformers).
std::filesystem::path find_component_weights(const std::filesystem::path& component_folder, const std::string& stem,
                                             WeightsVariant variant);

// "diffusion_pytorch_model" for diffusers components, "model" for transformers ones.
std::string weights_stem_for_library(const std::string& library);

}  // namespace steer
