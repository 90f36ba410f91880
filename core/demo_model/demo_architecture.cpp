#include "core/demo_model/demo_architecture.h"

#include <ATen/ATen.h>
#include <unistd.h>

#include <fstream>

#include "core/common/error.h"
#include "core/demo/toy_vocabulary.h"
#include "core/io/atomic_write.h"
#include "core/io/diffusers_folder.h"
#include "core/io/safetensors_writer.h"
#include "core/models/autoencoder_kl.h"
#include "core/models/clip_text_model.h"
#include "core/models/model_configs.h"
#include "core/models/unet2d_condition.h"
#include "core/models/weight_initialization.h"
#include "core/training/run/model_folder_writer.h"

namespace fs = std::filesystem;

namespace steer::demo {

namespace {

json::Value ints(std::initializer_list<int64_t> values) {
  json::Array a;
  for (int64_t v : values) a.emplace_back(v);
  return json::Value(std::move(a));
}
json::Value strings(std::initializer_list<const char*> values) {
  json::Array a;
  for (const char* v : values) a.emplace_back(v);
  return json::Value(std::move(a));
}
json::Value pair(const char* library, const char* cls) { return strings({library, cls}); }

void write_json(const fs::path& file, const json::Value& v) {
  write_file_atomically(file, [&](std::ostream& out) { out << v.dump(2) << "\n"; });
}

void write_module(const fs::path& file, const Module& m) {
  std::vector<std::pair<std::string, at::Tensor>> tensors;
  for (const auto& p : m.named_parameters()) tensors.emplace_back(p.name, *p.tensor);
  write_safetensors(file, tensors, {{"format", "pt"}});
}

}  // namespace

json::Value demo_vae_config() {
  json::Value c{json::Object{}};
  c.set("_class_name", "AutoencoderKL");
  c.set("_diffusers_version", "0.42.1");
  c.set("act_fn", "silu");
  c.set("block_out_channels", ints({32, 64, 64}));
  c.set("down_block_types", strings({"DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D"}));
  c.set("up_block_types", strings({"UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D"}));
  c.set("force_upcast", false);
  c.set("in_channels", 3);
  c.set("out_channels", 3);
  c.set("latent_channels", 4);
  c.set("layers_per_block", 1);
  c.set("mid_block_add_attention", true);
  c.set("norm_num_groups", 16);
  c.set("sample_size", kDemoImageSize);
  c.set("scaling_factor", 1.0);  // measured on the data after the VAE is trained
  c.set("use_quant_conv", true);
  c.set("use_post_quant_conv", true);
  return c;
}

json::Value demo_unet_config() {
  json::Value c{json::Object{}};
  c.set("_class_name", "UNet2DConditionModel");
  c.set("_diffusers_version", "0.42.1");
  c.set("act_fn", "silu");
  c.set("attention_head_dim", 4);
  c.set("block_out_channels", ints({32, 64, 128}));
  c.set("center_input_sample", false);
  c.set("cross_attention_dim", 64);
  c.set("down_block_types", strings({"CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"}));
  c.set("downsample_padding", 1);
  c.set("flip_sin_to_cos", true);
  c.set("freq_shift", 0);
  c.set("in_channels", 4);
  c.set("layers_per_block", 1);
  c.set("mid_block_scale_factor", 1);
  c.set("mid_block_type", "UNetMidBlock2DCrossAttn");
  c.set("norm_eps", 1e-5);
  c.set("norm_num_groups", 16);
  c.set("out_channels", 4);
  c.set("sample_size", kDemoImageSize / 4);
  c.set("transformer_layers_per_block", 1);
  c.set("up_block_types", strings({"UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"}));
  c.set("upcast_attention", false);
  c.set("use_linear_projection", false);
  return c;
}

json::Value demo_text_encoder_config(int64_t vocab_size, int64_t bos_token_id, int64_t eos_token_id) {
  // Float settings whose value is a whole number (attention_dropout 0.0, initializer_factor
  // 1.0) are left to transformers' defaults: our JSON writes 1.0 as 1, which transformers 5's
  // strict config classes refuse for a float field.
  json::Value c{json::Object{}};
  c.set("architectures", strings({"CLIPTextModel"}));
  c.set("bos_token_id", bos_token_id);
  c.set("eos_token_id", eos_token_id);
  c.set("pad_token_id", eos_token_id);
  c.set("hidden_act", "quick_gelu");
  c.set("hidden_size", 64);
  c.set("initializer_range", 0.02);
  c.set("intermediate_size", 256);
  c.set("layer_norm_eps", 1e-5);
  c.set("max_position_embeddings", kDemoTextPositions);
  c.set("model_type", "clip_text_model");
  c.set("num_attention_heads", 2);
  c.set("num_hidden_layers", 2);
  c.set("projection_dim", 64);
  c.set("vocab_size", vocab_size);
  return c;
}

json::Value demo_scheduler_config() {
  json::Value c{json::Object{}};
  c.set("_class_name", "DDIMScheduler");
  c.set("_diffusers_version", "0.42.1");
  c.set("beta_start", 0.00085);
  c.set("beta_end", 0.012);
  c.set("beta_schedule", "scaled_linear");
  c.set("clip_sample", false);
  c.set("num_train_timesteps", 1000);
  c.set("prediction_type", "epsilon");
  c.set("set_alpha_to_one", false);
  c.set("steps_offset", 1);
  c.set("timestep_spacing", "leading");
  return c;
}

json::Value demo_model_index() {
  json::Value c{json::Object{}};
  c.set("_class_name", "StableDiffusionPipeline");
  c.set("_diffusers_version", "0.42.1");
  c.set("feature_extractor", json::Value(json::Array{json::Value(), json::Value()}));
  c.set("requires_safety_checker", false);
  c.set("safety_checker", json::Value(json::Array{json::Value(), json::Value()}));
  c.set("scheduler", pair("diffusers", "DDIMScheduler"));
  c.set("text_encoder", pair("transformers", "CLIPTextModel"));
  c.set("tokenizer", pair("transformers", "CLIPTokenizer"));
  c.set("unet", pair("diffusers", "UNet2DConditionModel"));
  c.set("vae", pair("diffusers", "AutoencoderKL"));
  return c;
}

void write_untrained_demo_model(const fs::path& folder, uint64_t seed) {
  const fs::path staging = folder.parent_path() / ("." + folder.filename().string() + ".partial-" + std::to_string(::getpid()));
  std::error_code ec;
  fs::remove_all(staging, ec);
  for (const char* sub : {"vae", "unet", "text_encoder", "tokenizer", "scheduler"}) fs::create_directories(staging / sub);

  write_toy_tokenizer(staging / "tokenizer", kDemoTextPositions);
  const json::Value vocab = read_json_file(staging / "tokenizer" / "vocab.json");
  const int64_t bos = vocab.at("<|startoftext|>").as_int(), eos = vocab.at("<|endoftext|>").as_int();
  const json::Value te_config = demo_text_encoder_config(static_cast<int64_t>(vocab.as_object().size()), bos, eos);

  write_json(staging / "model_index.json", demo_model_index());
  write_json(staging / "scheduler" / "scheduler_config.json", demo_scheduler_config());
  write_json(staging / "vae" / "config.json", demo_vae_config());
  write_json(staging / "unet" / "config.json", demo_unet_config());
  write_json(staging / "text_encoder" / "config.json", te_config);

  // One seed, three components: each its own stream so that changing one leaves the others.
  AutoencoderKL vae(VaeConfig::parse(demo_vae_config(), "demo vae config"));
  initialize_weights(vae, {seed * 3 + 0, 1.0});
  write_module(staging / "vae" / "diffusion_pytorch_model.safetensors", vae);
  UNet2DConditionModel unet(UNetConfig::parse(demo_unet_config(), "demo unet config"));
  initialize_weights(unet, {seed * 3 + 1, 1.0});
  write_module(staging / "unet" / "diffusion_pytorch_model.safetensors", unet);
  ClipTextModel text(ClipTextConfig::parse(te_config, "demo text encoder config"));
  initialize_weights(text, {seed * 3 + 2, 0.02});
  write_module(staging / "text_encoder" / "model.safetensors", text);

  training::replace_folder(staging, folder);
}

}  // namespace steer::demo
