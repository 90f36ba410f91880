// run_training (core/training/training_run.h): data, model, trainable weights, the step loop,
// checkpoints, samples and the results, with events for the CLI and the app.
#include "core/training/training_run.h"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>
#include <c10/core/GradMode.h>
#include <c10/util/Exception.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <deque>
#include <map>
#include <thread>

#include "core/common/number_text.h"
#include "core/dataset/subject_dataset.h"
#include "core/io/atomic_write.h"
#include "core/io/safetensors_file.h"
#include "core/lora/lora_file.h"
#include "core/lora/lora_writer.h"
#include "core/models/activation_checkpointing.h"
#include "core/pipeline/stable_diffusion_model.h"
#include "core/sampling/noise_schedule.h"
#include "core/training/learning_rate_schedule.h"
#include "core/training/lora_initialization.h"
#include "core/training/lora_training_step.h"
#include "core/training/run/class_images.h"
#include "core/training/run/micro_batch.h"
#include "core/training/run/model_folder_writer.h"
#include "core/training/run/training_checkpoint.h"
#include "core/training/run/training_data.h"
#include "core/training/run/training_samples.h"

namespace fs = std::filesystem;

namespace steer {

std::string out_of_memory_advice(const TrainingSettings& s) {
  std::string advice = "the " + s.device + " ran out of memory while training. Try, in this order: ";
  std::vector<std::string> tips;
  if (!s.gradient_checkpointing) tips.push_back("enable gradient checkpointing");
  if (s.precision == TrainingPrecision::Fp32) tips.push_back("use bf16 (or fp16 on a GPU) precision");
  if (s.batch_size > 1) tips.push_back("lower the batch size (raise gradient accumulation to keep the effective batch)");
  if (s.method == TrainingMethod::Lora && s.rank > 4) tips.push_back("lower the LoRA rank (now " + std::to_string(s.rank) + ")");
  if (s.method == TrainingMethod::DreamBooth) tips.push_back("train a LoRA instead of the full UNet");
  if (s.train_text_encoder) tips.push_back("stop training the text encoder");
  if (s.resolution > 256) tips.push_back("a smaller resolution (now " + std::to_string(s.resolution) + ")");
  for (size_t i = 0; i < tips.size(); ++i) advice += (i ? "; " : "") + tips[i];
  return advice + ". The last checkpoint is intact; starting again resumes from it.";
}

std::optional<fs::path> latest_checkpoint(const fs::path& run_folder) {
  return training::newest_checkpoint(run_folder / "checkpoints");
}

namespace {

using namespace training;
using Clock = std::chrono::steady_clock;

const char* base_model_version(const StableDiffusionModel& m) { return m.family() == ModelFamily::SD2 ? "sd_v2" : "sd_v1"; }

std::vector<std::pair<std::string, std::string>> lora_metadata(const TrainingSettings& s, const StableDiffusionModel& m, int step,
                                                               size_t images) {
  return {{"ss_base_model_version", base_model_version(m)},
          {"ss_sd_model_name", m.folder().filename().string()},
          {"ss_output_name", s.output_name},
          {"ss_steps", std::to_string(step)},
          {"ss_max_train_steps", std::to_string(s.max_steps)},
          {"ss_learning_rate", number_text(s.learning_rate)},
          {"ss_text_encoder_lr", s.train_text_encoder ? number_text(s.text_encoder_lr()) : "0"},
          {"ss_unet_lr", number_text(s.learning_rate)},
          {"ss_lr_scheduler", to_string(s.lr_schedule)},
          {"ss_lr_warmup_steps", std::to_string(s.warmup_steps)},
          {"ss_num_train_images", std::to_string(images)},
          {"ss_batch_size_per_device", std::to_string(s.batch_size)},
          {"ss_gradient_accumulation_steps", std::to_string(s.gradient_accumulation)},
          {"ss_resolution", "(" + std::to_string(s.resolution) + ", " + std::to_string(s.resolution) + ")"},
          {"ss_seed", std::to_string(s.seed)},
          {"ss_mixed_precision", to_string(s.precision)},
          {"ss_gradient_checkpointing", s.gradient_checkpointing ? "True" : "False"},
          {"ss_min_snr_gamma", s.snr_gamma ? number_text(*s.snr_gamma) : "None"},
          {"ss_noise_offset", number_text(s.noise_offset)},
          {"ss_prior_loss_weight", number_text(s.prior_loss_weight)},
          {"ss_training_comment", "trained by Steer Studio"},
          {"steer.training_settings", s.to_json().dump()}};
}

NamedTensors group_tensors(const ParameterGroup& g) {
  NamedTensors out;
  for (size_t i = 0; i < g.names.size(); ++i) out.emplace_back(g.names[i], g.masters[i].detach().to(at::kCPU, at::kFloat));
  return out;
}

// Restores DreamBooth masters from a checkpoint's model folder.
void restore_model_masters(TrainableWeights& weights, const fs::path& model_folder) {
  at::NoGradGuard no_grad;
  for (const auto& g : weights.groups()) {
    const fs::path file =
        model_folder / g.component / (g.component == "unet" ? "diffusion_pytorch_model.safetensors" : "model.safetensors");
    auto st = SafetensorsFile::open(file);
    for (size_t i = 0; i < g.names.size(); ++i) {
      at::Tensor t;
      try {
        t = st->tensor(g.names[i]);
      } catch (const std::exception&) {
        throw InputError(file.string() + ": has no \"" + g.names[i] + "\"; not a checkpoint of this run");
      }
      g.masters[i].copy_(t);
    }
  }
  weights.after_step();
}

void sort_in_model_order(std::vector<LoraTarget>& layers, const Module& root) {
  std::map<std::string, size_t> position;
  for (const auto& [path, module] : root.named_modules()) position.emplace(path, position.size());
  std::stable_sort(layers.begin(), layers.end(),
                   [&](const LoraTarget& a, const LoraTarget& b) { return position[a.module_path] < position[b.module_path]; });
}

class LossSmoother {
 public:
  double add(double loss) {
    ema_ = 0.9 * ema_ + 0.1 * loss;
    ++n_;
    return ema_ / (1.0 - std::pow(0.9, n_));
  }

