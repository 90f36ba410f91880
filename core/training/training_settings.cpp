#include "core/training/training_settings.h"

#include <cmath>
#include <fstream>
#include <functional>
#include <sstream>

#include "core/common/error.h"
#include "core/common/number_text.h"

namespace steer {

namespace {

template <class E>
struct EnumName {
  E value;
  const char* name;
};

constexpr EnumName<TrainingMethod> kMethods[] = {{TrainingMethod::Lora, "lora"}, {TrainingMethod::DreamBooth, "dreambooth"}};
constexpr EnumName<PriorPreservation> kPriors[] = {{PriorPreservation::None, "none"},
                                                   {PriorPreservation::ClassImages, "class-images"},
                                                   {PriorPreservation::PriorPrediction, "prior-prediction"}};
constexpr EnumName<LearningRateSchedule> kSchedules[] = {{LearningRateSchedule::Constant, "constant"},
                                                         {LearningRateSchedule::ConstantWithWarmup, "constant-with-warmup"},
                                                         {LearningRateSchedule::Cosine, "cosine"},
                                                         {LearningRateSchedule::Linear, "linear"}};
constexpr EnumName<TrainingPrecision> kPrecisions[] = {
    {TrainingPrecision::Fp32, "fp32"}, {TrainingPrecision::Bf16, "bf16"}, {TrainingPrecision::Fp16, "fp16"}};

template <class E, size_t N>
const char* name_of(const EnumName<E> (&table)[N], E v) {
  for (const auto& e : table)
    if (e.value == v) return e.name;
  return "?";
}

template <class E, size_t N>
E value_of(const EnumName<E> (&table)[N], const std::string& text, const std::string& setting) {
  for (const auto& e : table)
    if (text == e.name) return e.value;
  std::string allowed;
  for (const auto& e : table) allowed += std::string(allowed.empty() ? "" : ", ") + e.name;
  throw InputError(setting + " \"" + text + "\" is unknown; use one of: " + allowed);
}

// One settings key: how it is written to and read from JSON. Keeping the list in one table
// makes to_json, from_json and resume_incompatibility agree on every key.
struct Field {
  const char* key;
  bool affects_steps;  // part of the resume check: changing it changes what a step computes
  std::function<json::Value(const TrainingSettings&)> get;
  std::function<void(TrainingSettings&, const json::Value&, const std::string& where)> set;
};

std::string where_of(const std::string& source, const char* key) { return source + ": \"" + key + "\""; }

json::Value number_value(const json::Value& v, const std::string& where) {
  if (!v.is_number()) throw InputError(where + " must be a number");
  return v;
}
int as_int(const json::Value& v, const std::string& where) {
  const double d = number_value(v, where).as_number();
  if (d != std::floor(d) || std::abs(d) > 2e9) throw InputError(where + " must be a whole number, not " + number_text(d));
  return static_cast<int>(d);
}
bool as_bool(const json::Value& v, const std::string& where) {
  if (!v.is_bool()) throw InputError(where + " must be true or false");
  return v.as_bool();
}
std::string as_text(const json::Value& v, const std::string& where) {
  if (!v.is_string()) throw InputError(where + " must be a string");
  return v.as_string();
}

#define STEER_NUMBER_FIELD(key, member, affects)                                                                           \
  Field {                                                                                                                  \
    key, affects, [](const TrainingSettings& s) { return json::Value(static_cast<double>(s.member)); },                    \
        [](TrainingSettings& s, const json::Value& v, const std::string& w) { s.member = number_value(v, w).as_number(); } \
  }
#define STEER_INT_FIELD(key, member, affects)                                                            \
  Field {                                                                                                \
    key, affects, [](const TrainingSettings& s) { return json::Value(static_cast<int>(s.member)); },     \
        [](TrainingSettings& s, const json::Value& v, const std::string& w) { s.member = as_int(v, w); } \
  }
#define STEER_BOOL_FIELD(key, member, affects)                                                            \
  Field {                                                                                                 \
    key, affects, [](const TrainingSettings& s) { return json::Value(s.member); },                        \
        [](TrainingSettings& s, const json::Value& v, const std::string& w) { s.member = as_bool(v, w); } \
  }
#define STEER_TEXT_FIELD(key, member, affects)                                                            \
  Field {                                                                                                 \
    key, affects, [](const TrainingSettings& s) { return json::Value(s.member); },                        \
        [](TrainingSettings& s, const json::Value& v, const std::string& w) { s.member = as_text(v, w); } \
  }
#define STEER_PATH_FIELD(key, member, affects)                                                            \
  Field {                                                                                                 \
    key, affects, [](const TrainingSettings& s) { return json::Value(s.member.generic_string()); },       \
        [](TrainingSettings& s, const json::Value& v, const std::string& w) { s.member = as_text(v, w); } \
  }
#define STEER_ENUM_FIELD(key, member, table, affects)                                                                         \
  Field {                                                                                                                     \
    key, affects, [](const TrainingSettings& s) { return json::Value(name_of(table, s.member)); },                            \
        [](TrainingSettings& s, const json::Value& v, const std::string& w) { s.member = value_of(table, as_text(v, w), w); } \
  }

const std::vector<Field>& fields() {
  static const std::vector<Field> all = {
      STEER_ENUM_FIELD("method", method, kMethods, true),
      STEER_PATH_FIELD("base_model", base_model, true),
      STEER_PATH_FIELD("dataset", dataset, true),
      STEER_TEXT_FIELD("instance_prompt", instance_prompt, true),
      STEER_PATH_FIELD("output", output, false),
      STEER_TEXT_FIELD("output_name", output_name, false),
      STEER_TEXT_FIELD("device", device, false),
      STEER_INT_FIELD("resolution", resolution, true),
      STEER_BOOL_FIELD("center_crop", center_crop, true),
      STEER_BOOL_FIELD("flip", flip, true),
      STEER_BOOL_FIELD("buckets", buckets, true),
      Field{"background", true,
            [](const TrainingSettings& s) {
              return json::Value(json::Array{json::Value(int(s.background[0])), json::Value(int(s.background[1])),
                                             json::Value(int(s.background[2]))});
            },
            [](TrainingSettings& s, const json::Value& v, const std::string& w) {
              if (!v.is_array() || v.as_array().size() != 3) throw InputError(w + " must be [r, g, b] with 0..255 each");
              for (size_t i = 0; i < 3; ++i) {
                const int c = as_int(v.as_array()[i], w);
                if (c < 0 || c > 255) throw InputError(w + " must be [r, g, b] with 0..255 each");
                s.background[i] = static_cast<uint8_t>(c);
              }
            }},
      STEER_INT_FIELD("minimum_images", minimum_images, false),
      STEER_INT_FIELD("rank", rank, true),
      STEER_NUMBER_FIELD("alpha", alpha, true),
      STEER_BOOL_FIELD("train_feed_forward", train_feed_forward, true),
      STEER_BOOL_FIELD("train_text_encoder", train_text_encoder, true),
      STEER_INT_FIELD("max_steps", max_steps, false),
      STEER_INT_FIELD("batch_size", batch_size, true),
      STEER_INT_FIELD("gradient_accumulation", gradient_accumulation, true),
      STEER_NUMBER_FIELD("learning_rate", learning_rate, true),
      Field{"text_encoder_learning_rate", true,
            [](const TrainingSettings& s) {
              return s.text_encoder_learning_rate ? json::Value(*s.text_encoder_learning_rate) : json::Value();
            },
            [](TrainingSettings& s, const json::Value& v, const std::string& w) {
              if (v.is_null())
                s.text_encoder_learning_rate.reset();
              else
                s.text_encoder_learning_rate = number_value(v, w).as_number();
            }},
      STEER_ENUM_FIELD("lr_schedule", lr_schedule, kSchedules, true),
      STEER_INT_FIELD("warmup_steps", warmup_steps, true),
      STEER_NUMBER_FIELD("adam_beta1", adam_beta1, true),
      STEER_NUMBER_FIELD("adam_beta2", adam_beta2, true),
      STEER_NUMBER_FIELD("adam_weight_decay", adam_weight_decay, true),
      STEER_NUMBER_FIELD("adam_epsilon", adam_epsilon, true),
      STEER_NUMBER_FIELD("max_grad_norm", max_grad_norm, true),
      Field{"snr_gamma", true, [](const TrainingSettings& s) { return s.snr_gamma ? json::Value(*s.snr_gamma) : json::Value(); },
            [](TrainingSettings& s, const json::Value& v, const std::string& w) {
              if (v.is_null())
                s.snr_gamma.reset();
              else
                s.snr_gamma = number_value(v, w).as_number();
            }},
      STEER_NUMBER_FIELD("noise_offset", noise_offset, true),
      STEER_NUMBER_FIELD("caption_dropout", caption_dropout, true),
      STEER_ENUM_FIELD("precision", precision, kPrecisions, true),
      STEER_BOOL_FIELD("gradient_checkpointing", gradient_checkpointing, false),
      Field{"seed", true, [](const TrainingSettings& s) { return json::Value(static_cast<double>(s.seed)); },
            [](TrainingSettings& s, const json::Value& v, const std::string& w) {
              const double d = number_value(v, w).as_number();
              if (d < 0 || d != std::floor(d) || d > 9007199254740992.0)
                throw InputError(w + " must be a whole number from 0 to 2^53");
              s.seed = static_cast<uint64_t>(d);
            }},
      STEER_ENUM_FIELD("prior", prior, kPriors, true),
      STEER_TEXT_FIELD("class_prompt", class_prompt, true),
      STEER_INT_FIELD("class_images", class_images, true),
      STEER_NUMBER_FIELD("prior_loss_weight", prior_loss_weight, true),
      STEER_INT_FIELD("class_image_steps", class_image_steps, true),
      STEER_PATH_FIELD("class_image_folder", class_image_folder, false),
      STEER_INT_FIELD("checkpoint_every", checkpoint_every, false),
      STEER_INT_FIELD("keep_checkpoints", keep_checkpoints, false),
      STEER_INT_FIELD("sample_every", sample_every, false),
      Field{"sample_prompts", false,
            [](const TrainingSettings& s) {
              json::Array a;
              for (const auto& p : s.sample_prompts) a.emplace_back(p);
              return json::Value(std::move(a));
            },
            [](TrainingSettings& s, const json::Value& v, const std::string& w) {
              if (!v.is_array()) throw InputError(w + " must be a list of prompts");
              s.sample_prompts.clear();
              for (const auto& p : v.as_array()) s.sample_prompts.push_back(as_text(p, w));
            }},
      Field{"sample_seeds", false,
            [](const TrainingSettings& s) {
              json::Array a;
              for (int64_t seed : s.sample_seeds) a.emplace_back(seed);
              return json::Value(std::move(a));
            },
            [](TrainingSettings& s, const json::Value& v, const std::string& w) {
              if (!v.is_array()) throw InputError(w + " must be a list of seeds");
              s.sample_seeds.clear();
              for (const auto& p : v.as_array()) s.sample_seeds.push_back(as_int(p, w));
            }},
      STEER_INT_FIELD("sample_steps", sample_steps, false),
      STEER_NUMBER_FIELD("sample_guidance", sample_guidance, false),
      STEER_TEXT_FIELD("sample_sampler", sample_sampler, false),
  };
  return all;
}

void require(bool ok, const std::string& message) {
  if (!ok) throw InputError(message);
}

}  // namespace

const char* to_string(TrainingMethod v) { return name_of(kMethods, v); }
const char* to_string(PriorPreservation v) { return name_of(kPriors, v); }
const char* to_string(LearningRateSchedule v) { return name_of(kSchedules, v); }
const char* to_string(TrainingPrecision v) { return name_of(kPrecisions, v); }
TrainingMethod training_method_from(const std::string& t, const std::string& s) { return value_of(kMethods, t, s); }
PriorPreservation prior_preservation_from(const std::string& t, const std::string& s) { return value_of(kPriors, t, s); }
LearningRateSchedule learning_rate_schedule_from(const std::string& t, const std::string& s) {
  return value_of(kSchedules, t, s);
}
TrainingPrecision training_precision_from(const std::string& t, const std::string& s) { return value_of(kPrecisions, t, s); }

std::filesystem::path TrainingSettings::result_path() const {
  return method == TrainingMethod::Lora ? output / (output_name + ".safetensors") : output / output_name;
}

void TrainingSettings::validate() const {
  namespace fs = std::filesystem;
  require(!base_model.empty(), "base_model is not set: choose the diffusers folder of the model to personalize");
  require(fs::is_directory(base_model), "base_model \"" + base_model.string() + "\" is not a folder");
  require(!dataset.empty(), "dataset is not set: choose the folder of the subject's images");
  require(fs::exists(dataset), "dataset \"" + dataset.string() + "\" does not exist");
  require(!output.empty(), "output is not set: choose the folder the run writes to");
  require(!output_name.empty() && output_name.find_first_of("/\\:") == std::string::npos,
          "output_name \"" + output_name + "\" must be a plain file name");
  require(device == "cpu" || device == "cuda", "device \"" + device + "\" is unknown; use cpu or cuda");
  require(resolution >= 8 && resolution <= 2048 && resolution % 8 == 0,
          "resolution " + std::to_string(resolution) + " must be a multiple of 8 from 8 to 2048");
  require(rank >= 1 && rank <= 1024, "rank " + std::to_string(rank) + " must be from 1 to 1024");
  require(alpha > 0, "alpha " + number_text(alpha) + " must be positive (scale = alpha / rank)");
  require(max_steps >= 1, "max_steps " + std::to_string(max_steps) + " must be at least 1");
  require(batch_size >= 1 && batch_size <= 64, "batch_size " + std::to_string(batch_size) + " must be from 1 to 64");
  require(gradient_accumulation >= 1, "gradient_accumulation must be at least 1");
  require(learning_rate > 0 && learning_rate < 1, "learning_rate " + number_text(learning_rate) + " must be in (0, 1)");
  require(!text_encoder_learning_rate || (*text_encoder_learning_rate > 0 && *text_encoder_learning_rate < 1),
          "text_encoder_learning_rate must be in (0, 1)");
  require(warmup_steps >= 0, "warmup_steps " + std::to_string(warmup_steps) + " must not be negative");
  require(adam_beta1 >= 0 && adam_beta1 < 1 && adam_beta2 >= 0 && adam_beta2 < 1, "adam_beta1/adam_beta2 must be in [0, 1)");
  require(adam_weight_decay >= 0, "adam_weight_decay must not be negative");
  require(adam_epsilon > 0, "adam_epsilon must be positive");
  require(max_grad_norm >= 0, "max_grad_norm must not be negative (0 disables clipping)");
  require(!snr_gamma || *snr_gamma > 0, "snr_gamma must be positive (e.g. 5)");
  require(noise_offset >= 0 && noise_offset <= 1, "noise_offset " + number_text(noise_offset) + " must be in [0, 1]");
  require(caption_dropout >= 0 && caption_dropout < 1, "caption_dropout " + number_text(caption_dropout) + " must be in [0, 1)");
  require(!(precision == TrainingPrecision::Fp16 && device == "cpu"),
          "precision fp16 needs device cuda; on the CPU use bf16 or fp32");
  if (prior != PriorPreservation::None) {
    require(!class_prompt.empty(), std::string("prior ") + to_string(prior) +
                                       " needs class_prompt, the subject's class without its token (\"a photo of a mug\")");
    require(prior_loss_weight >= 0, "prior_loss_weight must not be negative");
    require(!snr_gamma,
            "prior preservation and snr_gamma cannot be combined (diffusers' recipe defines neither); "
            "unset one of them");
  }
  require(!(buckets && batch_size > 1),
          "buckets need batch_size 1 (a batch holds one image size); set batch_size 1 "
          "and raise gradient_accumulation instead");
  require(!(method == TrainingMethod::DreamBooth && prior == PriorPreservation::PriorPrediction && train_text_encoder),
          "prior prediction with a trained text encoder is only available for LoRA runs (a full DreamBooth run "
          "would need a frozen copy of the text encoder); use class images or a frozen text encoder");
  if (prior == PriorPreservation::ClassImages) {
    require(class_images >= 1 && class_images <= 10000, "class_images must be from 1 to 10000");
    require(class_image_steps >= 1 && class_image_steps <= 200, "class_image_steps must be from 1 to 200");
  }
  require(checkpoint_every >= 0, "checkpoint_every must not be negative (0: only at the end)");
  require(keep_checkpoints >= 1, "keep_checkpoints must be at least 1");
  require(sample_every >= 0, "sample_every must not be negative (0: no samples)");
  require(sample_every == 0 || !sample_prompts.empty(), "sample_every is set but sample_prompts is empty");
  require(sample_every == 0 || !sample_seeds.empty(), "sample_every is set but sample_seeds is empty");
  require(sample_steps >= 1 && sample_steps <= 200, "sample_steps must be from 1 to 200");
  require(sample_guidance >= 0, "sample_guidance must not be negative");
  require(sample_sampler == "ddim" || sample_sampler == "euler" || sample_sampler == "euler_a" || sample_sampler == "dpmpp_2m",
          "sample_sampler \"" + sample_sampler + "\" is unknown; use ddim, euler, euler_a or dpmpp_2m");
}

json::Value TrainingSettings::to_json() const {
  json::Value out{json::Object{}};
  for (const auto& f : fields()) out.set(f.key, f.get(*this));
  return out;
}

TrainingSettings TrainingSettings::from_json(const json::Value& value, const std::string& source, const TrainingSettings& base) {
  if (!value.is_object()) throw InputError(source + ": training settings must be a JSON object");
  TrainingSettings s = base;
  for (const auto& [key, v] : value.as_object()) {
    const Field* field = nullptr;
    for (const auto& f : fields())
      if (key == f.key) field = &f;
    if (!field) {
      std::string known;
      for (const auto& f : fields()) known += std::string(known.empty() ? "" : ", ") + f.key;
      throw InputError(source + ": unknown setting \"" + key + "\"; the settings are: " + known);
    }
    field->set(s, v, where_of(source, field->key));
  }
  return s;
}

TrainingSettings TrainingSettings::load(const std::filesystem::path& file, const TrainingSettings& base) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file.string() + ": cannot open the training settings file");
  std::stringstream text;
  text << in.rdbuf();
  json::Value v;
  try {
    v = json::parse(text.str());
  } catch (const std::exception& e) {
    throw InputError(file.string() + ": not valid JSON (" + e.what() + ")");
  }
  return from_json(v, file.string(), base);
}

