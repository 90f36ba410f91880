// The training run (core/training/training_run.h) on the tiny SD 1.x fixture (64×64 pixels,
// 8×8 latents) with a 4-image subject drawn here: learning, exact resume, samples equal to
// `steer generate`, checkpoints (rolling, atomic under a failed write), DreamBooth, prior
// preservation both ways, text-encoder LoRA, mixed precision, gradient checkpointing, the
// out-of-memory report and refusals of bad settings.
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/core/grad_mode.h>
#include <c10/core/InferenceMode.h>
#include <sys/resource.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "core/generation/generation_job.h"
#include "core/imageio/image_file.h"
#include "core/lora/lora_file.h"
#include "core/models/activation_checkpointing.h"
#include "core/pipeline/stable_diffusion_model.h"
#include "core/sampling/noise_schedule.h"
#include "core/training/learning_rate_schedule.h"
#include "core/training/lora_initialization.h"
#include "core/training/lora_training_step.h"
#include "core/training/run/training_checkpoint.h"
#include "core/training/training_run.h"
#include "tests/parity/parity_support.h"
#include "tests/support/temp_folder.h"

using namespace steer;
using namespace steer::testing;
namespace fs = std::filesystem;

namespace {

fs::path tiny_model() { return fixture_root() / "sd1-tiny"; }

// Four 64×64 photos of one "subject": a red disc with a blue bar on pale backgrounds.
fs::path write_subject(const fs::path& folder) {
  fs::create_directories(folder);
  for (int i = 0; i < 4; ++i) {
    ImageRGBA8 im(64, 64);
    for (int y = 0; y < 64; ++y)
      for (int x = 0; x < 64; ++x) {
        uint8_t* p = im.pixel(x, y);
        const int dx = x - (26 + 3 * i), dy = y - 30;
        const bool disc = dx * dx + dy * dy < 15 * 15;
        const bool bar = x >= 20 && x < 32 && y >= 24 && y < 30 + i;
        p[0] = bar ? 20 : disc ? 200 : 200;
        p[1] = bar ? 20 : disc ? 30 : static_cast<uint8_t>(220 - 20 * i);
        p[2] = bar ? 200 : disc ? 30 : 255;
        p[3] = 255;
      }
    write_image(folder / ("photo" + std::to_string(i) + ".png"), im);
  }
  return folder;
}

TrainingSettings tiny_settings(const fs::path& root) {
  TrainingSettings s;
  s.base_model = tiny_model();
  s.dataset = fs::exists(root / "photos") ? root / "photos" : write_subject(root / "photos");
  s.instance_prompt = "a photo of sks emblem";
  s.output = root / "run";
  s.resolution = 64;
  s.max_steps = 12;
  s.learning_rate = 1e-3;
  s.rank = 4;
  s.alpha = 4;
  s.checkpoint_every = 4;
  s.keep_checkpoints = 2;
  s.seed = 7;
  return s;
}

std::unique_ptr<StableDiffusionModel> load_tiny() {
  LoadOptions o;
  o.device = test_device();
  return StableDiffusionModel::load(tiny_model(), o);
}

double max_lora_difference(const fs::path& a, const fs::path& b, const StableDiffusionModel& model) {
  LoraFile la = read_lora_file(a, model), lb = read_lora_file(b, model);
  REQUIRE(la.unet.size() == lb.unet.size() && la.text_encoder.size() == lb.text_encoder.size());
  double worst = 0;
  auto cmp = [&](const std::vector<LoraTarget>& x, const std::vector<LoraTarget>& y) {
    for (size_t i = 0; i < x.size(); ++i) {
      worst = std::max(worst, (x[i].branch.down - y[i].branch.down).abs().max().item<double>());
      worst = std::max(worst, (x[i].branch.up - y[i].branch.up).abs().max().item<double>());
    }
  };
  cmp(la.unet, lb.unet);
  cmp(la.text_encoder, lb.text_encoder);
  return worst;
}

// The mean training loss of the model as it is (any LoRA attached) over a fixed evaluation set:
// every subject image at 8 fixed timesteps with fixed noise.
double evaluation_loss(const StableDiffusionModel& model, const fs::path& photos) {
  at::NoGradGuard no_grad;
  const at::Device dev = model.options().device;
  std::vector<at::Tensor> pixels;
  for (int i = 0; i < 4; ++i) {
    ImageRGBA8 im = read_image(photos / ("photo" + std::to_string(i) + ".png"));
    at::Tensor t = at::from_blob(im.pixels.data(), {64, 64, 4}, at::kByte).slice(2, 0, 3).permute({2, 0, 1}).to(at::kFloat);
    pixels.push_back((t / 255.0 - 0.5) / 0.5);
  }
  at::Tensor x = at::stack(pixels).to(dev);
  at::Tensor z0 = model.vae().encode(x).mean * model.vae().config().scaling_factor;
  at::Tensor ehs = model.encode_prompt("a photo of sks emblem").expand({4, -1, -1});
  at::Tensor ac = training::alphas_cumprod_tensor(NoiseSchedule::from_config(model.scheduler_config()), dev);
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(1234);
  double total = 0;
  for (int k = 0; k < 8; ++k) {
    training::TrainingBatch b;
    b.latents = z0;
    b.noise = at::randn(z0.sizes(), gen, at::kFloat).to(dev);
    b.timesteps = at::full({4}, 60 + 120 * k, at::kLong).to(dev);
    b.encoder_hidden_states = ehs;
    total += training::training_loss(model, ac, b, training::TrainingObjective{}).loss.item<double>();
  }
  return total / 8;
}

std::vector<TrainingEvent> run_collect(const TrainingSettings& s, const TrainingControl& control = {}) {
  std::vector<TrainingEvent> events;
  run_training(
      s, [&](const TrainingEvent& e) { events.push_back(e); }, control);
  return events;
}

int count(const std::vector<TrainingEvent>& events, TrainingEvent::Kind kind) {
  int n = 0;
  for (const auto& e : events) n += e.kind == kind;
  return n;
}

}  // namespace

