#include "core/io/diffusers_folder.h"

#include <fstream>
#include <sstream>

#include "core/common/error.h"

namespace steer {
namespace fs = std::filesystem;

json::Value read_json_file(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw InputError(path.string() + ": file not found");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string() + ": cannot be read (permissions?)");
  std::ostringstream ss;
  ss << in.rdbuf();
  try {
    return json::parse(ss.str());
  } catch (const json::ParseError& e) {
    throw InputError(path.string() + ": is not valid JSON: " + e.what());
  }
}

DiffusersFolder DiffusersFolder::open(const fs::path& root) {
  std::error_code ec;
  if (!fs::is_directory(root, ec))
    throw InputError(root.string() +
                     ": is not a folder. Open the folder of a diffusers model (the one holding model_index.json).");
  const fs::path index_path = root / "model_index.json";
  if (!fs::exists(index_path, ec))
    throw InputError(root.string() +
                     ": has no model_index.json, so it is not a diffusers model folder. "
                     "Open the folder that holds model_index.json (with unet/, vae/, text_encoder/, tokenizer/, scheduler/).");
  DiffusersFolder folder;
  folder.root_ = root;
  folder.model_index_ = read_json_file(index_path);
  if (!folder.model_index_.is_object()) throw InputError(index_path.string() + ": is not a JSON object");
  folder.pipeline_class_ = json::string_or(folder.model_index_, "_class_name", "");
  if (folder.pipeline_class_.empty()) throw InputError(index_path.string() + ": has no \"_class_name\" (the pipeline class)");
  for (const auto& [name, value] : folder.model_index_.as_object()) {
    if (name.empty() || name[0] == '_') continue;
    // Components are ["library", "ClassName"]; [null, null] marks an absent optional one.
    if (!value.is_array()) continue;
    const auto& pair = value.as_array();
    if (pair.size() != 2) throw InputError(index_path.string() + ": entry \"" + name + "\" must be [library, class name]");
    if (pair[0].is_null() || pair[1].is_null()) continue;
    if (!pair[0].is_string() || !pair[1].is_string())
      throw InputError(index_path.string() + ": entry \"" + name + "\" must be [library, class name], found " + value.dump());
    PipelineComponent c{name, pair[0].as_string(), pair[1].as_string(), root / name};
    folder.components_.push_back(c);
  }
  for (const char* required : {"unet", "vae", "text_encoder", "tokenizer", "scheduler"}) {
    if (!folder.has(required))
      throw InputError(index_path.string() + ": names no \"" + required +
                       "\" component; a Stable Diffusion pipeline needs unet, vae, "
                       "text_encoder, tokenizer and scheduler");
    if (!fs::is_directory(root / required, ec))
      throw InputError(root.string() + ": the component folder \"" + required +
                       "\" named in model_index.json is missing "
                       "(incomplete download or copy?)");
  }
  return folder;
}

bool DiffusersFolder::has(const std::string& name) const {
  for (const auto& c : components_)
    if (c.name == name) return true;
  return false;
}

const PipelineComponent& DiffusersFolder::component(const std::string& name) const {
  for (const auto& c : components_)
    if (c.name == name) return c;
  throw InputError((root_ / "model_index.json").string() + ": has no \"" + name + "\" component");
}

fs::path DiffusersFolder::config_path(const std::string& name) const {
  const auto& c = component(name);
  return c.folder /
         (name == "scheduler" || c.class_name.find("Scheduler") != std::string::npos ? "scheduler_config.json" : "config.json");
}

json::Value DiffusersFolder::config(const std::string& name) const { return read_json_file(config_path(name)); }

std::string weights_stem_for_library(const std::string& library) {
  return library == "transformers" ? "model" : "diffusion_pytorch_model";
}

fs::path find_component_weights(const fs::path& folder, const std::string& stem, WeightsVariant variant) {
  std::error_code ec;
  const std::vector<std::string> full = {stem + ".safetensors", stem + ".safetensors.index.json"};
  const std::vector<std::string> half = {stem + ".fp16.safetensors", stem + ".safetensors.index.fp16.json"};
  std::vector<std::string> order;
  switch (variant) {
    case WeightsVariant::Full:
      order = full;
      break;
    case WeightsVariant::Fp16:
      order = half;
      order.insert(order.end(), full.begin(), full.end());
      break;
    case WeightsVariant::Auto:
      order = full;
      order.insert(order.end(), half.begin(), half.end());
      break;
  }
  for (const auto& name : order)
    if (fs::exists(folder / name, ec)) return folder / name;

  std::vector<std::string> pickles;
  if (fs::is_directory(folder, ec))
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
      const auto ext = entry.path().extension().string();
      if (ext == ".bin" || ext == ".ckpt" || ext == ".pt" || ext == ".pth" || ext == ".pkl")
        pickles.push_back(entry.path().filename().string());
    }
  if (!pickles.empty())
    throw InputError(folder.string() + ": has only pickle weights (" + pickles.front() + (pickles.size() > 1 ? ", ..." : "") +
                     "). Steer Studio does not open pickle files: loading one can run arbitrary code hidden in it. "
                     "Convert the model to safetensors first, e.g. in Python: "
                     "DiffusionPipeline.from_pretrained(folder).save_pretrained(new_folder, safe_serialization=True), "
                     "or download the .safetensors version of the model.");
  std::string looked;
  for (const auto& name : order) looked += (looked.empty() ? "" : ", ") + name;
  throw InputError(folder.string() + ": no weights file found (looked for " + looked + ")");
}

}  // namespace steer
