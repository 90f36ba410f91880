#pragma once
// The learning rate at each optimizer step, as diffusers' get_scheduler (optimization.py)
// computes it with torch's LambdaLR: lr(k) = base · f(k) for the k-th step (0-based), where
//   constant:              f = 1                          (warmup ignored, as in diffusers)
//   constant-with-warmup:  f = k / max(1, W) for k < W, else 1
//   cosine:                f = k / max(1, W) for k < W,
//                          else max(0, ½(1 + cos(π · p))),  p = (k − W) / max(1, N − W)
//   linear:                f = k / max(1, W) for k < W, else max(0, (N − k) / max(1, N − W))
// with W warmup steps and N total steps. A pure function of k: a resumed run needs no state.
#include "core/training/training_settings.h"

namespace steer::training {

double learning_rate_factor(LearningRateSchedule schedule, int step, int warmup_steps, int total_steps);

}  // namespace steer::training
