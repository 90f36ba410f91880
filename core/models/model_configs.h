#pragma once
// Architecture configs as diffusers / transformers write them in each component's
// config.json, parsed and checked. Every setting the engine does not implement is
// refused with a message naming the file, the key and the value.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace steer {
namespace json {
class Value;
}

struct UNetConfig {
  int64_t in_channels = 4, out_channels = 4, sample_size = 64;
  std::vector<int64_t> block_out_channels;
  std::vector<std::string> down_block_types, up_block_types;
  std::string mid_block_type = "UNetMidBlock2DCrossAttn";
  std::vector<int64_t> layers_per_block;              // per down block
  std::vector<int64_t> num_attention_heads;           // per down block (diffusers' attention_head_dim)
  std::vector<int64_t> cross_attention_dim;           // per down block
  std::vector<int64_t> transformer_layers_per_block;  // per down block
  bool use_linear_projection = false;
  bool upcast_attention = false;
  int64_t norm_num_groups = 32;
  double norm_eps = 1e-5;
  bool flip_sin_to_cos = true;
  double freq_shift = 0;
  int64_t downsample_padding = 1;
  int64_t conv_in_kernel = 3, conv_out_kernel = 3;
  // SDXL's added conditioning ("text_time"): pooled text embedding + 6 size/crop ids.
  std::string addition_embed_type;  // "" or "text_time"
  int64_t addition_time_embed_dim = 0;
  int64_t projection_class_embeddings_input_dim = 0;

  int64_t time_embed_dim() const { return block_out_channels.at(0) * 4; }
  static UNetConfig parse(const json::Value& config, const std::string& file);
};

struct VaeConfig {
  int64_t in_channels = 3, out_channels = 3, latent_channels = 4;
  std::vector<int64_t> block_out_channels;
  int64_t layers_per_block = 2;
  int64_t norm_num_groups = 32;
  int64_t sample_size = 512;
  double scaling_factor = 0.18215;
  double shift_factor = 0.0;
  bool use_quant_conv = true, use_post_quant_conv = true;
  bool mid_block_add_attention = true;
  bool force_upcast = false;
  // Pixels per latent along each side: 2^(levels − 1) (diffusers' vae_scale_factor); 8 for SD.
  int64_t downscale_factor() const { return int64_t{1} << (block_out_channels.size() - 1); }
  static VaeConfig parse(const json::Value& config, const std::string& file);
};

struct ClipTextConfig {
  int64_t vocab_size = 49408, hidden_size = 768, intermediate_size = 3072;
  int64_t num_attention_heads = 12, num_hidden_layers = 12, max_position_embeddings = 77;
  int64_t projection_dim = 768;
  double layer_norm_eps = 1e-5;
  std::string hidden_act = "quick_gelu";  // or "gelu"
  int64_t eos_token_id = 49407;
  bool with_projection = false;  // CLIPTextModelWithProjection (SDXL's text_encoder_2)
  static ClipTextConfig parse(const json::Value& config, const std::string& file);
};

}  // namespace steer
