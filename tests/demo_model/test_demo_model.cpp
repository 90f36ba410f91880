// The demo world's model (issue 6): the architecture writes a folder the engine loads, fresh
// weights follow PyTorch's initialisers, `steer train-base`'s stages run and resume at toy
// size, and the trained model in resources/demo-model draws what simple prompts ask for and
// learns the demo subject from its five photos (scored by the procedural scorers).
#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/demo/demo_subject.h"
#include "core/demo/toy_scorers.h"
#include "core/demo/toy_world.h"
#include "core/demo_model/base_model_training.h"
#include "core/demo_model/demo_architecture.h"
#include "core/generation/generation_job.h"
#include "core/imageio/image_file.h"
#include "core/models/layers.h"
#include "core/models/weight_initialization.h"
#include "core/pipeline/stable_diffusion_model.h"
#include "core/training/training_run.h"
#include "tests/support/temp_folder.h"
#include "tests/support/test_harness.h"

using namespace steer;
using namespace steer::testing;
namespace fs = std::filesystem;

namespace {

fs::path demo_model_folder() {
  const char* src = std::getenv("STEER_SOURCE_DIR");
  return fs::path(src ? src : ".") / "resources" / "demo-model";
}

std::unique_ptr<StableDiffusionModel> load_demo() {
  const fs::path folder = demo_model_folder();
  REQUIRE(fs::exists(folder / "model_index.json"));
  return StableDiffusionModel::load(folder);
}

GenerationRequest demo_request(const std::string& prompt, int64_t seed) {
  GenerationRequest r;
  r.prompt = prompt;
  r.seed = seed;
  r.width = r.height = demo::kDemoImageSize;
  r.steps = 25;
  r.sampler = "euler";
  r.guidance.scale = 5.0;
  return r;
}

const std::vector<std::string>& simple_prompts() {
  static const std::vector<std::string> p = {
      "a large red circle in the center on a blue background",
      "a large yellow square at the top left on a purple background",
      "a small white triangle at the bottom right on a striped green background",
      "a large blue ring in the center on a orange background",
  };
  return p;
}

}  // namespace

TEST_CASE("fresh weights follow PyTorch's initialisers") {
  Linear linear(100, 10);
  GroupNorm norm(4, 16, 1e-5);
  Embedding embedding(1000, 64);
  Module root;
  WeightInitialization init;
  init.seed = 3;
  initialize_weights(linear, init);
  initialize_weights(norm, init);
  initialize_weights(embedding, init);
  CHECK(linear.weight.sizes() == at::IntArrayRef({10, 100}));
  CHECK(linear.weight.abs().max().item<double>() <= 0.1);  // 1/sqrt(fan_in)
  const double std = linear.weight.std().item<double>();
  CHECK_MSG(std::abs(std - 0.1 / std::sqrt(3.0)) < 0.006, "std " << std);
  CHECK(linear.bias.abs().max().item<double>() <= 0.1);
  CHECK(at::equal(norm.weight, at::ones({16})) && at::equal(norm.bias, at::zeros({16})));
  CHECK_MSG(std::abs(embedding.weight.std().item<double>() - 0.02) < 0.001, "embedding std");
  Linear again(100, 10);
  initialize_weights(again, init);
  CHECK(at::equal(again.weight, linear.weight));  // same seed, same weights
}

TEST_CASE("an untrained demo model is a diffusers folder the engine loads, with the toy vocabulary") {
  TempFolder tmp;
  demo::write_untrained_demo_model(tmp.path() / "m", 5);
  auto model = StableDiffusionModel::load(tmp.path() / "m");
  CHECK(model->unet().parameter_count() > 1'000'000 && model->unet().parameter_count() < 5'000'000);
  CHECK_EQ(model->tokenizer().max_length(), demo::kDemoTextPositions);
  // Every word of a toy caption is one token: <start> + words + <end>, then padding.
  const auto ids = model->tokenizer().encode_padded("a small red circle at the top left on a striped blue background");
  CHECK_EQ(ids.size(), size_t(demo::kDemoTextPositions));
  // 13 words: ids[1..13] are the words, ids[14] is <end> and ids[15] the first pad (<end> too).
  CHECK(ids[13] != ids[14] && ids[14] == ids[15]);
  at::NoGradGuard no_grad;
  CHECK(model->encode_prompt("a red circle").size(1) == demo::kDemoTextPositions);
  GenerationSession session(*model);
  GenerationRequest r = demo_request("a red circle", 1);
  r.steps = 2;
  CHECK(session.generate(r).image.width == demo::kDemoImageSize);
}

TEST_CASE("train-base's stages run at toy size, write an fp16 folder with its recipe, and are not redone") {
  TempFolder tmp;
  demo::BaseModelRecipe r;
  r.work = tmp.path() / "work";
  r.output = tmp.path() / "model";
  r.images = 24;
  r.vae_steps = 2;
  r.vae_batch = 4;
  r.unet_steps = 2;
  r.batch = 4;
  r.command_line = "test";
  CHECK(demo::train_demo_base_model(r) == r.output);
  auto model = StableDiffusionModel::load(r.output);
  CHECK(fs::exists(r.output / "recipe.json"));
  CHECK(fs::exists(r.output / "vae-trained.json"));
  const auto stamp = fs::last_write_time(r.work / "vae" / "vae-trained.json");
  r.unet_steps = 3;  // one more step: stages 1-3 are reused, stage 4 resumes
  int steps = 0;
  demo::train_demo_base_model(r, [&](const std::string& stage, const TrainingEvent& e) {
    steps += stage == "unet" && e.kind == TrainingEvent::Kind::Step;
  });
  CHECK_EQ(steps, 1);
  CHECK(fs::last_write_time(r.work / "vae" / "vae-trained.json") == stamp);
}

