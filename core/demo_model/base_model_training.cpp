#include "core/demo_model/base_model_training.h"

#include <ATen/ATen.h>
#include <unistd.h>

#include <algorithm>

#include "core/common/error.h"
#include "core/demo/toy_renderer.h"
#include "core/demo/toy_sampler.h"
#include "core/demo_model/demo_architecture.h"
#include "core/demo_model/vae_training.h"
#include "core/imageio/image_file.h"
#include "core/io/atomic_write.h"
#include "core/io/diffusers_folder.h"
#include "core/io/safetensors_file.h"
#include "core/io/safetensors_writer.h"
#include "core/training/run/model_folder_writer.h"

namespace fs = std::filesystem;

namespace steer::demo {

namespace {

void say(const BaseModelProgress& progress, const std::string& stage, const std::string& text, int done = 0, int total = 0) {
  if (!progress) return;
  TrainingEvent e;
  e.kind = TrainingEvent::Kind::Preparing;
  e.text = text;
  e.done = done;
  e.total = total;
  progress(stage, e);
}

json::Value dataset_manifest(const BaseModelRecipe& r) {
  json::Value m{json::Object{}};
  m.set("format", "steer-toy-dataset");
  m.set("seed", static_cast<int64_t>(r.seed));
  m.set("images", r.images);
  m.set("size", kDemoImageSize);
  return m;
}

void write_dataset(const BaseModelRecipe& r, const fs::path& folder, const BaseModelProgress& progress) {
  const fs::path manifest = folder / "manifest.json";
  if (fs::exists(manifest) && read_json_file(manifest).dump() == dataset_manifest(r).dump()) return;
  fs::remove_all(folder);
  fs::create_directories(folder);
  const ToySceneSampler sampler(r.seed + 1);  // subject_probability 0: the base never sees the subject
  for (int i = 0; i < r.images; ++i) {
    const ToyScene scene = sampler.scene(static_cast<uint64_t>(i));
    char name[32];
    std::snprintf(name, sizeof name, "scene-%05d", i);
    write_image(folder / (std::string(name) + ".png"), render_toy_scene(scene, kDemoImageSize));
    const std::string caption = scene.caption();
    write_file_atomically(folder / (std::string(name) + ".txt"), [&](std::ostream& out) { out << caption << "\n"; });
    if ((i + 1) % 256 == 0 || i + 1 == r.images) say(progress, "dataset", "toy scenes", i + 1, r.images);
  }
  write_file_atomically(manifest, [&](std::ostream& out) { out << dataset_manifest(r).dump(2) << "\n"; });
}

}  // namespace

void export_fp16_model(const fs::path& source, const fs::path& destination) {
  const fs::path staging =
      destination.parent_path() / ("." + destination.filename().string() + ".partial-" + std::to_string(::getpid()));
  std::error_code ec;
  fs::remove_all(staging, ec);
  for (const auto& f : fs::recursive_directory_iterator(source)) {
    const fs::path rel = fs::relative(f.path(), source);
    if (f.is_directory()) {
      fs::create_directories(staging / rel);
      continue;
    }
    fs::create_directories((staging / rel).parent_path());
    if (f.path().extension() != ".safetensors") {
      fs::copy_file(f.path(), staging / rel, fs::copy_options::overwrite_existing);
      continue;
    }
    auto file = SafetensorsFile::open(f.path());
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (const auto& info : file->header().tensors) {
      at::Tensor t = file->tensor(info);
      tensors.emplace_back(info.name, at::isFloatingType(t.scalar_type()) ? t.to(at::kHalf) : t);
    }
    write_safetensors(staging / rel, tensors, {{"format", "pt"}});
  }
  training::replace_folder(staging, destination);
}

fs::path train_demo_base_model(const BaseModelRecipe& r, const BaseModelProgress& progress, const TrainingControl& control) {
  fs::create_directories(r.work);
  const fs::path untrained = r.work / "untrained", with_vae = r.work / "vae", dataset = r.work / "dataset", run = r.work / "run";

  if (!fs::exists(untrained / "model_index.json")) {
    say(progress, "init", "initialising the demo model (seed " + std::to_string(r.seed) + ")");
    write_untrained_demo_model(untrained, r.seed);
  }
  if (!fs::exists(with_vae / "vae-trained.json")) {
    const fs::path staging = r.work / ".vae.partial";
    fs::remove_all(staging);
    fs::copy(untrained, staging, fs::copy_options::recursive);
    VaeTrainingOptions vo;
    vo.steps = r.vae_steps;
    vo.batch = r.vae_batch;
    vo.seed = r.seed + 2;
    vo.device = r.device;
    const VaeTrainingReport report = train_demo_vae(staging, vo, [&](int step, int steps, double loss) {
      if (step % 50 == 0 || step == steps) {
        TrainingEvent e;
        e.kind = TrainingEvent::Kind::Step;
        e.step = step;
        e.total_steps = steps;
        e.loss = loss;
        if (progress) progress("vae", e);
      }
    });
    json::Value done{json::Object{}};
    done.set("steps", r.vae_steps);
    done.set("final_loss", report.final_loss);
    done.set("held_out_reconstruction_mse", report.reconstruction_mse);
    done.set("scaling_factor", report.scaling_factor);
    write_file_atomically(staging / "vae-trained.json", [&](std::ostream& out) { out << done.dump(2) << "\n"; });
    training::replace_folder(staging, with_vae);
    say(progress, "vae",
        "VAE trained: held-out reconstruction MSE " + std::to_string(report.reconstruction_mse) + ", scaling factor " +
            std::to_string(report.scaling_factor));
  }
  write_dataset(r, dataset, progress);

  TrainingSettings s;
  s.method = TrainingMethod::DreamBooth;
  s.base_model = with_vae;
  s.dataset = dataset;
  s.output = run;
  s.output_name = "base";
  s.device = r.device;
  s.resolution = kDemoImageSize;
  s.minimum_images = 1;
  s.train_text_encoder = true;
  s.max_steps = r.unet_steps;
  s.batch_size = r.batch;
  s.learning_rate = r.learning_rate;
  s.lr_schedule = LearningRateSchedule::ConstantWithWarmup;
  s.warmup_steps = r.warmup_steps;
  s.caption_dropout = r.caption_dropout;
  s.checkpoint_every = 100;
  s.keep_checkpoints = 2;
  s.seed = r.seed + 3;
  const TrainingOutcome outcome = run_training(
      s,
      [&](const TrainingEvent& e) {
        if (progress) progress("unet", e);
      },
      control);
  if (!outcome.finished) return {};

  say(progress, "export", "writing " + r.output.string() + " in fp16");
  fs::create_directories(r.output.parent_path().empty() ? fs::path(".") : r.output.parent_path());
  const fs::path staging = r.work / ".export";
  fs::remove_all(staging);
  fs::copy(outcome.result, staging, fs::copy_options::recursive);
  fs::copy_file(with_vae / "vae-trained.json", staging / "vae-trained.json", fs::copy_options::overwrite_existing);
  json::Value recipe{json::Object{}};
  recipe.set("format", "steer-demo-model-recipe");
  recipe.set("command", r.command_line);
  recipe.set("seed", static_cast<int64_t>(r.seed));
  recipe.set("images", r.images);
  recipe.set("vae_steps", r.vae_steps);
  recipe.set("vae_batch", r.vae_batch);
  recipe.set("unet_steps", r.unet_steps);
  recipe.set("batch", r.batch);
  recipe.set("learning_rate", r.learning_rate);
  recipe.set("warmup_steps", r.warmup_steps);
  recipe.set("caption_dropout", r.caption_dropout);
  recipe.set("final_loss", outcome.final_loss);
  recipe.set("training_settings", s.to_json());
  write_file_atomically(staging / "recipe.json", [&](std::ostream& out) { out << recipe.dump(2) << "\n"; });
  export_fp16_model(staging, r.output);
  fs::remove_all(staging);
  return r.output;
}

}  // namespace steer::demo