TEST_CASE("learning works: a LoRA run lowers the loss on a fixed evaluation set") {
  TempFolder tmp;
  TrainingSettings s = tiny_settings(tmp.path());
  s.max_steps = 80;
  s.learning_rate = 5e-3;
  s.rank = 8;
  s.alpha = 8;
  s.train_feed_forward = true;
  s.checkpoint_every = 0;
  auto events = run_collect(s);
  CHECK_EQ(count(events, TrainingEvent::Kind::Step), 80);
  CHECK_EQ(count(events, TrainingEvent::Kind::Finished), 1);
  REQUIRE(fs::exists(s.result_path()));

  auto model = load_tiny();
  const double before = evaluation_loss(*model, s.dataset);
  LoraFile lora = read_lora_file(s.result_path(), *model);
  LoraAttachment attached(*model, lora);
  const double after = evaluation_loss(*model, s.dataset);
  std::cout << "  evaluation loss: base " << before << ", after 80 LoRA steps " << after << "\n";
  CHECK_MSG(after < 0.9 * before, "the evaluation loss fell only from " << before << " to " << after);
  // The events carry what the UI plots.
  for (const auto& e : events)
    if (e.kind == TrainingEvent::Kind::Step) {
      CHECK(e.loss > 0 && std::isfinite(e.smoothed_loss) && e.learning_rate == 5e-3 && e.total_steps == 80);
    }
}

TEST_CASE("the diffusers-named copy of the result reloads to the same LoRA") {
  TempFolder tmp;
  TrainingSettings s = tiny_settings(tmp.path());
  s.max_steps = 3;
  run_training(s);
  auto model = load_tiny();
  fs::path diffusers = s.result_path();
  diffusers.replace_extension(".diffusers.safetensors");
  CHECK(max_lora_difference(s.result_path(), diffusers, *model) == 0.0);
  LoraFile k = read_lora_file(s.result_path(), *model);
  CHECK_EQ(k.naming, std::string("kohya"));
  bool has_version = false;
  for (const auto& [key, value] : k.metadata) has_version |= key == "ss_base_model_version" && value == "sd_v1";
  CHECK(has_version);
}

