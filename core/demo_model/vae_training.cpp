#include "core/demo_model/vae_training.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/core/grad_mode.h>

#include <string>

#include "core/demo/toy_renderer.h"
#include "core/demo/toy_sampler.h"
#include "core/io/atomic_write.h"
#include "core/io/diffusers_folder.h"
#include "core/io/safetensors_writer.h"
#include "core/pipeline/stable_diffusion_model.h"
#include "core/training/lora_training_step.h"
#include "core/training/run/training_data.h"
#include "core/training/trainable_weights.h"

namespace fs = std::filesystem;

namespace steer::demo {

namespace {

// Scene `index` of the VAE's data stream: a toy scene, and on every third one a few dots of
// random colours and radii 1.5-4 px (detail at the scale of the subject's pattern).
at::Tensor vae_example(const ToySceneSampler& sampler, uint64_t index) {
  ImageRGBA8 im = render_toy_scene(sampler.scene(index), 64);
  if (index % 3 == 0) {
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(index * 7919 + 17);
    const int dots = 2 + static_cast<int>(at::randint(0, 6, {1}, gen).item<int64_t>());
    for (int d = 0; d < dots; ++d) {
      at::Tensor r = at::rand({6}, gen, at::kDouble);
      const double cx = r[0].item<double>() * im.width, cy = r[1].item<double>() * im.height;
      const double radius = 1.5 + 2.5 * r[2].item<double>();
      const uint8_t rgb[3] = {static_cast<uint8_t>(255 * r[3].item<double>()), static_cast<uint8_t>(255 * r[4].item<double>()),
                              static_cast<uint8_t>(255 * r[5].item<double>())};
      for (int y = 0; y < im.height; ++y)
        for (int x = 0; x < im.width; ++x)
          if ((x + 0.5 - cx) * (x + 0.5 - cx) + (y + 0.5 - cy) * (y + 0.5 - cy) <= radius * radius)
            for (int c = 0; c < 3; ++c) im.pixel(x, y)[c] = rgb[c];
    }
  }
  return training::image_to_tensor(im);
}

at::Tensor vae_batch(const ToySceneSampler& sampler, uint64_t first, int count) {
  std::vector<at::Tensor> images;
  for (int i = 0; i < count; ++i) images.push_back(vae_example(sampler, first + static_cast<uint64_t>(i)));
  return at::stack(images);
}

}  // namespace

VaeTrainingReport train_demo_vae(const fs::path& model_folder, const VaeTrainingOptions& o,
                                 const std::function<void(int, int, double)>& progress) {
  LoadOptions load;
  load.device = o.device == "cuda" ? at::Device(at::kCUDA) : at::Device(at::kCPU);
  auto vae = load_vae(model_folder / "vae", load);
  std::vector<at::Tensor*> slots;
  std::vector<at::Tensor> params;
  for (const auto& p : vae->named_parameters()) {
    p.tensor->set_requires_grad(true);
    slots.push_back(p.tensor);
    params.push_back(*p.tensor);
  }
  training::AdamW optimizer(params, training::AdamWOptions{o.learning_rate, 0.9, 0.999, 1e-2, 1e-8});
  ToySamplerOptions sampler_options;
  sampler_options.second_object_probability = 0.3;
  const ToySceneSampler sampler(o.seed, sampler_options);
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(o.seed + 101);

  VaeTrainingReport report;
  for (int step = 0; step < o.steps; ++step) {
    at::Tensor x = vae_batch(sampler, static_cast<uint64_t>(step) * o.batch, o.batch).to(load.device);
    c10::AutoGradMode grad(true);
    optimizer.zero_grad();
    LatentDistribution dist = vae->encode(x);
    at::Tensor eps = at::randn(dist.mean.sizes(), gen, at::kFloat).to(load.device);
    at::Tensor recon = vae->decode(dist.sample(eps));
    at::Tensor kl = 0.5 * (dist.mean.pow(2) + dist.logvar.exp() - 1 - dist.logvar).mean();
    at::Tensor loss = at::mse_loss(recon, x) + o.kl_weight * kl;
    loss.backward();
    training::clip_gradient_norm(params, 1.0);
    optimizer.step();
    report.final_loss = loss.item<double>();
    if (progress) progress(step + 1, o.steps, report.final_loss);
  }

  // Held-out scenes (far beyond the training indices): reconstruction and latent spread.
  at::NoGradGuard no_grad;
  for (at::Tensor* s : slots) s->set_requires_grad(false);
  at::Tensor held = vae_batch(sampler, 1ull << 40, 64).to(load.device);
  LatentDistribution dist = vae->encode(held);
  report.reconstruction_mse = at::mse_loss(vae->decode(dist.mean), held).item<double>();
  report.scaling_factor = 1.0 / dist.sample(at::randn(dist.mean.sizes(), gen, at::kFloat).to(load.device)).std().item<double>();

  std::vector<std::pair<std::string, at::Tensor>> tensors;
  for (const auto& p : vae->named_parameters()) tensors.emplace_back(p.name, p.tensor->detach().cpu());
  write_safetensors(model_folder / "vae" / "diffusion_pytorch_model.safetensors", tensors, {{"format", "pt"}});
  json::Value config = read_json_file(model_folder / "vae" / "config.json");
  config.set("scaling_factor", report.scaling_factor);
  write_file_atomically(model_folder / "vae" / "config.json", [&](std::ostream& out) { out << config.dump(2) << "\n"; });
  return report;
}

}  // namespace steer::demo
