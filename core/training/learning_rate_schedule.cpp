#include "core/training/learning_rate_schedule.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace steer::training {

double learning_rate_factor(LearningRateSchedule schedule, int step, int warmup_steps, int total_steps) {
  const double k = step, w = warmup_steps, n = total_steps;
  if (schedule == LearningRateSchedule::Constant) return 1.0;
  if (step < warmup_steps) return k / std::max(1.0, w);
  switch (schedule) {
    case LearningRateSchedule::ConstantWithWarmup:
      return 1.0;
    case LearningRateSchedule::Cosine: {
      const double progress = (k - w) / std::max(1.0, n - w);
      return std::max(0.0, 0.5 * (1.0 + std::cos(std::numbers::pi * progress)));
    }
    case LearningRateSchedule::Linear:
      return std::max(0.0, (n - k) / std::max(1.0, n - w));
    case LearningRateSchedule::Constant:
      break;
  }
  return 1.0;
}

}  // namespace steer::training
