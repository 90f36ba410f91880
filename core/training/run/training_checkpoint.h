#pragma once
// Checkpoints of a training run (issue 5 item 5): checkpoints/step-000100/ holding
//   lora.safetensors   the LoRA at that step (kohya naming): a usable subject and AG weak model
//   model/             DreamBooth: the fine-tuned diffusers folder at that step
//   optimizer.safetensors  AdamW moments and per-parameter step counts, "<component>/<name>/exp_avg"
//   state.json         step, per-step losses, fp16 loss-scaler state, elapsed time
// Everything is written into a hidden staging folder first; the rename to step-NNNNNN is the
// commit point, so a checkpoint folder is either complete or absent (a failed write — disk
// full — leaves the previous checkpoints as they were). After a commit only the newest
// `keep` checkpoints are kept. Every other piece of a step's state is a function of the step
// number (data order, noise, timesteps and flips are drawn from (seed, step); the learning
// rate is a function of the step), so resuming from a checkpoint continues exactly.
#include <ATen/core/Tensor.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/formats/json.h"

namespace steer::training {

class AdamW;
struct ParameterGroup;

struct CheckpointProgress {
  int step = 0;                 // optimizer steps done
  std::vector<double> losses;   // one per step done
  double loss_scale = 65536.0;  // fp16 dynamic loss scaling
  int good_steps = 0;
  double elapsed_seconds = 0;
};

// The folder name of a step: "step-000100".
std::string checkpoint_name(int step);

// Writes a checkpoint. `write_weights(staging_folder)` writes the weights artefact into the
// staging folder. `optimizers[i]` holds the state of `groups[i]`. Throws steer::Error naming the
// checkpoint and the cause; the staging folder is removed on failure. Returns the folder.
std::filesystem::path write_checkpoint(const std::filesystem::path& checkpoints_folder, const CheckpointProgress& progress,
                                       const std::vector<ParameterGroup>& groups, const std::vector<AdamW*>& optimizers,
                                       const std::function<void(const std::filesystem::path&)>& write_weights, int keep);

// The newest complete checkpoint folder (one with state.json), if any; staging leftovers of an
// interrupted write are removed.
std::optional<std::filesystem::path> newest_checkpoint(const std::filesystem::path& checkpoints_folder);

CheckpointProgress read_checkpoint_progress(const std::filesystem::path& checkpoint);
// Restores the optimizer state of `groups` (by name) into `optimizers`; InputError when a
// parameter is missing or misshapen (a checkpoint of another run).
void read_optimizer_state(const std::filesystem::path& checkpoint, const std::vector<ParameterGroup>& groups,
                          const std::vector<AdamW*>& optimizers);

}  // namespace steer::training
