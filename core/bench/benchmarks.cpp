// The benchmarks `steer bench` runs (docs/benchmarks.md): a generation step's three pieces
// on fixed inputs, whole guided steps, a random-weight UNet from a config, and LoRA training
// steps (training_benchmark.cpp). tests/bench/bench_vs_diffusers.py runs them beside diffusers
// on the same model, inputs and thread count.
#include "core/bench/benchmark_runner.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/generation/generation_job.h"
#include "core/generation/latent_preview.h"
#include "core/io/diffusers_folder.h"
#include "core/models/lora_branch.h"
#include "core/pipeline/stable_diffusion_model.h"
#include "core/sampling/noise_schedule.h"
#include "core/sampling/sampler.h"

namespace steer {
namespace fs = std::filesystem;
namespace {

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

// The UNet of a config with random weights: its speed does not depend on the values.
void bench_random_unet(const BenchmarkOptions& o, const LoadOptions& load, const std::function<void()>& sync, std::ostream& out) {
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
  if (o.guided) {
    // A guided step's UNet work with and without PG's per-sample LoRA scales: batch 2
    // ([∅, c]) with a random rank-4 LoRA on every attention projection. The GPU script
    // uses this where no model folder exists.
    int attached = 0;
    for (const auto& [name, module] : unet.named_modules()) {
      auto* linear = dynamic_cast<Linear*>(module);
      const bool attention = name.size() > 5 && (name.ends_with("to_q") || name.ends_with("to_k") || name.ends_with("to_v") ||
                                                 name.ends_with("to_out.0"));
      if (!linear || !attention) continue;
      auto branch = std::make_shared<LoraBranch>();
      branch->down = (at::randn({4, linear->in_features}, gen) * 0.02).to(opts);
      branch->up = (at::randn({linear->out_features, 4}, gen) * 0.02).to(opts);
      branch->scale = 1.0;
      linear->loras.push_back(branch);
      ++attached;
    }
    auto step = [&](std::initializer_list<double> scales) {
      ScopedLoraSampleScales s(at::tensor(std::vector<double>(scales)).to(load.device, at::kFloat));
      at::Tensor out = unet.forward(latents, timesteps, cond);
      auto parts = out.chunk(2);
      (void)(parts[0] + 5.0 * (parts[1] - parts[0]));
    };
    if (o.batch != 2) throw InputError("--guided times batch-2 guided steps; leave --batch at 2");
    const double cfg = median_ms(
        o.repeats,
        [&] {
          step({1.0, 1.0});
        },
        sync);
    const double pg = median_ms(
        o.repeats,
        [&] {
          step({0.5, 1.0});
        },
        sync);
    out << "steer bench: guided UNet steps, " << path.string() << " + random rank-4 LoRA on " << attached
        << " attention projections, " << o.device << " " << o.dtype << ", latent " << o.latent << "x" << o.latent << "\n"
        << "  CFG step " << cfg << " ms (" << 1000.0 / cfg << " it/s)\n"
        << "  PG step  " << pg << " ms (" << 1000.0 / pg << " it/s), PG / CFG " << pg / cfg << "\n"
        << "BENCH_JSON {\"cfg_step_ms\": " << cfg << ", \"pg_step_ms\": " << pg << ", \"latent\": " << o.latent
        << ", \"dtype\": \"" << o.dtype << "\", \"device\": \"" << o.device << "\"}\n";
    return;
  }
  const double ms = median_ms(
      o.repeats, [&] { (void)unet.forward(latents, timesteps, cond); }, sync);
  out << "steer bench: UNet of " << path.string() << " (" << unet.parameter_count() << " parameters, random weights) on "
      << o.device << " " << o.dtype << ", latent " << o.latent << "x" << o.latent << ", batch " << o.batch << "\n"
      << "  unet forward " << ms << " ms (" << 1000.0 / ms << " it/s)\n"
      << "BENCH_JSON {\"unet_forward_ms\": " << ms << ", \"batch\": " << o.batch << ", \"latent\": " << o.latent
      << ", \"dtype\": \"" << o.dtype << "\", \"device\": \"" << o.device << "\"}\n";
}

// Median time per step of a guided run, measured from the step events (which include
// the live preview), after one warm-up run.
double median_step_ms(GenerationSession& session, const GenerationRequest& request) {
  (void)session.generate(request);  // warm-up: allocator, kernel selection, prompt cache
  std::vector<double> elapsed;
  session.generate(request, [&](const StepEvent& e) { elapsed.push_back(e.elapsed_seconds); });
  std::vector<double> steps;
  for (size_t i = 1; i < elapsed.size(); ++i) steps.push_back((elapsed[i] - elapsed[i - 1]) * 1000.0);
  std::sort(steps.begin(), steps.end());
  return steps[steps.size() / 2];
}

// Guided steps as users run them. The baseline is CFG with the LoRA merged into the weights
// (what every tool does for a LoRA at one strength); PG cannot merge (its passes use two LoRA
// weights) and runs one batch-2 call with per-sample scales. A fully fine-tuned subject runs
// PG as two calls (θ_ft and θ_ω are two networks); with a constant ω θ_ω is built once, with
// a schedule it is rebuilt whenever ω changes (every step).
void bench_guided_steps(const BenchmarkOptions& o, const LoadOptions& load, std::ostream& out) {
  auto model = StableDiffusionModel::load(o.model, load);
  GenerationSession session(*model);
  GenerationRequest request;
  request.prompt = "a photo of sks mug on a wooden table, soft light";
  request.seed = 1234;
  request.width = request.height = static_cast<int>(o.latent * 8);
  request.steps = o.steps;
  request.sampler = "euler";
  request.guidance.scale = 5.0;
  GenerationRequest pg = request;
  pg.guidance.method = GuidanceMethod::Personalization;
  pg.guidance.omega = OmegaSchedule::constant(0.5);
  GenerationRequest pg_scheduled = pg;
  pg_scheduled.guidance.omega = OmegaSchedule::parse("linear:0.2->0.8");

  std::vector<std::pair<std::string, double>> rows;  // (what, ms per step)
  auto time = [&](const std::string& what, const GenerationRequest& r) {
    rows.emplace_back(what, median_step_ms(session, r));
    return rows.back().second;
  };
  const double plain_cfg = time("cfg_no_subject", request);
  double baseline = plain_cfg;
  if (!o.lora.empty()) {
    SubjectSpec subject;
    subject.kind = SubjectSpec::Kind::Lora;
    subject.path = o.lora;
    session.set_subject(subject);
    baseline = time("cfg_lora_merged", request);
    GenerationRequest unmerged = request;
    unmerged.merge_lora = false;
    time("cfg_lora_unmerged", unmerged);
    time("pg_lora", pg);
    time("pg_lora_scheduled", pg_scheduled);
  }
  if (!o.finetuned.empty()) {
    SubjectSpec subject;
    subject.kind = SubjectSpec::Kind::FineTuned;
    subject.path = o.finetuned;
    session.set_subject(subject);
    time("cfg_finetuned", request);
    time("pg_finetuned", pg);
    time("pg_finetuned_scheduled", pg_scheduled);
  }
  // The preview's cost: the x0 estimate and the latent->RGB projection, timed on their own.
  at::Tensor latent = at::randn({1, model->unet().config().in_channels, o.latent, o.latent}).to(load.device, load.dtype);
  auto sampler = make_sampler(SamplerSettings{}, NoiseSchedule::from_config(model->scheduler_config()), o.steps);
  const int reps = 50;
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < reps; ++i) (void)project_latent_to_rgb(sampler->denoised(latent, 1, latent));
  const double preview_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / reps;