 private:
  double ema_ = 0;
  int n_ = 0;
};

// The fault-injection hook of the reliability tests: STEER_TRAINING_SIMULATE_OOM_AT_STEP=N makes
// step N (1-based) fail as a device out-of-memory would.
int simulated_oom_step() {
  const char* v = std::getenv("STEER_TRAINING_SIMULATE_OOM_AT_STEP");
  return v ? std::atoi(v) : 0;
}

class Run {
 public:
  Run(const TrainingSettings& s, const TrainingEventCallback& on_event, const TrainingControl& control)
      : s_(s), on_event_(on_event), control_(control) {}

  TrainingOutcome execute();

 private:
  void emit(TrainingEvent e) {
    if (on_event_) on_event_(e);
  }
  void preparing(const std::string& text, int done = 0, int total = 0) {
    TrainingEvent e;
    e.kind = TrainingEvent::Kind::Preparing;
    e.text = text;
    e.done = done;
    e.total = total;
    emit(std::move(e));
  }
  bool cancelled() const { return control_.cancel && control_.cancel->load(); }
  bool paused() const { return control_.pause && control_.pause->load(); }

  void check_resume();
  void load_data();
  void build_weights();
  double train_step(int step);
  at::Tensor text_states(const std::vector<const EncodedExample*>& examples);
  at::Tensor class_prompt_states(bool base_weights);
  fs::path write_checkpoint_now();
  void take_samples(int step);
  fs::path write_result();

  TrainingSettings s_;
  TrainingEventCallback on_event_;
  TrainingControl control_;
  TrainingOutcome outcome_;