TrainingSettings TrainingSettings::from_json(const json::Value& value, const std::string& source) {
  return from_json(value, source, TrainingSettings{});
}

TrainingSettings TrainingSettings::load(const std::filesystem::path& file) { return load(file, TrainingSettings{}); }

std::string TrainingSettings::resume_incompatibility(const TrainingSettings& recorded) const {
  for (const auto& f : fields()) {
    if (!f.affects_steps) continue;
    // Paths are compared as written, so a moved dataset folder with the same images is
    // refused; the message names the key so the user can restore it or start afresh.
    if (f.get(*this).dump() != f.get(recorded).dump()) return f.key;
  }
  // A decaying schedule is a function of the total: changing it changes every later step.
  const bool decays = lr_schedule == LearningRateSchedule::Cosine || lr_schedule == LearningRateSchedule::Linear;
  if (decays && max_steps != recorded.max_steps) return "max_steps";
  return "";
}

// ---- presets --------------------------------------------------------------------------------

namespace {
struct Preset {
  const char* name;
  const char* description;
  std::function<void(TrainingSettings&)> apply;
};

const std::vector<Preset>& presets() {
  static const std::vector<Preset> all = {
      {"lora-quick", "LoRA rank 8, 400 steps at 1e-4 (constant): a first look in minutes",
       [](TrainingSettings& s) {
         s.method = TrainingMethod::Lora;
         s.rank = 8;
         s.alpha = 8;
         s.max_steps = 400;
         s.learning_rate = 1e-4;
         s.lr_schedule = LearningRateSchedule::Constant;
         s.warmup_steps = 0;
         s.train_feed_forward = false;
         s.checkpoint_every = 100;
         s.sample_every = 100;
       }},
      {"lora-quality", "LoRA rank 32 on attention and feed-forward, 1500 steps, cosine with warmup, min-SNR 5",
       [](TrainingSettings& s) {
         s.method = TrainingMethod::Lora;
         s.rank = 32;
         s.alpha = 32;
         s.max_steps = 1500;
         s.learning_rate = 1e-4;
         s.lr_schedule = LearningRateSchedule::Cosine;
         s.warmup_steps = 100;
         s.train_feed_forward = true;
         if (s.prior == PriorPreservation::None) s.snr_gamma = 5.0;
         s.checkpoint_every = 250;
         s.sample_every = 250;
       }},
      {"dreambooth", "Full DreamBooth: the whole UNet, 800 steps at 5e-6, prior preservation with class images",
       [](TrainingSettings& s) {
         s.method = TrainingMethod::DreamBooth;
         s.max_steps = 800;
         s.learning_rate = 5e-6;
         s.lr_schedule = LearningRateSchedule::Constant;
         s.warmup_steps = 0;
         s.prior = PriorPreservation::ClassImages;
         s.snr_gamma.reset();
         s.class_images = 100;
         s.checkpoint_every = 200;
         s.keep_checkpoints = 2;
         s.sample_every = 200;
       }},
      {"lora-small", "LoRA rank 4, 400 steps at 5e-4 (constant): small models such as the demo world's (64 px)",
       [](TrainingSettings& s) {
         s.method = TrainingMethod::Lora;
         s.rank = 4;
         s.alpha = 4;
         s.max_steps = 400;
         s.learning_rate = 5e-4;
         s.lr_schedule = LearningRateSchedule::Constant;
         s.warmup_steps = 0;
         s.train_feed_forward = false;
         s.checkpoint_every = 100;
         s.sample_every = 100;
       }},
  };
  return all;
}
}  // namespace

std::string training_preset_for_model(int native_resolution) {
  return native_resolution > 0 && native_resolution < 256 ? "lora-small" : "lora-quick";
}

const std::vector<std::string>& training_preset_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& p : presets()) n.push_back(p.name);
    return n;
  }();
  return names;
}

std::string training_preset_description(const std::string& name) {
  for (const auto& p : presets())
    if (name == p.name) return p.description;
  return "";
}

void apply_training_preset(TrainingSettings& settings, const std::string& name) {
  for (const auto& p : presets())
    if (name == p.name) return p.apply(settings);
  std::string known;
  for (const auto& p : presets()) known += std::string(known.empty() ? "" : ", ") + p.name;
  throw InputError("training preset \"" + name + "\" is unknown; the presets are: " + known);
}

}  // namespace steer
