#include "core/pipeline/model_inspection.h"

#include <cstdio>
#include <sstream>

#include "core/io/safetensors_file.h"
#include "core/pipeline/stable_diffusion_model.h"

namespace steer {
namespace fs = std::filesystem;

std::string format_parameter_count(int64_t count) {
  char buf[32];
  if (count >= 1'000'000'000)
    std::snprintf(buf, sizeof buf, "%.2f B", count / 1e9);
  else if (count >= 1'000'000)
    std::snprintf(buf, sizeof buf, "%.1f M", count / 1e6);
  else if (count >= 1'000)
    std::snprintf(buf, sizeof buf, "%.1f K", count / 1e3);
  else
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(count));
  return buf;
}

namespace {

// Counts the stored parameters of a component by dtype (what is on disk, not what the
// engine converted them to). Only tensors the architecture uses count: a stored buffer the
// loader ignores (CLIP's int64 position_ids) is no parameter.
void summarize_weights(const fs::path& weights_path, const Module& module, ComponentSummary& out) {
  WeightSet weights = read_weights(weights_path);
  if (dynamic_cast<const ClipTextModel*>(&module)) add_text_model_prefix_if_flattened(weights);
  if (dynamic_cast<const AutoencoderKL*>(&module)) rename_legacy_vae_attention_keys(weights);
  out.weight_files = weights.files;
  for (const auto& param : module.named_parameters()) {
    const at::Tensor& tensor = weights.tensors.at(param.name);
    const std::string dtype = safetensors::dtype_name(to_safetensors_dtype(tensor.scalar_type()));
    ++out.tensor_count;
    bool found = false;
    for (auto& [d, n] : out.parameters_by_dtype)
      if (d == dtype) {
        n += tensor.numel();
        found = true;
      }
    if (!found) out.parameters_by_dtype.emplace_back(dtype, tensor.numel());
  }
}

std::string join_ints(const std::vector<int64_t>& v) {
  std::ostringstream os;
  for (size_t i = 0; i < v.size(); ++i) os << (i ? "/" : "") << v[i];
  return os.str();
}

}  // namespace

ModelSummary inspect_model_folder(const fs::path& folder_path) {
  // CPU, fp32: loading binds and checks every tensor.
  auto model = StableDiffusionModel::load(folder_path, LoadOptions{});
  return summarize_model(*model);
}

ModelSummary summarize_model(const StableDiffusionModel& loaded) {
  const auto* model = &loaded;
  const fs::path& folder_path = loaded.folder();
  const LoadOptions& options = loaded.options();
  DiffusersFolder folder = DiffusersFolder::open(folder_path);

  ModelSummary summary;
  summary.folder = folder_path;
  summary.family = family_name(model->family());
  summary.pipeline_class = folder.pipeline_class();
  summary.prediction_type = model->prediction_type();
  summary.latent_factor = static_cast<int>(model->vae().config().downscale_factor());
  summary.native_resolution = static_cast<int>(model->unet().config().sample_size) * summary.latent_factor;

  auto add_weighted = [&](const std::string& name, const Module& module, const std::string& detail) {
    const auto& component = folder.component(name);
    ComponentSummary c;
    c.name = name;
    c.class_name = component.class_name;
    c.detail = detail;
    const fs::path weights =
        find_component_weights(component.folder, weights_stem_for_library(component.library), options.variant);
    if (weights.filename().string().find("fp16") != std::string::npos) summary.weights_variant = "fp16";
    summarize_weights(weights, module, c);
    c.parameter_count = module.parameter_count();
    summary.components.push_back(std::move(c));
  };

  const auto& u = model->unet().config();
  std::ostringstream unet_detail;
  unet_detail << u.block_out_channels.size() << " levels (" << join_ints(u.block_out_channels) << " channels), "
              << "heads " << join_ints(u.num_attention_heads) << ", cross-attention " << u.cross_attention_dim[0] << ", "
              << (u.use_linear_projection ? "linear" : "conv") << " projection"
              << (u.upcast_attention ? ", upcast attention" : "") << ", latent " << u.sample_size << "x" << u.sample_size;
  add_weighted("unet", model->unet(), unet_detail.str());

  const auto& v = model->vae().config();
  std::ostringstream vae_detail;
  vae_detail << v.block_out_channels.size() << " levels (" << join_ints(v.block_out_channels) << " channels), "
             << v.latent_channels << " latent channels, scaling factor " << v.scaling_factor;
  add_weighted("vae", model->vae(), vae_detail.str());

  const auto& t = model->text_encoder().config();
  std::ostringstream te_detail;
  te_detail << t.num_hidden_layers << " layers, width " << t.hidden_size << ", " << t.num_attention_heads << " heads, "
            << t.hidden_act;
  add_weighted("text_encoder", model->text_encoder(), te_detail.str());

  ComponentSummary tok;
  tok.name = "tokenizer";
  tok.class_name = folder.component("tokenizer").class_name;
  tok.detail = "vocabulary " + std::to_string(model->tokenizer().vocab_size()) + ", " +
               std::to_string(model->tokenizer().max_length()) + " tokens, pads with '" + model->tokenizer().pad_token() + "'";
  summary.components.push_back(tok);

  ComponentSummary sched;
  sched.name = "scheduler";
  sched.class_name = folder.component("scheduler").class_name;
  const auto& sc = model->scheduler_config();
  std::ostringstream sched_detail;
  sched_detail << json::string_or(sc, "beta_schedule", "linear") << " betas " << json::number_or(sc, "beta_start", 0.0001)
               << " to " << json::number_or(sc, "beta_end", 0.02) << ", " << json::int_or(sc, "num_train_timesteps", 1000)
               << " train steps, " << model->prediction_type();
  sched.detail = sched_detail.str();
  summary.components.push_back(sched);
  return summary;
}

}  // namespace steer