  out << "steer bench --guided: " << o.model << (o.lora.empty() ? "" : " + " + o.lora)
      << (o.finetuned.empty() ? "" : " + fine-tuned " + o.finetuned) << ", " << o.device << " " << o.dtype << ", "
      << at::get_num_threads() << " threads, latent " << o.latent << "x" << o.latent << "; ms per step, and the ratio to "
      << (o.lora.empty() ? "CFG without a subject" : "CFG with the LoRA merged") << "\n";
  for (const auto& [what, ms] : rows) out << "  " << what << " " << ms << " ms (x" << ms / baseline << ")\n";
  out << "  preview " << preview_ms << " ms (" << 100.0 * preview_ms / baseline << " % of a step)\n";
  out << "BENCH_JSON {";
  for (const auto& [what, ms] : rows) out << "\"" << what << "_ms\": " << ms << ", ";
  // The names earlier scripts read: cfg_step_ms is the users' baseline, pg_step_ms PG with the LoRA.
  double pg_ms = 0;
  for (const auto& [what, ms] : rows)
    if (what == "pg_lora") pg_ms = ms;
  out << "\"cfg_step_ms\": " << baseline << ", \"pg_step_ms\": " << pg_ms << ", \"preview_ms\": " << preview_ms
      << ", \"threads\": " << at::get_num_threads() << "}\n";
}

void bench_components(const BenchmarkOptions& o, const LoadOptions& load, const std::function<void()>& sync, std::ostream& out) {
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

  const double text_ms = median_ms(
      o.repeats, [&] { (void)model->text_encoder().encode(ids); }, sync);
  const double unet_ms = median_ms(
      o.repeats, [&] { (void)model->unet().forward(latents, timesteps, cond); }, sync);
  const double vae_ms = median_ms(
      o.repeats, [&] { (void)model->vae().decode(decode_in); }, sync);

  out << "steer bench: " << o.model << " on " << o.device << " " << o.dtype << ", " << at::get_num_threads()
      << " threads, latent " << o.latent << "x" << o.latent << "\n"
      << "  load                 " << load_ms << " ms\n"
      << "  text encode (batch " << o.batch << ") " << text_ms << " ms\n"
      << "  unet forward (batch " << o.batch << ") " << unet_ms << " ms\n"
      << "  vae decode (batch 1) " << vae_ms << " ms\n";
  // One machine-readable line for the side-by-side script.
  out << "BENCH_JSON {\"text_encode_ms\": " << text_ms << ", \"unet_forward_ms\": " << unet_ms
      << ", \"vae_decode_ms\": " << vae_ms << ", \"threads\": " << at::get_num_threads() << "}\n";
}

}  // namespace

BenchmarkReport run_benchmark(const BenchmarkOptions& o, const LoadOptions& load) {
  if (o.threads > 0) at::set_num_threads(o.threads);
  auto sync = [&] {
    if (load.device.is_cuda()) at::zeros({1}, at::TensorOptions().device(load.device)).cpu();  // waits for the stream
  };
  std::ostringstream out;
  if (!o.unet_config.empty())
    bench_random_unet(o, load, sync, out);
  else if (o.guided)
    bench_guided_steps(o, load, out);
  else if (o.train_lora)
    bench_lora_training(o, load, out);
  else
    bench_components(o, load, sync, out);
  return BenchmarkReport{out.str()};
}

}  // namespace steer