TEST_CASE("cancel writes a checkpoint and a second run resumes to the uninterrupted result exactly") {
  TempFolder tmp;
  TrainingSettings straight = tiny_settings(tmp.path());
  straight.output = tmp.path() / "straight";
  straight.lr_schedule = LearningRateSchedule::Cosine;
  straight.warmup_steps = 2;
  straight.flip = true;
  straight.noise_offset = 0.05;
  straight.gradient_accumulation = 2;
  run_training(straight);

  TrainingSettings broken = straight;
  broken.output = tmp.path() / "broken";
  std::atomic<bool> cancel{false};
  TrainingControl control;
  control.cancel = &cancel;
  // Cancel from the event stream at step 5 (not a checkpoint step: the cancel writes one).
  std::vector<TrainingEvent> events;
  auto outcome = run_training(
      broken,
      [&](const TrainingEvent& e) {
        events.push_back(e);
        if (e.kind == TrainingEvent::Kind::Step && e.step == 5) cancel = true;
      },
      control);
  CHECK(!outcome.finished);
  CHECK_EQ(outcome.steps_done, 5);
  CHECK(fs::exists(broken.checkpoint_folder() / "step-000005" / "lora.safetensors"));
  CHECK_EQ(count(events, TrainingEvent::Kind::Cancelled), 1);

  cancel = false;
  auto resumed = run_collect(broken);
  CHECK_EQ(count(resumed, TrainingEvent::Kind::Resumed), 1);
  CHECK_EQ(count(resumed, TrainingEvent::Kind::Step), 7);
  auto model = load_tiny();
  const double diff = max_lora_difference(straight.result_path(), broken.result_path(), *model);
  std::cout << "  resumed vs uninterrupted LoRA: max |diff| " << diff << "\n";
  CHECK_MSG(diff <= 1e-7, "resumed run differs by " << diff);
  // The loss history survives the resume (the plot of a resumed run is complete).
  auto state = training::read_checkpoint_progress(*latest_checkpoint(broken.output));
  CHECK_EQ(state.losses.size(), size_t(12));
}

TEST_CASE("checkpoints roll (newest K kept), and each is a usable LoRA") {
  TempFolder tmp;
  TrainingSettings s = tiny_settings(tmp.path());
  std::vector<std::string> written;
  run_training(s, [&](const TrainingEvent& e) {
    if (e.kind == TrainingEvent::Kind::CheckpointWritten) written.push_back(e.path.filename().string());
  });
  CHECK_EQ(written.size(), size_t(3));  // 4, 8, 12
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(s.checkpoint_folder())) left.push_back(e.path().filename().string());
  std::sort(left.begin(), left.end());
  CHECK_EQ(left.size(), size_t(2));
  CHECK(left == (std::vector<std::string>{"step-000008", "step-000012"}));
  auto model = load_tiny();
  GenerationSession session(*model);
  SubjectSpec subject;
  subject.kind = SubjectSpec::Kind::Lora;
  subject.path = s.checkpoint_folder() / "step-000008" / "lora.safetensors";
  session.set_subject(subject);
  GenerationRequest r;
  r.prompt = "a photo of sks emblem";
  r.width = r.height = 64;
  r.steps = 2;
  r.guidance.method = GuidanceMethod::Autoguidance;  // the newest checkpoint guided by an older one
  r.guidance.weak.kind = WeakModel::Kind::Checkpoint;
  r.guidance.weak.checkpoint = (s.checkpoint_folder() / "step-000008" / "lora.safetensors").string();
  subject.path = s.checkpoint_folder() / "step-000012" / "lora.safetensors";
  session.set_subject(subject);
  CHECK(session.generate(r).image.width == 64);
}

TEST_CASE("a failed checkpoint write (file size limit, as a full disk) leaves the previous checkpoint intact") {
  TempFolder tmp;
  TrainingSettings s = tiny_settings(tmp.path());
  s.max_steps = 4;
  run_training(s);
  const fs::path good = s.checkpoint_folder() / "step-000004";
  REQUIRE(fs::exists(good / "state.json"));
  const auto lora_size = fs::file_size(good / "lora.safetensors");

  s.max_steps = 8;
  std::signal(SIGXFSZ, SIG_IGN);
  rlimit old{};
  getrlimit(RLIMIT_FSIZE, &old);
  rlimit small = old;
  small.rlim_cur = 4096;  // smaller than a checkpoint's LoRA file
  setrlimit(RLIMIT_FSIZE, &small);
  CHECK_THROWS_WITH(run_training(s), "step-000008", "was not written", "previous checkpoints are intact");
  setrlimit(RLIMIT_FSIZE, &old);
  CHECK(fs::exists(good / "state.json"));
  CHECK_EQ(fs::file_size(good / "lora.safetensors"), lora_size);
  CHECK(!fs::exists(s.checkpoint_folder() / "step-000008"));
  for (const auto& e : fs::directory_iterator(s.checkpoint_folder()))
    CHECK_MSG(e.path().filename().string().rfind(".step-", 0) != 0, "staging leftover " << e.path());
  // And the run continues from the intact checkpoint once the disk has room.
  auto events = run_collect(s);
  CHECK_EQ(count(events, TrainingEvent::Kind::Step), 4);
}

