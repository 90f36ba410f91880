#pragma once
// Fresh weights for a module tree built from a config (a model trained from scratch, e.g. the
// demo world's base model): every declared parameter is allocated with its architecture shape
// and filled as PyTorch's layer constructors do —
//   Linear / Conv2d weight: kaiming_uniform(a = √5) = U(−1/√fan_in, 1/√fan_in); bias: U(±1/√fan_in)
//   GroupNorm / LayerNorm: weight 1, bias 0
//   Embedding: N(0, σ²) with σ = embedding_std (transformers' CLIP uses 0.02; torch's default is 1)
// drawn in registration order from one CPU generator seeded with `seed`, so the same seed
// gives the same weights on every machine.
#include <ATen/core/Tensor.h>

#include <cstdint>

namespace steer {

class Module;

struct WeightInitialization {
  uint64_t seed = 0;
  double embedding_std = 0.02;
  at::ScalarType dtype = at::kFloat;
  at::Device device = at::kCPU;
};

// Throws std::logic_error when a parameter belongs to a layer type it does not know.
void initialize_weights(Module& root, const WeightInitialization& init);

}  // namespace steer
