#include "core/pipeline/stable_diffusion_model.h"

#include <ATen/ATen.h>

#include "core/common/error.h"
#include "core/io/safetensors_file.h"

namespace steer {
namespace fs = std::filesystem;

const char* family_name(ModelFamily family) { return family == ModelFamily::SD1 ? "SD 1.x" : "SD 2.x"; }

namespace {

template <class Model, class Config>
std::unique_ptr<Model> load_component(const fs::path& folder, const std::string& stem, const std::string& label,
                                      const LoadOptions& options, void (*fix_keys)(WeightSet&),
                                      std::vector<std::string> ignored_suffixes = {}) {
  const fs::path config_path = folder / "config.json";
  const Config config = Config::parse(read_json_file(config_path), config_path.string());
  auto model = std::make_unique<Model>(config);
  WeightSet weights = read_weights(find_component_weights(folder, stem, options.variant));
  if (fix_keys) fix_keys(weights);
  Module::BindOptions bind;
  bind.dtype = options.dtype;
  bind.device = options.device;
  bind.ignored_key_suffixes = std::move(ignored_suffixes);
  model->bind(weights, label, bind);
  return model;
}

}  // namespace

// transformers >= 5 may save CLIPTextModel without the "text_model." wrapper in the keys
// ("encoder.layers.0..."); older files and the hub keep it. Accept both.
void add_text_model_prefix_if_flattened(WeightSet& weights) {
  for (const auto& [name, tensor] : weights.tensors)
    if (name.rfind("text_model.", 0) == 0) return;
  std::map<std::string, at::Tensor> tensors;
  std::map<std::string, fs::path> source;
  for (auto& [name, tensor] : weights.tensors) {
    const bool inner =
        name.rfind("embeddings.", 0) == 0 || name.rfind("encoder.", 0) == 0 || name.rfind("final_layer_norm.", 0) == 0;
    const std::string key = inner ? "text_model." + name : name;
    tensors[key] = tensor;
    source[key] = weights.source[name];
  }
  weights.tensors = std::move(tensors);
  weights.source = std::move(source);
}

void rename_legacy_vae_attention_keys(WeightSet& weights) {
  const std::pair<const char*, const char*> renames[] = {
      {".query.", ".to_q."}, {".key.", ".to_k."}, {".value.", ".to_v."}, {".proj_attn.", ".to_out.0."}};
  std::map<std::string, at::Tensor> tensors;
  std::map<std::string, fs::path> source;
  for (auto& [name, tensor] : weights.tensors) {
    std::string renamed = name;
    if (renamed.find(".attentions.") != std::string::npos)
      for (const auto& [from, to] : renames) {
        auto pos = renamed.find(from);
        if (pos != std::string::npos) renamed.replace(pos, std::string(from).size(), to);
      }
    source[renamed] = weights.source[name];
    tensors[renamed] = tensor;
  }
  weights.tensors = std::move(tensors);
  weights.source = std::move(source);
}

std::unique_ptr<UNet2DConditionModel> load_unet(const fs::path& folder, const LoadOptions& options) {
  return load_component<UNet2DConditionModel, UNetConfig>(folder, "diffusion_pytorch_model", "unet", options, nullptr);
}

std::unique_ptr<AutoencoderKL> load_vae(const fs::path& folder, const LoadOptions& options) {
  return load_component<AutoencoderKL, VaeConfig>(folder, "diffusion_pytorch_model", "vae", options,
                                                  &rename_legacy_vae_attention_keys);
}

std::unique_ptr<ClipTextModel> load_clip_text_model(const fs::path& folder, const LoadOptions& options) {
  // Some files store the position_ids buffer; it is never used (docs/model-notes.md §3.3).
  return load_component<ClipTextModel, ClipTextConfig>(folder, "model", "text_encoder", options,
                                                       &add_text_model_prefix_if_flattened, {"embeddings.position_ids"});
}

std::unique_ptr<StableDiffusionModel> StableDiffusionModel::load(const fs::path& folder_path, const LoadOptions& options) {
  DiffusersFolder folder = DiffusersFolder::open(folder_path);
  if (folder.has("text_encoder_2") || folder.pipeline_class().find("XL") != std::string::npos)
    throw InputError(folder_path.string() + ": is an SDXL pipeline (" + folder.pipeline_class() +
                     "); this version of Steer Studio runs SD 1.x and SD 2.x models");
  auto model = std::unique_ptr<StableDiffusionModel>(new StableDiffusionModel());
  model->folder_ = folder_path;
  model->options_ = options;
  model->scheduler_config_ = folder.config("scheduler");
  model->prediction_type_ = json::string_or(model->scheduler_config_, "prediction_type", "epsilon");
  if (model->prediction_type_ != "epsilon" && model->prediction_type_ != "v_prediction")
    throw InputError(folder.config_path("scheduler").string() + ": \"prediction_type\" is \"" + model->prediction_type_ +
                     "\"; supported: \"epsilon\", \"v_prediction\"");

  model->tokenizer_ = std::make_unique<ClipTokenizer>(ClipTokenizer::from_folder(folder.component("tokenizer").folder));
  model->text_encoder_ = load_clip_text_model(folder.component("text_encoder").folder, options);
  model->unet_ = load_unet(folder.component("unet").folder, options);
  model->vae_ = load_vae(folder.component("vae").folder, options);

  const auto& te = model->text_encoder_->config();
  model->family_ = te.hidden_act == "quick_gelu" ? ModelFamily::SD1 : ModelFamily::SD2;
  const auto& unet = model->unet_->config();
  if (unet.cross_attention_dim[0] != te.hidden_size)
    throw InputError(folder_path.string() + ": the unet expects text features of width " +
                     std::to_string(unet.cross_attention_dim[0]) +
                     " (unet/config.json cross_attention_dim) but the text encoder produces " + std::to_string(te.hidden_size) +
                     " (text_encoder/config.json hidden_size): the components come from different model families");
  if (model->vae_->config().latent_channels != unet.in_channels)
    throw InputError(folder_path.string() + ": the vae makes " + std::to_string(model->vae_->config().latent_channels) +
                     "-channel latents but the unet takes " + std::to_string(unet.in_channels) + " input channels");
  if (static_cast<int64_t>(model->tokenizer_->vocab_size()) > te.vocab_size)
    throw InputError(folder_path.string() + ": the tokenizer has " + std::to_string(model->tokenizer_->vocab_size()) +
                     " tokens but the text encoder's embedding has only " + std::to_string(te.vocab_size));
  return model;
}

at::Tensor StableDiffusionModel::encode_prompt(const std::string& prompt, int clip_skip) const {
  std::vector<int32_t> ids32 = tokenizer_->encode_padded(prompt);
  std::vector<int64_t> ids(ids32.begin(), ids32.end());
  at::Tensor input = at::tensor(ids, at::TensorOptions().dtype(at::kLong)).unsqueeze(0).to(options_.device);
  return text_encoder_->encode(input, clip_skip);
}

}  // namespace steer