TEST_CASE("a sample taken during training equals steer generate with that step's checkpoint") {
  TempFolder tmp;
  TrainingSettings s = tiny_settings(tmp.path());
  s.max_steps = 8;
  s.sample_every = 4;
  s.sample_prompts = {"a photo of sks emblem on a table"};
  s.sample_seeds = {3, 11};
  s.sample_steps = 4;
  s.sample_guidance = 5.0;
  std::vector<TrainingEvent> samples;
  run_training(s, [&](const TrainingEvent& e) {
    if (e.kind == TrainingEvent::Kind::Sample) samples.push_back(e);
  });
  REQUIRE(samples.size() == 4);  // steps 4 and 8, two seeds
  auto model = load_tiny();
  GenerationSession session(*model);
  SubjectSpec subject;
  subject.kind = SubjectSpec::Kind::Lora;
  subject.path = s.checkpoint_folder() / "step-000004" / "lora.safetensors";
  session.set_subject(subject);
  for (int i = 0; i < 2; ++i) {
    const TrainingEvent& e = samples[static_cast<size_t>(i)];
    CHECK_EQ(e.step, 4);
    GenerationRequest r;
    r.prompt = e.sample_prompt;
    r.seed = e.sample_seed;
    r.width = r.height = 64;
    r.steps = 4;
    r.guidance.scale = 5.0;
    ImageRGBA8 expected = session.generate(r).image;
    CHECK(expected.pixels == e.image.pixels);
    CHECK(read_image(e.path).pixels == e.image.pixels);
  }
}

TEST_CASE("full DreamBooth: a few steps change the UNet and the saved folder loads as a fine-tuned subject") {
  TempFolder tmp;
  TrainingSettings s = tiny_settings(tmp.path());
  apply_training_preset(s, "dreambooth");
  s.prior = PriorPreservation::None;
  s.max_steps = 3;
  s.learning_rate = 1e-4;
  s.checkpoint_every = 2;
  s.sample_every = 0;
  auto events = run_collect(s);
  CHECK_EQ(count(events, TrainingEvent::Kind::Finished), 1);
  REQUIRE(fs::is_directory(s.result_path() / "unet"));
  CHECK(fs::exists(s.checkpoint_folder() / "step-000002" / "model" / "unet" / "diffusion_pytorch_model.safetensors"));
  auto base = load_tiny();
  GenerationSession session(*base);
  SubjectSpec subject;
  subject.kind = SubjectSpec::Kind::FineTuned;
  subject.path = s.result_path();
  session.set_subject(subject);  // refuses a folder with the base's weights
  GenerationRequest r;
  r.prompt = "a photo of sks emblem";
  r.width = r.height = 64;
  r.steps = 2;
  r.guidance.method = GuidanceMethod::Personalization;
  r.guidance.omega = OmegaSchedule::constant(0.5);
  CHECK(session.generate(r).image.width == 64);
  // Resume continues a DreamBooth run too.
  s.max_steps = 5;
  auto more = run_collect(s);
  CHECK_EQ(count(more, TrainingEvent::Kind::Step), 2);
}

TEST_CASE("prior preservation with class images: generated once with a manifest, reused by the next run") {
  TempFolder tmp;
  TrainingSettings s = tiny_settings(tmp.path());
  s.prior = PriorPreservation::ClassImages;
  s.class_prompt = "a photo of an emblem";
  s.class_images = 3;
  s.class_image_steps = 2;
  s.max_steps = 2;
  auto events = run_collect(s);
  std::vector<TrainingEvent> steps;
  for (const auto& e : events)
    if (e.kind == TrainingEvent::Kind::Step) steps.push_back(e);
  REQUIRE(steps.size() == 2);
  CHECK(steps[0].instance_loss && steps[0].prior_loss);
  CHECK_MSG(std::abs(steps[0].loss - (*steps[0].instance_loss + *steps[0].prior_loss)) < 1e-5,
            "loss " << steps[0].loss << " is not instance + 1.0 * prior");
  const fs::path folder = s.class_images_path();
  REQUIRE(fs::exists(folder / "manifest.json"));
  const auto stamp = fs::last_write_time(folder / "class-0000.png");
  CHECK(read_image(folder / "class-0002.png").width == 64);

  TrainingSettings again = s;
  again.output = tmp.path() / "run2";
  again.class_image_folder = folder;
  run_training(again);
  CHECK(fs::last_write_time(folder / "class-0000.png") == stamp);
}

