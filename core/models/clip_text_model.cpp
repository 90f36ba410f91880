#include "core/models/clip_text_model.h"

#include <ATen/ATen.h>

#include "core/common/error.h"

namespace steer {

ClipEncoderLayer::ClipEncoderLayer(const ClipTextConfig& config) : config_(config) {
  const int64_t d = config.hidden_size;
  q_proj_ = &register_module<Linear>("self_attn.q_proj", d, d);
  k_proj_ = &register_module<Linear>("self_attn.k_proj", d, d);
  v_proj_ = &register_module<Linear>("self_attn.v_proj", d, d);
  out_proj_ = &register_module<Linear>("self_attn.out_proj", d, d);
  layer_norm1_ = &register_module<LayerNorm>("layer_norm1", d, config.layer_norm_eps);
  fc1_ = &register_module<Linear>("mlp.fc1", d, config.intermediate_size);
  fc2_ = &register_module<Linear>("mlp.fc2", config.intermediate_size, d);
  layer_norm2_ = &register_module<LayerNorm>("layer_norm2", d, config.layer_norm_eps);
}

at::Tensor ClipEncoderLayer::forward(const at::Tensor& x) const {
  at::Tensor h = layer_norm1_->forward(x);
  h = multi_head_attention(q_proj_->forward(h), k_proj_->forward(h), v_proj_->forward(h), config_.num_attention_heads,
                           /*causal=*/true);
  at::Tensor x1 = x + out_proj_->forward(h);
  h = fc1_->forward(layer_norm2_->forward(x1));
  h = config_.hidden_act == "quick_gelu" ? h * at::sigmoid(1.702 * h) : at::gelu(h);
  return x1 + fc2_->forward(h);
}

ClipTextModel::ClipTextModel(ClipTextConfig config) : config_(std::move(config)) {
  const auto& c = config_;
  token_embedding_ = &register_module<Embedding>("text_model.embeddings.token_embedding", c.vocab_size, c.hidden_size);
  position_embedding_ =
      &register_module<Embedding>("text_model.embeddings.position_embedding", c.max_position_embeddings, c.hidden_size);
  layers_ = &register_module<ModuleList<ClipEncoderLayer>>("text_model.encoder.layers");
  final_layer_norm_ = &register_module<LayerNorm>("text_model.final_layer_norm", c.hidden_size, c.layer_norm_eps);
  for (int64_t i = 0; i < config_.num_hidden_layers; ++i) layers_->append(config_);
  if (config_.with_projection)
    text_projection_ = &register_module<Linear>("text_projection", config_.hidden_size, config_.projection_dim, false);
}

ClipTextOutput ClipTextModel::forward(const at::Tensor& ids, bool keep_hidden_states) const {
  if (ids.dim() != 2) throw Error("text encoder input ids must be (batch, length)");
  const int64_t length = ids.size(1);
  if (length > config_.max_position_embeddings)
    throw Error("text encoder input has " + std::to_string(length) + " tokens; the model takes at most " +
                std::to_string(config_.max_position_embeddings));
  // Position ids are always arange(L); a stored position_ids buffer is never used (docs/model-notes.md §3.3).
  at::Tensor positions = at::arange(length, ids.options().dtype(at::kLong));
  at::Tensor x = token_embedding_->forward(ids) + position_embedding_->forward(positions).unsqueeze(0);
  ClipTextOutput out;
  if (keep_hidden_states) out.hidden_states.push_back(x);
  for (const auto* layer : *layers_) {
    x = layer->forward(x);
    if (keep_hidden_states) out.hidden_states.push_back(x);
  }
  out.last_hidden_state = final_layer_norm_->forward(x);
  // The first EOS position (legacy configs say eos_token_id = 2: then argmax of the ids,
  // which also finds the first 49407 since it is the largest id).
  at::Tensor eos_index = config_.eos_token_id == 2 ? ids.argmax(-1) : (ids == config_.eos_token_id).to(at::kInt).argmax(-1);
  at::Tensor rows = at::arange(ids.size(0), ids.options().dtype(at::kLong));
  out.pooled = out.last_hidden_state.index({rows, eos_index});
  if (text_projection_) out.text_embeds = text_projection_->forward(out.pooled);
  return out;
}

at::Tensor ClipTextModel::encode(const at::Tensor& ids, int clip_skip) const {
  if (clip_skip < 0 || clip_skip >= config_.num_hidden_layers)
    throw InputError("clip skip " + std::to_string(clip_skip) + " is out of range: this text encoder has " +
                     std::to_string(config_.num_hidden_layers) + " layers (use 0 to " +
                     std::to_string(config_.num_hidden_layers - 1) + ")");
  if (clip_skip == 0) return forward(ids).last_hidden_state;
  ClipTextOutput out = forward(ids, true);
  return final_layer_norm(out.hidden_states[out.hidden_states.size() - 1 - clip_skip]);
}

}  // namespace steer
