#include "core/models/model_configs.h"

#include <algorithm>

#include "core/common/error.h"
#include "core/formats/json.h"

namespace steer {
namespace {

[[noreturn]] void bad(const std::string& file, const std::string& key, const std::string& what) {
  throw InputError(file + ": \"" + key + "\" " + what);
}

int64_t get_int(const json::Value& c, const std::string& file, const std::string& key, int64_t fallback) {
  const json::Value* v = c.find(key);
  if (!v || v->is_null()) return fallback;
  try {
    return v->as_int();
  } catch (const json::TypeError&) {
    bad(file, key, "must be an integer, found " + v->dump());
  }
}

double get_number(const json::Value& c, const std::string& file, const std::string& key, double fallback) {
  const json::Value* v = c.find(key);
  if (!v || v->is_null()) return fallback;
  if (!v->is_number()) bad(file, key, "must be a number, found " + v->dump());
  return v->as_number();
}

bool get_bool(const json::Value& c, const std::string& file, const std::string& key, bool fallback) {
  const json::Value* v = c.find(key);
  if (!v || v->is_null()) return fallback;
  if (!v->is_bool()) bad(file, key, "must be true or false, found " + v->dump());
  return v->as_bool();
}

std::string get_string(const json::Value& c, const std::string& file, const std::string& key, const std::string& fallback) {
  const json::Value* v = c.find(key);
  if (!v || v->is_null()) return fallback;
  if (!v->is_string()) bad(file, key, "must be a string, found " + v->dump());
  return v->as_string();
}

std::vector<int64_t> get_int_list(const json::Value& c, const std::string& file, const std::string& key) {
  const json::Value* v = c.find(key);
  if (!v || !v->is_array()) bad(file, key, v ? "must be a list of integers, found " + v->dump() : "is missing");
  std::vector<int64_t> out;
  for (const auto& e : v->as_array()) {
    if (!e.is_number()) bad(file, key, "must be a list of integers, found " + v->dump());
    try {
      out.push_back(e.as_int());
    } catch (const json::TypeError&) {
      bad(file, key, "must be a list of integers, found " + e.dump() + " in " + v->dump());
    }
  }
  return out;
}

std::vector<std::string> get_string_list(const json::Value& c, const std::string& file, const std::string& key) {
  const json::Value* v = c.find(key);
  if (!v || !v->is_array()) bad(file, key, v ? "must be a list of block type names, found " + v->dump() : "is missing");
  std::vector<std::string> out;
  for (const auto& e : v->as_array()) {
    if (!e.is_string()) bad(file, key, "must be a list of strings, found " + v->dump());
    out.push_back(e.as_string());
  }
  return out;
}

// diffusers accepts an int (same for every block) or a list with one entry per block.
std::vector<int64_t> per_block(const json::Value& c, const std::string& file, const std::string& key, size_t blocks,
                               int64_t fallback) {
  const json::Value* v = c.find(key);
  if (!v || v->is_null()) return std::vector<int64_t>(blocks, fallback);
  if (v->is_number()) return std::vector<int64_t>(blocks, get_int(c, file, key, fallback));
  auto list = get_int_list(c, file, key);
  if (list.size() != blocks)
    bad(file, key,
        "has " + std::to_string(list.size()) + " entries but the model has " + std::to_string(blocks) + " down blocks");
  return list;
}

// Counts and sizes (channels, layers, heads, tokens): at least 1, and at most far beyond any
// real model's, so that products of them cannot overflow and a damaged config is blamed on
// the config — before any weights are matched against the architecture it describes.
constexpr int64_t kLargestCount = int64_t{1} << 20;
const char* const kFixConfig = "; the config is damaged: correct the value or get the model's config.json again";

void require_positive(const std::string& file, const std::string& key, int64_t v, const std::string& where = "") {
  if (v <= 0) bad(file, key, "must be a positive whole number, found " + std::to_string(v) + where + kFixConfig);
  if (v > kLargestCount)
    bad(file, key,
        "is " + std::to_string(v) + where + ", larger than any model's (at most " + std::to_string(kLargestCount) + ")" +
            kFixConfig);
}

// The per-block form: names the block when there is more than one.
void require_positive(const std::string& file, const std::string& key, const std::vector<int64_t>& values) {
  for (size_t i = 0; i < values.size(); ++i)
    require_positive(file, key, values[i], values.size() > 1 ? " for block " + std::to_string(i) : "");
}

}  // namespace

UNetConfig UNetConfig::parse(const json::Value& c, const std::string& file) {
  if (!c.is_object()) throw InputError(file + ": is not a JSON object");
  UNetConfig u;
  u.in_channels = get_int(c, file, "in_channels", 4);
  u.out_channels = get_int(c, file, "out_channels", 4);
  u.sample_size = get_int(c, file, "sample_size", 64);
  require_positive(file, "in_channels", u.in_channels);
  require_positive(file, "out_channels", u.out_channels);
  require_positive(file, "sample_size", u.sample_size);
  u.block_out_channels = get_int_list(c, file, "block_out_channels");
  u.down_block_types = get_string_list(c, file, "down_block_types");
  u.up_block_types = get_string_list(c, file, "up_block_types");
  const size_t n = u.block_out_channels.size();
  if (n == 0) bad(file, "block_out_channels", "is empty");
  if (u.down_block_types.size() != n || u.up_block_types.size() != n)
    throw InputError(file + ": \"down_block_types\" (" + std::to_string(u.down_block_types.size()) + "), \"up_block_types\" (" +
                     std::to_string(u.up_block_types.size()) + ") and \"block_out_channels\" (" + std::to_string(n) +
                     ") must have the same length");
  for (const auto& t : u.down_block_types)
    if (t != "CrossAttnDownBlock2D" && t != "DownBlock2D")
      bad(file, "down_block_types", "contains unknown block type \"" + t + "\" (supported: CrossAttnDownBlock2D, DownBlock2D)");
  for (const auto& t : u.up_block_types)
    if (t != "CrossAttnUpBlock2D" && t != "UpBlock2D")
      bad(file, "up_block_types", "contains unknown block type \"" + t + "\" (supported: CrossAttnUpBlock2D, UpBlock2D)");
  u.mid_block_type = get_string(c, file, "mid_block_type", "UNetMidBlock2DCrossAttn");
  if (u.mid_block_type != "UNetMidBlock2DCrossAttn")
    bad(file, "mid_block_type", "is \"" + u.mid_block_type + "\"; only UNetMidBlock2DCrossAttn is supported");
  require_positive(file, "block_out_channels", u.block_out_channels);

  u.layers_per_block = per_block(c, file, "layers_per_block", n, 2);
  require_positive(file, "layers_per_block", u.layers_per_block);
  // diffusers: num_attention_heads = num_attention_heads or attention_head_dim (the
  // config's "attention_head_dim" really is the head count, docs/model-notes.md §4.8).
  const json::Value* heads = c.find("num_attention_heads");
  const std::string heads_key = (heads && !heads->is_null()) ? "num_attention_heads" : "attention_head_dim";
  u.num_attention_heads = per_block(c, file, heads_key, n, 8);
  require_positive(file, heads_key, u.num_attention_heads);
  u.cross_attention_dim = per_block(c, file, "cross_attention_dim", n, 1280);
  require_positive(file, "cross_attention_dim", u.cross_attention_dim);
  u.transformer_layers_per_block = per_block(c, file, "transformer_layers_per_block", n, 1);
  require_positive(file, "transformer_layers_per_block", u.transformer_layers_per_block);
  u.use_linear_projection = get_bool(c, file, "use_linear_projection", false);
  u.upcast_attention = get_bool(c, file, "upcast_attention", false);
  u.norm_num_groups = get_int(c, file, "norm_num_groups", 32);
  u.norm_eps = get_number(c, file, "norm_eps", 1e-5);
  u.flip_sin_to_cos = get_bool(c, file, "flip_sin_to_cos", true);
  u.freq_shift = get_number(c, file, "freq_shift", 0);
  u.downsample_padding = get_int(c, file, "downsample_padding", 1);
  u.conv_in_kernel = get_int(c, file, "conv_in_kernel", 3);
  u.conv_out_kernel = get_int(c, file, "conv_out_kernel", 3);
  require_positive(file, "norm_num_groups", u.norm_num_groups);
  require_positive(file, "conv_in_kernel", u.conv_in_kernel);
  require_positive(file, "conv_out_kernel", u.conv_out_kernel);
  if (u.downsample_padding < 0 || u.downsample_padding > 8)
    bad(file, "downsample_padding",
        "must be a whole number from 0 to 8, found " + std::to_string(u.downsample_padding) + kFixConfig);
  for (size_t i = 0; i < n; ++i) {
    if (u.block_out_channels[i] % u.num_attention_heads[i] != 0)
      bad(file, heads_key,
          "gives " + std::to_string(u.num_attention_heads[i]) + " heads, which do not divide the " +
              std::to_string(u.block_out_channels[i]) + " channels of block " + std::to_string(i));
    if (u.block_out_channels[i] % u.norm_num_groups != 0)
      bad(file, "norm_num_groups",
          "(" + std::to_string(u.norm_num_groups) + ") does not divide the " + std::to_string(u.block_out_channels[i]) +
              " channels of block " + std::to_string(i));
  }

  // Settings SD1.x/2.x/SDXL never use; refuse them rather than compute something else.
  auto require_value = [&](const std::string& key, const std::string& allowed_text, bool ok) {
    if (!ok) bad(file, key, "is " + c.at(key).dump() + "; Steer Studio supports only " + allowed_text);
  };
  auto is_null_or = [&](const std::string& key, const std::string& value) {
    const json::Value* v = c.find(key);
    return !v || v->is_null() || (v->is_string() && v->as_string() == value);
  };
  auto is_false = [&](const std::string& key) {
    const json::Value* v = c.find(key);
    return !v || v->is_null() || (v->is_bool() && !v->as_bool());
  };
  if (!is_null_or("act_fn", "silu")) require_value("act_fn", "\"silu\"", false);
  if (!is_null_or("time_embedding_type", "positional")) require_value("time_embedding_type", "\"positional\"", false);
  if (!is_null_or("resnet_time_scale_shift", "default")) require_value("resnet_time_scale_shift", "\"default\"", false);
  if (!is_null_or("class_embed_type", "")) require_value("class_embed_type", "null", false);
  if (!is_null_or("encoder_hid_dim_type", "")) require_value("encoder_hid_dim_type", "null", false);
  if (!is_null_or("attention_type", "default")) require_value("attention_type", "\"default\"", false);
  for (const char* key : {"only_cross_attention", "dual_cross_attention", "center_input_sample"})
    if (!is_false(key)) require_value(key, "false", false);

  u.addition_embed_type = get_string(c, file, "addition_embed_type", "");
  if (!u.addition_embed_type.empty() && u.addition_embed_type != "text_time")
    bad(file, "addition_embed_type", "is \"" + u.addition_embed_type + "\"; supported: null or \"text_time\"");
  if (u.addition_embed_type == "text_time") {
    u.addition_time_embed_dim = get_int(c, file, "addition_time_embed_dim", 256);
    u.projection_class_embeddings_input_dim = get_int(c, file, "projection_class_embeddings_input_dim", 2816);
    require_positive(file, "addition_time_embed_dim", u.addition_time_embed_dim);
    require_positive(file, "projection_class_embeddings_input_dim", u.projection_class_embeddings_input_dim);
  }
  if (u.conv_in_kernel % 2 == 0) bad(file, "conv_in_kernel", "must be odd");
  if (u.conv_out_kernel % 2 == 0) bad(file, "conv_out_kernel", "must be odd");
  return u;
}

VaeConfig VaeConfig::parse(const json::Value& c, const std::string& file) {
  if (!c.is_object()) throw InputError(file + ": is not a JSON object");
  VaeConfig v;
  v.in_channels = get_int(c, file, "in_channels", 3);
  v.out_channels = get_int(c, file, "out_channels", 3);
  v.latent_channels = get_int(c, file, "latent_channels", 4);
  v.block_out_channels = get_int_list(c, file, "block_out_channels");
  if (v.block_out_channels.empty()) bad(file, "block_out_channels", "is empty");
  // Each level halves the image (downscale_factor() is 2^(levels - 1)); SD's VAEs have 4.
  if (v.block_out_channels.size() > 16)
    bad(file, "block_out_channels",
        "has " + std::to_string(v.block_out_channels.size()) + " levels; at most 16 are supported" + kFixConfig);
  v.layers_per_block = get_int(c, file, "layers_per_block", 2);
  v.norm_num_groups = get_int(c, file, "norm_num_groups", 32);
  v.sample_size = get_int(c, file, "sample_size", 512);
  require_positive(file, "in_channels", v.in_channels);
  require_positive(file, "out_channels", v.out_channels);
  require_positive(file, "latent_channels", v.latent_channels);
  require_positive(file, "block_out_channels", v.block_out_channels);
  require_positive(file, "layers_per_block", v.layers_per_block);
  require_positive(file, "norm_num_groups", v.norm_num_groups);
  require_positive(file, "sample_size", v.sample_size);
  v.scaling_factor = get_number(c, file, "scaling_factor", 0.18215);
  v.shift_factor = get_number(c, file, "shift_factor", 0.0);
  v.use_quant_conv = get_bool(c, file, "use_quant_conv", true);
  v.use_post_quant_conv = get_bool(c, file, "use_post_quant_conv", true);
  v.mid_block_add_attention = get_bool(c, file, "mid_block_add_attention", true);
  v.force_upcast = get_bool(c, file, "force_upcast", false);
  const size_t n = v.block_out_channels.size();
  for (const auto& [key, allowed] : {std::pair<const char*, const char*>{"down_block_types", "DownEncoderBlock2D"},
                                     std::pair<const char*, const char*>{"up_block_types", "UpDecoderBlock2D"}}) {
    if (!c.contains(key)) continue;
    const auto types = get_string_list(c, file, key);
    for (const auto& t : types)
      if (t != allowed) bad(file, key, "contains unknown block type \"" + t + "\" (supported: " + allowed + ")");
    if (types.size() != n) bad(file, key, "must have one entry per block_out_channels entry");
  }
  const json::Value* act = c.find("act_fn");
  if (act && !(act->is_string() && act->as_string() == "silu"))
    bad(file, "act_fn", "is " + act->dump() + "; only \"silu\" is supported");
  for (int64_t ch : v.block_out_channels)
    if (ch <= 0 || ch % v.norm_num_groups != 0)
      bad(file, "block_out_channels",
          "entry " + std::to_string(ch) + " is not a positive multiple of norm_num_groups " + std::to_string(v.norm_num_groups));
  if (v.scaling_factor <= 0) bad(file, "scaling_factor", "must be positive");
  return v;
}

ClipTextConfig ClipTextConfig::parse(const json::Value& c, const std::string& file) {
  if (!c.is_object()) throw InputError(file + ": is not a JSON object");
  ClipTextConfig t;
  t.vocab_size = get_int(c, file, "vocab_size", 49408);
  t.hidden_size = get_int(c, file, "hidden_size", 512);
  t.intermediate_size = get_int(c, file, "intermediate_size", 2048);
  t.num_attention_heads = get_int(c, file, "num_attention_heads", 8);
  t.num_hidden_layers = get_int(c, file, "num_hidden_layers", 12);
  t.max_position_embeddings = get_int(c, file, "max_position_embeddings", 77);
  t.projection_dim = get_int(c, file, "projection_dim", 512);
  t.layer_norm_eps = get_number(c, file, "layer_norm_eps", 1e-5);
  t.hidden_act = get_string(c, file, "hidden_act", "quick_gelu");
  t.eos_token_id = get_int(c, file, "eos_token_id", 2);
  if (t.hidden_act != "quick_gelu" && t.hidden_act != "gelu")
    bad(file, "hidden_act", "is \"" + t.hidden_act + "\"; CLIP text encoders use \"quick_gelu\" (SD 1.x) or \"gelu\" (SD 2.x)");
  require_positive(file, "vocab_size", t.vocab_size);
  require_positive(file, "hidden_size", t.hidden_size);
  require_positive(file, "intermediate_size", t.intermediate_size);
  require_positive(file, "num_attention_heads", t.num_attention_heads);
  require_positive(file, "num_hidden_layers", t.num_hidden_layers);
  require_positive(file, "max_position_embeddings", t.max_position_embeddings);
  require_positive(file, "projection_dim", t.projection_dim);
  if (t.eos_token_id < 0 || t.eos_token_id >= t.vocab_size)
    bad(file, "eos_token_id",
        "is " + std::to_string(t.eos_token_id) + ", not a token of the vocabulary (0 to " + std::to_string(t.vocab_size - 1) +
            ")" + kFixConfig);
  if (t.hidden_size % t.num_attention_heads != 0)
    bad(file, "num_attention_heads",
        "(" + std::to_string(t.num_attention_heads) + ") does not divide hidden_size " + std::to_string(t.hidden_size));
  const json::Value* arch = c.find("architectures");
  if (arch && arch->is_array())
    for (const auto& a : arch->as_array())
      if (a.is_string() && a.as_string() == "CLIPTextModelWithProjection") t.with_projection = true;
  return t;
}

}  // namespace steer