TEST_CASE("prior prediction, text-encoder LoRA, bf16 and gradient checkpointing train") {
  TempFolder tmp;
  TrainingSettings s = tiny_settings(tmp.path());
  s.prior = PriorPreservation::PriorPrediction;
  s.class_prompt = "a photo of an emblem";
  s.train_text_encoder = true;
  s.train_feed_forward = true;
  s.max_steps = 3;
  auto events = run_collect(s);
  CHECK_EQ(count(events, TrainingEvent::Kind::Finished), 1);
  auto model = load_tiny();
  LoraFile lora = read_lora_file(s.result_path(), *model);
  CHECK(!lora.text_encoder.empty());
  bool ff = false;
  for (const auto& t : lora.unet) ff |= t.module_path.find("ff.net.2") != std::string::npos;
  CHECK(ff);

  TrainingSettings bf16 = tiny_settings(tmp.path());
  bf16.output = tmp.path() / "bf16";
  bf16.precision = TrainingPrecision::Bf16;
  bf16.max_steps = 3;
  auto bf = run_collect(bf16);
  CHECK_EQ(count(bf, TrainingEvent::Kind::Finished), 1);
  for (const auto& e : bf)
    if (e.kind == TrainingEvent::Kind::Step) CHECK(std::isfinite(e.loss));
}

TEST_CASE("gradient checkpointing gives the same loss and LoRA gradients as without") {
  // Compared on the gradients of one backward pass: after a few AdamW steps any last-bit
  // difference of summation order is amplified where |g| is near eps (see test_lora_training_step).
  auto model = load_tiny();
  TempFolder tmp;
  const fs::path photos = write_subject(tmp.path() / "photos");
  LoraFile init = training::initial_lora(*model, {true, false}, 4, 4, 3);
  for (auto& t : init.unet) t.branch.up = at::randn(t.branch.up.sizes()) * 0.01;  // nonzero: down gets gradients too
  training::TrainableLora lora(*model, init);
  const at::Device dev = model->options().device;
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(5);
  training::TrainingBatch b;
  {
    at::NoGradGuard no_grad;
    ImageRGBA8 im = read_image(photos / "photo0.png");
    at::Tensor t = at::from_blob(im.pixels.data(), {64, 64, 4}, at::kByte).slice(2, 0, 3).permute({2, 0, 1}).to(at::kFloat);
    b.latents = model->vae().encode(((t / 255.0 - 0.5) / 0.5).unsqueeze(0).to(dev)).mean.expand({2, -1, -1, -1}).contiguous() *
                model->vae().config().scaling_factor;
    b.encoder_hidden_states = model->encode_prompt("a photo of sks emblem").expand({2, -1, -1}).contiguous();
  }
  b.noise = at::randn(b.latents.sizes(), gen, at::kFloat).to(dev);
  b.timesteps = at::tensor(std::vector<int64_t>{100, 700}, at::kLong).to(dev);
  at::Tensor ac = training::alphas_cumprod_tensor(NoiseSchedule::from_config(model->scheduler_config()), dev);
  auto gradients = [&](bool checkpointing) {
    c10::AutoGradMode grad(true);
    for (auto& p : lora.parameters()) p.mutable_grad() = at::Tensor();
    ScopedActivationCheckpointing scope(checkpointing);
    at::Tensor loss = training::training_loss(*model, ac, b, training::TrainingObjective{}).loss;
    loss.backward();
    std::vector<at::Tensor> g;
    for (auto& p : lora.parameters()) g.push_back(p.grad().clone());
    return std::make_pair(loss.item<double>(), g);
  };
  auto [loss_plain, g_plain] = gradients(false);
  auto [loss_ckpt, g_ckpt] = gradients(true);
  CHECK_MSG(std::abs(loss_plain - loss_ckpt) <= 1e-6, "loss " << loss_plain << " vs " << loss_ckpt);
  double worst = 0, largest = 0;
  for (size_t i = 0; i < g_plain.size(); ++i) {
    worst = std::max(worst, (g_plain[i] - g_ckpt[i]).abs().max().item<double>());
    largest = std::max(largest, g_plain[i].abs().max().item<double>());
  }
  std::cout << "  with vs without gradient checkpointing: max |grad diff| " << worst << " (largest |grad| " << largest << ")\n";
  CHECK(largest > 0);
  CHECK_MSG(worst <= 1e-5 * largest, "checkpointed gradients differ by " << worst);
}

