// steer bench: times the three pieces of a generation step on fixed, reproducible inputs.
// tests/bench/bench_vs_diffusers.py runs it next to diffusers on the same model, inputs
// and thread count, and prints the ratio.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "app/cli/commands.h"
#include "core/common/error.h"
#include "core/engine/stable_diffusion_model.h"
#include "core/io/diffusers_folder.h"

namespace steer::cli {
namespace fs = std::filesystem;
namespace {

struct BenchOptions {
  std::string model;
  int64_t latent = 16;
  int64_t batch = 2;
  int threads = 0;
  int repeats = 3;
  std::string device = "cpu";
  std::string dtype = "fp32";
  std::string unet_config;  // time a UNet built from this config with random weights
};

double median_ms(int repeats, const std::function<void()>& fn, const std::function<void()>& sync) {
  fn();  // warm-up: allocator, kernel selection, lazy initialisation
  sync();
  std::vector<double> times;
  for (int i = 0; i < repeats; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    fn();
    sync();
    times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

void usage() {
  std::cerr << "usage: steer bench --model <folder> [--latent N (16)] [--batch N (2)] [--threads N] [--repeats N (3)]\n"
               "                   [--device cpu|cuda] [--dtype fp32|fp16|bf16]\n"
               "       steer bench --unet-config <unet config.json> [same options]\n"
               "                   times only the UNet, built from the config with random weights\n"
               "                   (for machines that have no model weights, e.g. the GPU test machine)\n";
}

// The UNet of a config with random weights: its speed does not depend on the values.
template <class Sync>
int bench_random_unet(const BenchOptions& o, const LoadOptions& load, const Sync& sync) {
  const fs::path path = o.unet_config;
  UNetConfig config = UNetConfig::parse(read_json_file(path), path.string());
  UNet2DConditionModel unet(config);
  at::Generator gen = at::detail::createCPUGenerator(1234);
  for (const auto& p : unet.named_parameters()) *p.tensor = (at::randn(p.expected_shape, gen) * 0.02).to(load.device, load.dtype);
  c10::InferenceMode inference;
  auto opts = at::TensorOptions().dtype(load.dtype).device(load.device);
  at::Tensor latents = at::randn({o.batch, config.in_channels, o.latent, o.latent}, gen).to(opts);
  at::Tensor timesteps = at::full({o.batch}, 500.0, at::TensorOptions().dtype(at::kFloat)).to(load.device);
  UNetConditioning cond;
  cond.encoder_hidden_states = at::randn({o.batch, 77, config.cross_attention_dim[0]}, gen).to(opts);
  const double ms = median_ms(o.repeats, [&] { (void)unet.forward(latents, timesteps, cond); }, sync);
  std::cout << "steer bench: UNet of " << path.string() << " (" << unet.parameter_count() << " parameters, random weights) on "
            << o.device << " " << o.dtype << ", latent " << o.latent << "x" << o.latent << ", batch " << o.batch << "\n"
            << "  unet forward " << ms << " ms (" << 1000.0 / ms << " it/s)\n"
            << "BENCH_JSON {\"unet_forward_ms\": " << ms << ", \"batch\": " << o.batch << ", \"latent\": " << o.latent
            << ", \"dtype\": \"" << o.dtype << "\", \"device\": \"" << o.device << "\"}\n";
  return 0;
}

}  // namespace

int run_bench(int argc, char** argv) {
  BenchOptions o;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw InputError("option " + a + " needs a value");
      return argv[++i];
    };
    if (a == "--model") o.model = value();
    else if (a == "--latent") o.latent = std::stoll(value());
    else if (a == "--batch") o.batch = std::stoll(value());
    else if (a == "--threads") o.threads = std::stoi(value());
    else if (a == "--repeats") o.repeats = std::max(1, std::stoi(value()));
    else if (a == "--device") o.device = value();
    else if (a == "--dtype") o.dtype = value();
    else if (a == "--unet-config") o.unet_config = value();
    else if (a == "--help" || a == "-h") { usage(); return 0; }
    else { usage(); return 2; }
  }
  if (o.model.empty() == o.unet_config.empty()) { usage(); return 2; }
  if (o.latent <= 0 || o.latent % 8 != 0) throw InputError("--latent " + std::to_string(o.latent) + " must be a positive multiple of 8");
  if (o.threads > 0) at::set_num_threads(o.threads);

  LoadOptions load;
  if (o.device == "cuda") load.device = at::Device(at::kCUDA);
  else if (o.device != "cpu") throw InputError("--device must be cpu or cuda, not " + o.device);
  if (o.dtype == "fp16") load.dtype = at::kHalf;
  else if (o.dtype == "bf16") load.dtype = at::kBFloat16;
  else if (o.dtype != "fp32") throw InputError("--dtype must be fp32, fp16 or bf16, not " + o.dtype);

  auto sync = [&] {
    if (load.device.is_cuda()) at::zeros({1}, at::TensorOptions().device(load.device)).cpu();  // waits for the stream
  };
  if (!o.unet_config.empty()) return bench_random_unet(o, load, sync);

  auto t0 = std::chrono::steady_clock::now();
  auto model = StableDiffusionModel::load(o.model, load);
  const double load_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  c10::InferenceMode inference;

  const auto& unet_config = model->unet().config();
  at::Generator gen = at::detail::createCPUGenerator(1234);
  auto opts = at::TensorOptions().dtype(load.dtype).device(load.device);
  at::Tensor latents = at::randn({o.batch, unet_config.in_channels, o.latent, o.latent}, gen).to(opts);
  at::Tensor timesteps = at::full({o.batch}, 500.0, at::TensorOptions().dtype(at::kFloat)).to(load.device);

  std::vector<int64_t> ids_vec;
  for (int64_t b = 0; b < o.batch; ++b) {
    auto ids = model->tokenizer().encode_padded(b % 2 ? "" : "a photo of a red mug on a wooden table, soft light");
    ids_vec.insert(ids_vec.end(), ids.begin(), ids.end());
  }
  at::Tensor ids = at::tensor(ids_vec, at::TensorOptions().dtype(at::kLong)).view({o.batch, -1}).to(load.device);
  UNetConditioning cond;
  cond.encoder_hidden_states = model->text_encoder().encode(ids);
  at::Tensor decode_in = latents.slice(0, 0, 1);

  const double text_ms = median_ms(o.repeats, [&] { (void)model->text_encoder().encode(ids); }, sync);
  const double unet_ms = median_ms(o.repeats, [&] { (void)model->unet().forward(latents, timesteps, cond); }, sync);
  const double vae_ms = median_ms(o.repeats, [&] { (void)model->vae().decode(decode_in); }, sync);

  std::cout << "steer bench: " << o.model << " on " << o.device << " " << o.dtype << ", " << at::get_num_threads()
            << " threads, latent " << o.latent << "x" << o.latent << "\n"
            << "  load                 " << load_ms << " ms\n"
            << "  text encode (batch " << o.batch << ") " << text_ms << " ms\n"
            << "  unet forward (batch " << o.batch << ") " << unet_ms << " ms\n"
            << "  vae decode (batch 1) " << vae_ms << " ms\n";
  // One machine-readable line for the side-by-side script.
  std::cout << "BENCH_JSON {\"text_encode_ms\": " << text_ms << ", \"unet_forward_ms\": " << unet_ms << ", \"vae_decode_ms\": " << vae_ms
            << ", \"threads\": " << at::get_num_threads() << "}\n";
  return 0;
}

}  // namespace steer::cli
