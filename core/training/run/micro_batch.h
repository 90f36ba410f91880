#pragma once
// Which examples, noise, timesteps and flips a micro-batch gets. Every draw comes from a CPU
// generator seeded with (seed, step, micro-batch), and the data order from a permutation per
// epoch seeded with (seed, epoch): a step's batch is a pure function of its number, which is
// what makes a resumed run continue exactly where an uninterrupted one would be.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "core/training/run/training_data.h"

namespace steer::training {

struct MicroBatchDraw {
  std::vector<size_t> instances, classes;  // example indices
  at::Tensor latents;                      // z0 × scaling_factor, [n, 4, h, w] fp32 CPU
  at::Tensor noise;                        // ε (with offset noise when asked), [n, 4, h, w]
  at::Tensor timesteps;                    // int64 [n]
  std::vector<bool> drop_caption;          // per instance: train on the empty caption
};

struct MicroBatchSpec {
  uint64_t seed = 0;
  int step = 0, micro = 0, micro_batches_per_step = 1, batch_size = 1;
  bool flips = false;
  double noise_offset = 0;
  double scaling_factor = 0.18215;
  int64_t train_timesteps = 1000;
  bool paired_classes = false;  // class-image prior preservation: one class example per instance
  double caption_dropout = 0;
};

MicroBatchDraw draw_micro_batch(const MicroBatchSpec& spec, const std::vector<EncodedExample>& instances,
                                const std::vector<EncodedExample>& classes);

}  // namespace steer::training