TEST_CASE("out of memory is reported with advice and the last checkpoint survives") {
  TempFolder tmp;
  TrainingSettings s = tiny_settings(tmp.path());
  s.max_steps = 8;
  setenv("STEER_TRAINING_SIMULATE_OOM_AT_STEP", "6", 1);
  CHECK_THROWS_WITH(run_training(s), "ran out of memory", "enable gradient checkpointing", "resumes from it");
  unsetenv("STEER_TRAINING_SIMULATE_OOM_AT_STEP");
  CHECK(fs::exists(s.checkpoint_folder() / "step-000004" / "state.json"));
  auto events = run_collect(s);
  CHECK_EQ(count(events, TrainingEvent::Kind::Step), 4);
}

TEST_CASE("bad settings are refused before any work, naming the setting") {
  TempFolder tmp;
  TrainingSettings s = tiny_settings(tmp.path());
  TrainingSettings bad = s;
  bad.rank = 0;
  CHECK_THROWS_WITH(run_training(bad), "rank 0");
  bad = s;
  bad.prior = PriorPreservation::ClassImages;
  CHECK_THROWS_WITH(run_training(bad), "class_prompt");
  bad = s;
  bad.dataset = tmp.path() / "nowhere";
  CHECK_THROWS_WITH(run_training(bad), "dataset", "nowhere");
  bad = s;
  bad.precision = TrainingPrecision::Fp16;
  CHECK_THROWS_WITH(run_training(bad), "fp16", "cuda");
  CHECK_THROWS_WITH(apply_training_preset(bad, "fast"), "fast", "lora-quick");
  CHECK_THROWS_WITH(TrainingSettings::from_json(json::parse(R"({"rnak": 4})"), "x.json"), "x.json", "rnak");
  CHECK(!fs::exists(s.output / "checkpoints"));
  // A run folder of another run is not resumed with different settings.
  s.max_steps = 2;
  run_training(s);
  TrainingSettings other = s;
  other.learning_rate = 5e-4;
  CHECK_THROWS_WITH(run_training(other), "learning_rate", "another output folder");
}

TEST_CASE("settings survive a JSON round trip and the presets differ") {
  TrainingSettings s;
  s.snr_gamma = 5.0;
  s.sample_prompts = {"a", "b"};
  s.background[1] = 7;
  s.seed = 123456789012345ull;
  TrainingSettings back = TrainingSettings::from_json(json::parse(s.to_json().dump()), "round trip");
  CHECK_EQ(back.to_json().dump(), s.to_json().dump());
  TrainingSettings q, d;
  apply_training_preset(q, "lora-quality");
  apply_training_preset(d, "dreambooth");
  CHECK(q.rank == 32 && q.train_feed_forward && q.lr_schedule == LearningRateSchedule::Cosine);
  CHECK(d.method == TrainingMethod::DreamBooth && d.prior == PriorPreservation::ClassImages);
}

TEST_CASE("learning-rate schedules follow diffusers' get_scheduler") {
  using training::learning_rate_factor;
  CHECK(learning_rate_factor(LearningRateSchedule::Constant, 0, 10, 100) == 1.0);
  CHECK(learning_rate_factor(LearningRateSchedule::ConstantWithWarmup, 5, 10, 100) == 0.5);
  CHECK(learning_rate_factor(LearningRateSchedule::ConstantWithWarmup, 10, 10, 100) == 1.0);
  CHECK(learning_rate_factor(LearningRateSchedule::Cosine, 0, 0, 100) == 1.0);
  CHECK(std::abs(learning_rate_factor(LearningRateSchedule::Cosine, 55, 10, 100) - 0.5) < 1e-12);
  CHECK(learning_rate_factor(LearningRateSchedule::Cosine, 100, 10, 100) < 1e-12);
  CHECK(std::abs(learning_rate_factor(LearningRateSchedule::Linear, 40, 20, 100) - 0.75) < 1e-12);
}

STEER_TEST_MAIN()
