#pragma once
// A generation job as plain values: what the UI panel, the CLI and the sweep runner fill
// in, and what the exporter records. Torch-free.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/common/image_buffer.h"
#include "core/export/sweep_record.h"
#include "core/guidance/guidance_settings.h"

namespace steer {

// The personalized subject generated beside the base model.
struct SubjectSpec {
  enum class Kind { None, Lora, FineTuned };
  Kind kind = Kind::None;
  std::filesystem::path path;  // a LoRA .safetensors, or a diffusers folder of the same architecture
  double multiplier = 1.0;     // LoRA strength applied as "scale 1" (θ_ft)

  // The strength must be finite and within ±kMaxLoraStrength (beyond that a LoRA only
  // produces noise); InputError naming the value otherwise.
  static constexpr double kMaxLoraStrength = 4.0;
  void validate() const;
};

struct GenerationRequest {
  std::string prompt;
  std::string negative_prompt;  // ∅ when given; the empty prompt otherwise
  int64_t seed = 0;
  int width = 512, height = 512;
  int steps = 30;
  std::string sampler = "euler";  // ddim | euler | euler_a | dpmpp_2m
  bool karras_sigmas = false;
  double eta = 0.0;  // DDIM only
  int clip_skip = 0;
  GuidanceSettings guidance;
  // Noise on the CPU generator (the default: the same image as diffusers, on any device)
  // or on the compute device (faster on a GPU, not reproducible across devices).
  bool noise_on_device = false;
  // Run the two guidance branches as one batch-2 UNet call (the default) or as two calls.
  bool batch_branches = true;
  // When every pass uses the subject LoRA at the same weight (CFG; PG at ω = 1), fold it into
  // the UNet's weights for the job (core/lora/lora_merge.h: plain layers, the fast path other
  // tools use). false keeps the branches: the exact unmerged arithmetic (within 1/255 per pixel).
  bool merge_lora = true;
  // What the step events carry besides the guided preview.
  bool want_branch_previews = false;
  bool want_latents = false;

  // Checks every setting before any work starts; InputError names the setting and the
  // allowed values.
  void validate() const;
};

// A latent copied out of the engine (for branch views and debugging), C-contiguous.
struct LatentSnapshot {
  std::vector<int64_t> shape;
  std::vector<float> values;
};

struct StepEvent {
  int step = 0;  // 1-based: the step just finished
  int steps = 0;
  double timestep = 0, sigma = 0;
  double elapsed_seconds = 0;
  bool guided = true;                       // false inside a guidance interval's unguided part
  double omega = 1.0;                       // the ω used at this step (PG)
  ImageRGBA8 preview;                       // latent→RGB projection of the guided x0 estimate, H/8 x W/8
  ImageRGBA8 preview_strong, preview_weak;  // when want_branch_previews
  std::optional<LatentSnapshot> latent;     // when want_latents: x after this step
};

using StepCallback = std::function<void(const StepEvent&)>;

struct GenerationResult {
  ImageRGBA8 image;
  std::optional<LatentSnapshot> final_latent;  // when want_latents
  double seconds = 0;
  // The settings that reproduce the image with the names and hashes of the model and subject
  // files (Engine::record_for): what a kept image's A1111 text and sidecar carry. Filled by
  // clients that keep images (the app's engine thread); the generation itself leaves it empty.
  std::optional<CellSettings> record;
};

}  // namespace steer
