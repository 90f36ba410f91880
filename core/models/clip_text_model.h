#pragma once
// transformers' CLIPTextModel (docs/model-notes.md §4.10): token + position embeddings, pre-LN encoder
// layers with causal self-attention, final LayerNorm. Parameter names equal the on-disk
// keys ("text_model.encoder.layers.0.self_attn.q_proj.weight").
#include <ATen/core/Tensor.h>

#include <vector>

#include "core/models/layers.h"
#include "core/models/model_configs.h"

namespace steer {

class ClipEncoderLayer : public Module {
 public:
  explicit ClipEncoderLayer(const ClipTextConfig& config);
  at::Tensor forward(const at::Tensor& x) const;

 private:
  const ClipTextConfig& config_;
  LayerNorm* layer_norm1_;
  LayerNorm* layer_norm2_;
  Linear *q_proj_, *k_proj_, *v_proj_, *out_proj_;
  Linear *fc1_, *fc2_;
};

struct ClipTextOutput {
  at::Tensor last_hidden_state;           // final_layer_norm(last layer), (B, L, D)
  at::Tensor pooled;                      // last_hidden_state at the first EOS, (B, D)
  at::Tensor text_embeds;                 // text_projection(pooled), with projection only
  std::vector<at::Tensor> hidden_states;  // embeddings + every layer's output, no final LN
};

class ClipTextModel : public Module {
 public:
  explicit ClipTextModel(ClipTextConfig config);
  const ClipTextConfig& config() const { return config_; }

  // ids: (B, L) int64. `keep_hidden_states` fills hidden_states (costs memory).
  ClipTextOutput forward(const at::Tensor& ids, bool keep_hidden_states = false) const;

  // What SD 1.x/2.x feed the UNet: last_hidden_state, or with clip_skip = k the output of
  // the k-th layer from the end with final_layer_norm applied (diffusers encode_prompt).
  at::Tensor encode(const at::Tensor& ids, int clip_skip = 0) const;

  at::Tensor final_layer_norm(const at::Tensor& x) const { return final_layer_norm_->forward(x); }

 private:
  ClipTextConfig config_;
  Embedding* token_embedding_;
  Embedding* position_embedding_;
  ModuleList<ClipEncoderLayer>* layers_;
  LayerNorm* final_layer_norm_;
  Linear* text_projection_ = nullptr;
};

}  // namespace steer