  std::optional<fs::path> resume_from_;
  SubjectDataset dataset_;
  std::unique_ptr<StableDiffusionModel> model_;
  std::vector<EncodedExample> instances_, classes_;
  at::Tensor class_prompt_ids_, class_prompt_text_;
  EncodedExample empty_caption_;  // the "" caption (caption dropout)
  std::unique_ptr<TrainableWeights> weights_;
  std::vector<std::unique_ptr<AdamW>> optimizers_;
  std::unique_ptr<UNet2DConditionModel> frozen_unet_;  // DreamBooth prior prediction
  at::Tensor alphas_cumprod_;
  TrainingObjective objective_;
  CheckpointProgress progress_;
  int last_checkpoint_step_ = -1;
  int last_sample_step_ = -1;
  double loss_scale_ = 65536.0;
  int good_steps_ = 0;
  std::optional<double> last_instance_loss_, last_prior_loss_;
};

void Run::check_resume() {
  fs::create_directories(s_.output);
  const fs::path recorded_file = s_.output / "training.json";
  resume_from_ = newest_checkpoint(s_.checkpoint_folder());
  if (resume_from_) {
    if (!fs::exists(recorded_file))
      throw InputError(s_.output.string() + " holds checkpoints but no training.json: choose an empty output folder");
    const TrainingSettings recorded = TrainingSettings::load(recorded_file);
    const std::string key = s_.resume_incompatibility(recorded);
    if (!key.empty())
      throw InputError(s_.output.string() + " holds checkpoints of a run whose setting \"" + key + "\" differs from this one (" +
                       recorded.to_json().find(key)->dump() + " there, " + s_.to_json().find(key)->dump() +
                       " now): resuming would mix two runs. Choose another output "
                       "folder, set \"" +
                       key + "\" back, or delete " + s_.checkpoint_folder().string() + " to start afresh");
  }
  write_file_atomically(recorded_file, [&](std::ostream& out) { out << s_.to_json().dump(2) << "\n"; });
}

void Run::load_data() {
  preparing("reading the subject's images");
  SubjectDatasetOptions o;
  o.resolution = s_.resolution;
  o.instance_prompt = s_.instance_prompt;
  o.center_crop = s_.center_crop;
  o.flip = false;  // flips are drawn per step (both orientations are cached)
  o.buckets = s_.buckets;
  for (int i = 0; i < 3; ++i) o.background[i] = s_.background[i];
  o.minimum_images = s_.minimum_images;
  o.seed = s_.seed;
  dataset_ = SubjectDataset::load(s_.dataset, o);
  for (const auto& w : dataset_.warnings) {
    outcome_.warnings.push_back(w);
    TrainingEvent e;
    e.kind = TrainingEvent::Kind::Warning;
    e.text = w;
    emit(std::move(e));
  }

  preparing("loading the base model " + s_.base_model.string());
  LoadOptions lo;
  lo.device = s_.device == "cuda" ? at::Device(at::kCUDA) : at::Device(at::kCPU);
  lo.dtype = s_.precision == TrainingPrecision::Bf16   ? at::kBFloat16
             : s_.precision == TrainingPrecision::Fp16 ? at::kHalf
                                                       : at::kFloat;
  model_ = StableDiffusionModel::load(s_.base_model, lo);

  std::vector<ImageRGBA8> class_images;
  if (s_.prior == PriorPreservation::ClassImages) {
    ClassImageRequest r;
    r.folder = s_.class_images_path();
    r.prompt = s_.class_prompt;
    r.count = s_.class_images;
    r.resolution = s_.resolution;
    r.steps = s_.class_image_steps;
    r.first_seed = static_cast<int64_t>(s_.seed % 1000000007ull) * 1000;
    class_images = ensure_class_images(
        *model_, r, [&](int done, int total, bool) { preparing("class images", done, total); }, control_.cancel);
  }

  const bool cache_text = !s_.train_text_encoder;
  std::vector<ImageWithCaption> inst;
  for (const auto& ex : dataset_.examples) inst.push_back({&ex.image, ex.caption});
  instances_ = encode_examples(*model_, inst, s_.flip, cache_text,
                               [&](int done, int total) { preparing("encoding the subject's images", done, total); });
  std::vector<ImageWithCaption> cls;
  for (const auto& im : class_images) cls.push_back({&im, s_.class_prompt});
  classes_ = encode_examples(*model_, cls, s_.flip, cache_text,
                             [&](int done, int total) { preparing("encoding the class images", done, total); });
  {
    at::NoGradGuard no_grad;
    std::vector<int32_t> ids32 = model_->tokenizer().encode_padded("");
    empty_caption_.token_ids =
        at::tensor(std::vector<int64_t>(ids32.begin(), ids32.end()), at::kLong).to(model_->options().device);
    if (cache_text) empty_caption_.text = model_->encode_prompt("")[0];
  }
  if (s_.prior == PriorPreservation::PriorPrediction) {
    at::NoGradGuard no_grad;
    std::vector<int32_t> ids32 = model_->tokenizer().encode_padded(s_.class_prompt);
    class_prompt_ids_ =
        at::tensor(std::vector<int64_t>(ids32.begin(), ids32.end()), at::kLong).to(model_->options().device).unsqueeze(0);
    class_prompt_text_ = model_->text_encoder().encode(class_prompt_ids_);
  }
  alphas_cumprod_ = alphas_cumprod_tensor(NoiseSchedule::from_config(model_->scheduler_config()), model_->options().device);
}

void Run::build_weights() {
  if (s_.method == TrainingMethod::Lora) {
    LoraFile initial;
    if (resume_from_) {
      initial = read_lora_file(*resume_from_ / "lora.safetensors", *model_);
      // The file lists layers in its own (sorted) order; the run's order is the model's, as a
      // fresh run has it: gradient clipping sums the norms in that order, and a resumed run
      // must add them up exactly as an uninterrupted one.
      sort_in_model_order(initial.unet, model_->unet());
      sort_in_model_order(initial.text_encoder, model_->text_encoder());
    } else {
      LoraTargetChoice choice{s_.train_feed_forward, s_.train_text_encoder};
      initial = initial_lora(*model_, choice, s_.rank, s_.alpha, s_.seed);
    }
    weights_ = std::make_unique<TrainableLora>(*model_, initial);
  } else {
    weights_ = std::make_unique<TrainableModelWeights>(*model_, s_.train_text_encoder);
    if (resume_from_) restore_model_masters(*weights_, *resume_from_ / "model");
    if (s_.prior == PriorPreservation::PriorPrediction) {
      LoadOptions lo = model_->options();
      frozen_unet_ = load_unet(s_.base_model / "unet", lo);
    }
  }
  for (const auto& g : weights_->groups()) {
    AdamWOptions o;
    o.lr = g.component == "unet" ? s_.learning_rate : s_.text_encoder_lr();
    o.beta1 = s_.adam_beta1;
    o.beta2 = s_.adam_beta2;
    o.weight_decay = s_.adam_weight_decay;
    o.eps = s_.adam_epsilon;
    optimizers_.push_back(std::make_unique<AdamW>(g.masters, o));
  }
  if (resume_from_) {
    progress_ = read_checkpoint_progress(*resume_from_);
    std::vector<AdamW*> opts;
    for (auto& o : optimizers_) opts.push_back(o.get());
    read_optimizer_state(*resume_from_, weights_->groups(), opts);
    loss_scale_ = progress_.loss_scale;
    good_steps_ = progress_.good_steps;
    last_checkpoint_step_ = progress_.step;
    last_sample_step_ = progress_.step;  // its samples were taken before the checkpoint
    TrainingEvent e;
    e.kind = TrainingEvent::Kind::Resumed;
    e.step = progress_.step;
    e.total_steps = s_.max_steps;
    e.path = *resume_from_;
    e.text = "resumed from step " + std::to_string(progress_.step) + " (" + resume_from_->filename().string() + ")";
    emit(std::move(e));
  }
  objective_.prediction = model_->prediction_type() == "v_prediction" ? PredictionType::VPrediction : PredictionType::Epsilon;
  objective_.snr_gamma = s_.snr_gamma;
  objective_.prior_preservation = s_.prior != PriorPreservation::None;
  objective_.prior_loss_weight = s_.prior_loss_weight;
}

// Encoder hidden states for the examples: cached, or computed with autograd when the text
// encoder trains.
at::Tensor Run::text_states(const std::vector<const EncodedExample*>& examples) {
  if (!s_.train_text_encoder) {
    std::vector<at::Tensor> t;
    for (const auto* e : examples) t.push_back(e->text);
    return at::stack(t);
  }
  std::vector<at::Tensor> ids;
  for (const auto* e : examples) ids.push_back(e->token_ids);
  return model_->text_encoder().encode(at::stack(ids));
}

// The class prompt's hidden states: of the trained text encoder (with autograd when it trains),
// or of the base one (LoRA text-encoder branches at scale 0) for the frozen prediction.
at::Tensor Run::class_prompt_states(bool base_weights) {
  if (!s_.train_text_encoder) return class_prompt_text_;
  if (base_weights) {
    ScopedLoraSampleScales off(at::zeros({1}, at::TensorOptions().device(model_->options().device)));
    return model_->text_encoder().encode(class_prompt_ids_);
  }
  return model_->text_encoder().encode(class_prompt_ids_);
}

double Run::train_step(int step) {
  const int accum = s_.gradient_accumulation;
  for (size_t g = 0; g < optimizers_.size(); ++g) {
    const double base = weights_->groups()[g].component == "unet" ? s_.learning_rate : s_.text_encoder_lr();
    optimizers_[g]->set_learning_rate(base * learning_rate_factor(s_.lr_schedule, step, s_.warmup_steps, s_.max_steps));
    optimizers_[g]->zero_grad();
  }
  const bool fp16 = s_.precision == TrainingPrecision::Fp16;
  double loss_sum = 0, inst_sum = 0, prior_sum = 0;
  bool has_parts = false;
  for (int k = 0; k < accum; ++k) {
    MicroBatchSpec spec;
    spec.seed = s_.seed;
    spec.step = step;
    spec.micro = k;
    spec.micro_batches_per_step = accum;
    spec.batch_size = s_.batch_size;
    spec.flips = s_.flip;
    spec.noise_offset = s_.noise_offset;
    spec.scaling_factor = model_->vae().config().scaling_factor;
    spec.train_timesteps = alphas_cumprod_.size(0);
    spec.paired_classes = s_.prior == PriorPreservation::ClassImages;
    spec.caption_dropout = s_.caption_dropout;
    MicroBatchDraw draw = draw_micro_batch(spec, instances_, classes_);

    c10::AutoGradMode grad(true);
    ScopedActivationCheckpointing checkpointing(s_.gradient_checkpointing);
    weights_->before_forward();
    TrainingBatch batch;
    std::vector<const EncodedExample*> texts;
    for (size_t j = 0; j < draw.instances.size(); ++j)
      texts.push_back(draw.drop_caption[j] ? &empty_caption_ : &instances_[draw.instances[j]]);
    for (size_t i : draw.classes) texts.push_back(&classes_[i]);
    batch.latents = draw.latents;
    batch.noise = draw.noise;
    batch.timesteps = draw.timesteps;
    at::Tensor ehs = text_states(texts);
    if (s_.prior == PriorPreservation::PriorPrediction) {
      // Same noisy latents twice: the instance prompt against ε, the class prompt against the
      // frozen base model's prediction.
      const int64_t n = draw.latents.size(0);
      batch.latents = at::cat({draw.latents, draw.latents});
      batch.noise = at::cat({draw.noise, draw.noise});
      batch.timesteps = at::cat({draw.timesteps, draw.timesteps});
      at::Tensor class_ehs = class_prompt_states(false).expand({n, -1, -1});
      ehs = at::cat({ehs, class_ehs});
      {
        at::NoGradGuard no_grad;
        const at::Device dev = model_->options().device;
        const at::ScalarType dt = model_->options().dtype;
        at::Tensor t = draw.timesteps.to(dev);
        at::Tensor noisy = add_noise(alphas_cumprod_, draw.latents.to(dev), draw.noise.to(dev), t).to(dt);
        UNetConditioning cond;
        cond.encoder_hidden_states = class_prompt_states(true).expand({n, -1, -1}).to(dt);
        ScopedActivationCheckpointing no_checkpointing(false);
        if (frozen_unet_) {
          batch.prior_target = frozen_unet_->forward(noisy, t, cond).to(at::kFloat);
        } else {
          ScopedLoraSampleScales base_only(at::zeros({n}, at::TensorOptions().device(dev)));
          batch.prior_target = model_->unet().forward(noisy, t, cond).to(at::kFloat);
        }
      }
    }
    batch.encoder_hidden_states = ehs;
    if (simulated_oom_step() == step + 1)
      throw c10::OutOfMemoryError(c10::SourceLocation{__func__, __FILE__, static_cast<uint32_t>(__LINE__)},
                                  "simulated out of memory (STEER_TRAINING_SIMULATE_OOM_AT_STEP)");
    LossParts parts = training_loss(*model_, alphas_cumprod_, batch, objective_);
    at::Tensor scaled = parts.loss / accum;
    if (fp16) scaled = scaled * loss_scale_;
    scaled.backward();
    loss_sum += parts.loss.item<double>() / accum;
    if (parts.instance_loss.defined()) {
      has_parts = true;
      inst_sum += parts.instance_loss.item<double>() / accum;
      prior_sum += parts.prior_loss.item<double>() / accum;
    }
  }
  weights_->after_backward();
  const std::vector<at::Tensor> masters = weights_->all_masters();
  bool finite = true;
  if (fp16) {
    // Dynamic loss scaling (torch.cuda.amp.GradScaler's rule): unscale, skip the step on
    // inf/NaN and halve the scale, double it after 2000 good steps.
    at::NoGradGuard no_grad;
    for (const auto& p : masters)
      if (p.grad().defined()) {
        p.grad().div_(loss_scale_);
        if (!at::isfinite(p.grad()).all().item<bool>()) finite = false;
      }
    if (!finite) {
      loss_scale_ *= 0.5;
      good_steps_ = 0;
    } else if (++good_steps_ >= 2000) {
      loss_scale_ *= 2;
      good_steps_ = 0;
    }
  }
  if (finite) {
    clip_gradient_norm(masters, s_.max_grad_norm);
    for (auto& o : optimizers_) o->step();
    weights_->after_step();
  }
  if (has_parts) {
    last_instance_loss_ = inst_sum;
    last_prior_loss_ = prior_sum;
  }
  return loss_sum;
}

fs::path Run::write_checkpoint_now() {
  std::vector<AdamW*> opts;
  for (auto& o : optimizers_) opts.push_back(o.get());
  progress_.loss_scale = loss_scale_;
  progress_.good_steps = good_steps_;
  auto write_weights = [&](const fs::path& staging) {
    if (auto* lora = dynamic_cast<TrainableLora*>(weights_.get())) {
      write_lora_file(staging / "lora.safetensors", lora->snapshot(), LoraNaming::Kohya,
                      lora_metadata(s_, *model_, progress_.step, instances_.size()));
    } else {
      std::map<std::string, NamedTensors> trained;
      for (const auto& g : weights_->groups()) trained[g.component] = group_tensors(g);
      write_finetuned_model_folder(s_.base_model, staging / "model", trained);
    }
  };
  fs::path folder =
      write_checkpoint(s_.checkpoint_folder(), progress_, weights_->groups(), opts, write_weights, s_.keep_checkpoints);
  last_checkpoint_step_ = progress_.step;
  outcome_.last_checkpoint = folder;
  TrainingEvent e;
  e.kind = TrainingEvent::Kind::CheckpointWritten;
  e.step = progress_.step;
  e.total_steps = s_.max_steps;
  e.path = folder;
  e.lora_path = s_.method == TrainingMethod::Lora ? folder / "lora.safetensors" : folder / "model";
  e.text = "checkpoint " + folder.filename().string();
  emit(std::move(e));
  return folder;
}

void Run::take_samples(int step) {
  at::NoGradGuard no_grad;
  weights_->before_forward();
  for (auto& sample : generate_training_samples(*model_, s_, step)) {
    TrainingEvent e;
    e.kind = TrainingEvent::Kind::Sample;
    e.step = step;
    e.total_steps = s_.max_steps;
    e.path = sample.file;
    e.sample_prompt = sample.prompt;
    e.sample_seed = sample.seed;
    e.image = std::move(sample.image);
    emit(std::move(e));
  }
  last_sample_step_ = step;
}

fs::path Run::write_result() {
  const fs::path result = s_.result_path();
  if (auto* lora = dynamic_cast<TrainableLora*>(weights_.get())) {
    const LoraFile snapshot = lora->snapshot();
    const auto metadata = lora_metadata(s_, *model_, progress_.step, instances_.size());
    write_lora_file(result, snapshot, LoraNaming::Kohya, metadata);
    fs::path diffusers = result;
    diffusers.replace_extension(".diffusers.safetensors");
    write_lora_file(diffusers, snapshot, LoraNaming::Diffusers, metadata);
  } else {
    std::map<std::string, NamedTensors> trained;
    for (const auto& g : weights_->groups()) trained[g.component] = group_tensors(g);
    write_finetuned_model_folder(s_.base_model, result, trained);
  }
  return result;
}

TrainingOutcome Run::execute() {
  check_resume();
  load_data();
  build_weights();

  LossSmoother smoother;
  for (double l : progress_.losses) smoother.add(l);
  std::deque<double> recent_step_seconds;
  const auto started = Clock::now();
  const double elapsed_before = progress_.elapsed_seconds;
  const int images_per_step = s_.batch_size * s_.gradient_accumulation;

  while (progress_.step < s_.max_steps) {
    if (paused() && !cancelled()) {
      TrainingEvent e;
      e.kind = TrainingEvent::Kind::Paused;
      e.step = progress_.step;
      e.total_steps = s_.max_steps;
      emit(e);
      while (paused() && !cancelled()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      if (!cancelled()) {
        e.kind = TrainingEvent::Kind::Resumed;
        e.text = "continued at step " + std::to_string(progress_.step);
        emit(e);
      }
    }
    if (cancelled()) {
      if (last_checkpoint_step_ != progress_.step) write_checkpoint_now();
      TrainingEvent e;
      e.kind = TrainingEvent::Kind::Cancelled;
      e.step = progress_.step;
      e.total_steps = s_.max_steps;
      e.path = outcome_.last_checkpoint;
      e.text = "cancelled at step " + std::to_string(progress_.step) + "; starting again resumes from " +
               (outcome_.last_checkpoint.empty() ? std::string("the beginning") : outcome_.last_checkpoint.filename().string());
      emit(std::move(e));
      outcome_.finished = false;
      outcome_.steps_done = progress_.step;
      outcome_.final_loss = progress_.losses.empty() ? 0.0 : progress_.losses.back();
      return outcome_;
    }
    const auto t0 = Clock::now();
    const int step = progress_.step;
    const double loss = train_step(step);
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    progress_.step = step + 1;
    progress_.losses.push_back(loss);
    progress_.elapsed_seconds = elapsed_before + std::chrono::duration<double>(Clock::now() - started).count();
    recent_step_seconds.push_back(seconds);
    if (recent_step_seconds.size() > 20) recent_step_seconds.pop_front();
    double mean_seconds = 0;
    for (double v : recent_step_seconds) mean_seconds += v;
    mean_seconds /= static_cast<double>(recent_step_seconds.size());

    TrainingEvent e;
    e.kind = TrainingEvent::Kind::Step;
    e.step = progress_.step;
    e.total_steps = s_.max_steps;
    e.loss = loss;
    e.smoothed_loss = smoother.add(loss);
    e.instance_loss = last_instance_loss_;
    e.prior_loss = last_prior_loss_;
    e.learning_rate = optimizers_.front()->options().lr;
    e.samples_per_second = mean_seconds > 0 ? images_per_step / mean_seconds : 0;
    e.eta_seconds = mean_seconds * (s_.max_steps - progress_.step);
    e.elapsed_seconds = progress_.elapsed_seconds;
    emit(std::move(e));

    const bool last = progress_.step == s_.max_steps;
    if (s_.sample_every > 0 && (progress_.step % s_.sample_every == 0 || last)) take_samples(progress_.step);
    if ((s_.checkpoint_every > 0 && progress_.step % s_.checkpoint_every == 0) || last) write_checkpoint_now();
  }
  if (last_checkpoint_step_ != progress_.step) write_checkpoint_now();

  outcome_.result = write_result();
  outcome_.finished = true;
  outcome_.steps_done = progress_.step;
  outcome_.final_loss = progress_.losses.empty() ? 0.0 : progress_.losses.back();
  TrainingEvent e;
  e.kind = TrainingEvent::Kind::Finished;
  e.step = progress_.step;
  e.total_steps = s_.max_steps;
  e.path = outcome_.result;
  e.elapsed_seconds = progress_.elapsed_seconds;
  e.text = std::string(s_.method == TrainingMethod::Lora ? "LoRA" : "DreamBooth model") + " written to " +
           outcome_.result.string() + " after " + std::to_string(progress_.step) + " steps (final loss " +
           number_text(outcome_.final_loss) + ")";
  emit(std::move(e));
  return outcome_;
}

}  // namespace

TrainingOutcome run_training(const TrainingSettings& settings, const TrainingEventCallback& on_event,
                             const TrainingControl& control) {
  settings.validate();
  try {
    Run run(settings, on_event, control);
    return run.execute();
  } catch (const c10::OutOfMemoryError& e) {
    throw TrainingOutOfMemory(out_of_memory_advice(settings) + " (" + e.what_without_backtrace() + ")");
  }
}

}  // namespace steer