TEST_CASE("train-base is reproducible: the same recipe gives the same bytes") {
  TempFolder tmp;
  auto build = [&](const std::string& name) {
    demo::BaseModelRecipe r;
    r.work = tmp.path() / (name + "-work");
    r.output = tmp.path() / name;
    r.images = 16;
    r.vae_steps = 2;
    r.vae_batch = 4;
    r.unet_steps = 2;
    r.batch = 4;
    r.command_line = "test";
    return demo::train_demo_base_model(r);
  };
  const fs::path a = build("a"), b = build("b");
  for (const char* file : {"unet/diffusion_pytorch_model.safetensors", "vae/diffusion_pytorch_model.safetensors",
                           "text_encoder/model.safetensors", "tokenizer/vocab.json"}) {
    std::ifstream fa(a / file, std::ios::binary), fb(b / file, std::ios::binary);
    const std::string da((std::istreambuf_iterator<char>(fa)), {}), db((std::istreambuf_iterator<char>(fb)), {});
    CHECK_MSG(!da.empty() && da == db, file << " differs between two runs of the same recipe");
  }
}

TEST_CASE("the demo model draws what a simple prompt asks for (text fidelity)") {
  // Each image is scored against its own prompt and against the other prompts: the first
  // must be high in absolute terms and well above the second (what chance agreement gives
  // for these scenes, e.g. a purple background read as blue half the time).
  auto model = load_demo();
  GenerationSession session(*model);
  const auto& prompts = simple_prompts();
  double own = 0, other = 0;
  int n_own = 0, n_other = 0;
  for (size_t i = 0; i < prompts.size(); ++i)
    for (int64_t seed : {1, 2}) {
      ImageRGBA8 image = session.generate(demo_request(prompts[i], seed)).image;
      const demo::TextFidelity t = demo::text_fidelity(image, prompts[i]);
      std::cout << "  " << prompts[i] << " (seed " << seed << "): " << t.score;
      for (const auto& m : t.misses) std::cout << "; " << m;
      std::cout << "\n";
      own += t.score;
      ++n_own;
      for (size_t j = 0; j < prompts.size(); ++j)
        if (j != i) {
          other += demo::text_fidelity(image, prompts[j]).score;
          ++n_other;
        }
    }
  own /= n_own;
  other /= n_other;
  std::cout << "  mean text fidelity: own prompt " << own << ", other prompts " << other << "\n";
  CHECK_MSG(own >= 0.6, "the demo model's mean text fidelity is " << own << " (threshold 0.6)");
  CHECK_MSG(own >= other + 0.25, "own-prompt fidelity " << own << " is not well above other prompts' " << other);
}

TEST_CASE("a LoRA trained on the demo subject raises subject fidelity over the base model") {
  TempFolder tmp;
  const fs::path photos = tmp.path() / "photos";
  fs::create_directories(photos);
  int i = 0;
  for (const auto& photo : demo::render_subject_photos(demo::kDemoImageSize))
    write_image(photos / ("emblem-" + std::to_string(i++) + ".png"), photo.image);
  TrainingSettings s;
  s.base_model = demo_model_folder();
  s.dataset = photos;
  s.instance_prompt = std::string(demo::kSubjectInstanceCaption);
  s.output = tmp.path() / "lora";
  s.resolution = demo::kDemoImageSize;
  s.rank = 8;
  s.alpha = 8;
  s.max_steps = 200;
  s.batch_size = 4;
  s.learning_rate = 2e-3;
  s.checkpoint_every = 0;
  s.seed = 1;
  const TrainingOutcome outcome = run_training(s);
  REQUIRE(outcome.finished);

  auto model = load_demo();
  GenerationSession session(*model);
  auto mean_subject = [&] {
    double total = 0;
    int n = 0;
    for (const char* prompt : {"a photo of sks emblem", "a photo of sks emblem in the center on a blue background"})
      for (int64_t seed = 1; seed <= 6; ++seed) {
        total += demo::subject_fidelity(session.generate(demo_request(prompt, seed)).image).score;
        ++n;
      }
    return total / n;
  };
  const double base = mean_subject();
  SubjectSpec subject;
  subject.kind = SubjectSpec::Kind::Lora;
  subject.path = outcome.result;
  session.set_subject(subject);
  const double tuned = mean_subject();
  std::cout << "  mean subject fidelity over 12 images: base model " << base << ", with the LoRA " << tuned << "\n";
  // Measured with the shipped model (2500 UNet steps): 0.09 -> 0.19. The subject is still far
  // from the photos' 0.9: the demo VAE renders the emblem's teal and magenta as green and
  // purple, and 200 LoRA steps on a 3 M-parameter UNet learn the dots more than the split
  // disc. The margin is half the measured rise.
  CHECK_MSG(tuned >= base + 0.05, "the LoRA raised subject fidelity only from " << base << " to " << tuned);
}

STEER_TEST_MAIN()
