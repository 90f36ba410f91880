#pragma once
// A training run as the CLI and the app see it (torch-free): settings in, events out as
// values, cancel and pause polled between steps. The run owns its own copy of the base model
// (loaded for training: autograd-capable weights, the compute dtype the settings ask for), so
// it never touches the model a generation session holds.
//
// Run folder (TrainingSettings::output):
//   training.json                  the settings of the run (resume checks them)
//   checkpoints/step-000100/       lora.safetensors (kohya naming; a usable LoRA, also as AG's
//                                  weak model) or unet/ (DreamBooth), optimizer.safetensors,
//                                  state.json (step, schedule, loss history); written to a
//                                  temporary folder and renamed, newest K kept
//   samples/step-000100-p0-s0.png  samples with their settings (A1111 "parameters" text)
//   class-images/                  generated class images + manifest.json (prompt, seeds, model)
//   <name>.safetensors             the LoRA (kohya naming, ss_* metadata), and
//   <name>.diffusers.safetensors   the same LoRA in diffusers/PEFT naming
//   <name>/                        DreamBooth: a diffusers folder (the base's other components)
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/common/image_buffer.h"
#include "core/training/training_settings.h"

namespace steer {

// The device ran out of memory during training; the message says what to lower.
class TrainingOutOfMemory : public Error {
 public:
  using Error::Error;
};

// The advice given with TrainingOutOfMemory, for the settings that ran out.
std::string out_of_memory_advice(const TrainingSettings& settings);

struct TrainingEvent {
  enum class Kind {
    Preparing,          // text: what is being prepared; done/total: progress (class images, caching)
    Warning,            // text: a dataset warning (small image, duplicate) or advice
    Step,               // an optimizer step finished
    CheckpointWritten,  // path: the checkpoint folder; lora_path: its usable LoRA (LoRA runs)
    Sample,             // image, sample_prompt, sample_seed, path of the saved PNG
    Paused,             // the run waits (pause flag set)
    Resumed,            // text: "resumed from step N" (also when a run continues a checkpoint)
    Finished,           // path: the result; text: a summary line
    Cancelled,          // path: the checkpoint written at cancel time (resume continues it)
  };
  Kind kind = Kind::Step;
  int step = 0;  // optimizer steps done
  int total_steps = 0;
  double loss = 0;           // this step's loss (mean over its micro-batches)
  double smoothed_loss = 0;  // exponential moving average (0.9), bias-corrected
  std::optional<double> instance_loss, prior_loss;
  double learning_rate = 0;
  double samples_per_second = 0;  // instance images per second over the recent steps
  double eta_seconds = 0;
  double elapsed_seconds = 0;
  std::string text;
  int done = 0, total = 0;  // Preparing progress
  std::filesystem::path path, lora_path;
  ImageRGBA8 image;
  std::string sample_prompt;
  int64_t sample_seed = 0;
};

using TrainingEventCallback = std::function<void(const TrainingEvent&)>;

struct TrainingControl {
  const std::atomic<bool>* cancel = nullptr;  // stop after the current step; a checkpoint is written
  const std::atomic<bool>* pause = nullptr;   // wait between steps while set
};

struct TrainingOutcome {
  bool finished = false;  // false: cancelled (a checkpoint holds the state)
  int steps_done = 0;
  std::filesystem::path result;  // the LoRA file / DreamBooth folder (finished runs)
  std::filesystem::path last_checkpoint;
  double final_loss = 0;
  std::vector<std::string> warnings;
};

// Implemented in core/training/run/ (library steer_training_run, which also needs OpenImageIO
// for the dataset and the sample images).
//
// Runs (or, when `settings.output` holds checkpoints of a run with compatible settings,
// resumes) a training run. Throws InputError for bad settings or data (before any work),
// TrainingOutOfMemory when the device runs out of memory (with advice), Error for I/O
// failures (the previous checkpoint stays intact).
TrainingOutcome run_training(const TrainingSettings& settings, const TrainingEventCallback& on_event = {},
                             const TrainingControl& control = {});

// The newest complete checkpoint in a run folder, if any.
std::optional<std::filesystem::path> latest_checkpoint(const std::filesystem::path& run_folder);

}  // namespace steer
