#include "core/training/run/micro_batch.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

namespace steer::training {

namespace {

uint64_t mix(uint64_t a, uint64_t b) {  // splitmix64 of a combined with b
  uint64_t z = a + 0x9E3779B97F4A7C15ull * (b + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// The example at position `index` of the stream: epoch permutations seeded per epoch.
size_t example_at(uint64_t seed, uint64_t salt, int64_t index, size_t count) {
  const int64_t n = static_cast<int64_t>(count);
  const int64_t epoch = index / n, pos = index % n;
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(mix(mix(seed, salt), static_cast<uint64_t>(epoch)));
  at::Tensor perm = at::randperm(n, gen, at::TensorOptions().dtype(at::kLong));
  return static_cast<size_t>(perm[pos].item<int64_t>());
}

constexpr uint64_t kInstanceSalt = 0x1157A9CE, kClassSalt = 0xC1A55, kStepSalt = 0x57E9;

}  // namespace

MicroBatchDraw draw_micro_batch(const MicroBatchSpec& spec, const std::vector<EncodedExample>& instances,
                                const std::vector<EncodedExample>& classes) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(
      mix(mix(mix(spec.seed, kStepSalt), static_cast<uint64_t>(spec.step)), static_cast<uint64_t>(spec.micro)));
  MicroBatchDraw d;
  const int64_t first = (static_cast<int64_t>(spec.step) * spec.micro_batches_per_step + spec.micro) * spec.batch_size;
  for (int j = 0; j < spec.batch_size; ++j) {
    d.instances.push_back(example_at(spec.seed, kInstanceSalt, first + j, instances.size()));
    if (spec.paired_classes) d.classes.push_back(example_at(spec.seed, kClassSalt, first + j, classes.size()));
  }
  std::vector<at::Tensor> z;
  auto sample = [&](const EncodedExample& e) {
    const bool flip = spec.flips && at::rand({1}, gen).item<double>() < 0.5;
    const at::Tensor& mean = flip ? e.mean_flipped : e.mean;
    const at::Tensor& std = flip ? e.std_flipped : e.std;
    at::Tensor eps = at::randn(mean.sizes(), gen, at::TensorOptions().dtype(at::kFloat));
    z.push_back((mean.cpu() + std.cpu() * eps) * spec.scaling_factor);
  };
  for (size_t i : d.instances) sample(instances[i]);
  for (size_t i : d.classes) sample(classes[i]);
  d.latents = at::stack(z);
  d.noise = at::randn(d.latents.sizes(), gen, at::TensorOptions().dtype(at::kFloat));
  if (spec.noise_offset > 0)
    d.noise = d.noise + spec.noise_offset *
                            at::randn({d.latents.size(0), d.latents.size(1), 1, 1}, gen, at::TensorOptions().dtype(at::kFloat));
  d.timesteps = at::randint(0, spec.train_timesteps, {d.latents.size(0)}, gen, at::TensorOptions().dtype(at::kLong));
  d.drop_caption.assign(d.instances.size(), false);
  if (spec.caption_dropout > 0) {  // drawn last, so runs without dropout keep their stream
    at::Tensor u = at::rand({static_cast<int64_t>(d.instances.size())}, gen, at::TensorOptions().dtype(at::kDouble));
    for (size_t i = 0; i < d.instances.size(); ++i)
      d.drop_caption[i] = u[static_cast<int64_t>(i)].item<double>() < spec.caption_dropout;
  }
  return d;
}

}  // namespace steer::training
