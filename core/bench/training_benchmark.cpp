// steer bench --train-lora (core/bench/benchmark_runner.h).
#include "core/bench/benchmark_runner.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <iostream>

#include <vector>
#include "core/common/error.h"

#include "core/models/activation_checkpointing.h"
#include "core/pipeline/stable_diffusion_model.h"
#include "core/sampling/noise_schedule.h"
#include "core/training/lora_initialization.h"
#include "core/training/lora_training_step.h"

namespace steer {

namespace {
double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // Linux reports KiB
}
}  // namespace

void bench_lora_training(const BenchmarkOptions& o, const LoadOptions& load, std::ostream& out) {
  if (o.model.empty()) throw InputError("--train-lora needs --model");
  auto model = StableDiffusionModel::load(o.model, load);
  const at::Device dev = load.device;

  LoraFile init = training::initial_lora(*model, {}, o.rank, o.rank, 0);
  training::TrainableLora lora(*model, init);
  training::AdamW optimizer(lora.parameters(), training::AdamWOptions{1e-4, 0.9, 0.999, 1e-2, 1e-8});
  at::Tensor ac = training::alphas_cumprod_tensor(NoiseSchedule::from_config(model->scheduler_config()), dev);

  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(0);
  training::TrainingBatch batch;
  batch.latents = at::randn({o.batch, 4, o.latent, o.latent}, gen, at::kFloat).to(dev);
  {
    at::NoGradGuard no_grad;
    batch.encoder_hidden_states = model->encode_prompt("a photo of sks dog").expand({o.batch, -1, -1}).contiguous();
  }
  auto sync = [&] {
    if (dev.is_cuda()) at::ones({1}, at::TensorOptions().device(dev)).cpu();  // waits for the stream
  };
  std::vector<double> times;
  double loss = 0;
  for (int i = 0; i < o.steps + 1; ++i) {  // the first step is a warm-up
    batch.noise = at::randn(batch.latents.sizes(), gen, at::kFloat).to(dev);
    batch.timesteps = at::randint(0, ac.size(0), {o.batch}, gen, at::kLong).to(dev);
    const auto t0 = std::chrono::steady_clock::now();
    {
      ScopedActivationCheckpointing checkpointing(o.gradient_checkpointing);
      c10::AutoGradMode grad(true);
      optimizer.zero_grad();
      lora.before_forward();
      at::Tensor l = training::training_loss(*model, ac, batch, training::TrainingObjective{}).loss;
      l.backward();
      training::clip_gradient_norm(lora.parameters(), 1.0);
      optimizer.step();
      loss = l.item<double>();
    }
    sync();
    if (i > 0) times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(times.begin(), times.end());
  const double median = times[times.size() / 2];
  out << "steer bench --train-lora: " << o.model << ", " << o.device << " " << o.dtype << ", " << at::get_num_threads()
      << " threads, batch " << o.batch << ", latent " << o.latent << "x" << o.latent << ", rank " << o.rank
      << (o.gradient_checkpointing ? ", gradient checkpointing" : "") << "\n"
      << "  LoRA step " << median << " ms (median of " << times.size() << "), peak RSS " << peak_rss_mb() << " MB\n";
  out << "BENCH_JSON {\"lora_step_ms\": " << median << ", \"peak_rss_mb\": " << peak_rss_mb() << ", \"loss\": " << loss
      << ", \"trainable\": " << init.unet.size() << "}\n";
}

}  // namespace steer
