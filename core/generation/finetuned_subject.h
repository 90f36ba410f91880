#pragma once
// A fully fine-tuned subject (docs/guidance.md, "How PG stays free"): θ_ft loaded beside the
// base model θ_pre, and a θ_ω workspace built in place, θ_ω = θ_pre + ω·(θ_ft − θ_pre),
// once per distinct ω (rebuilt only when ω changes, e.g. between the steps of an ω
// schedule). ω = 0 is the base model itself and ω = 1 is θ_ft itself: no workspace, no
// rounding, so PG at ω = 1 is CFG on θ_ft to the bit.
//
// The text encoder is loaded too; when its weights equal the base's (the usual DreamBooth
// UNet-only fine-tune) it is dropped and every ω shares the base text encoder.
#include <ATen/core/Tensor.h>

#include <filesystem>
#include <memory>
#include <string>

namespace steer {

class StableDiffusionModel;
class UNet2DConditionModel;
class ClipTextModel;
class Module;

class FineTunedSubject {
 public:
  // Loads the diffusers folder `folder` beside `base` (same device and dtype). InputError
  // when it is not the base's architecture (naming the first differing key and both
  // folders), predicts another quantity (prediction_type), or has the base's weights.
  FineTunedSubject(const StableDiffusionModel& base, const std::filesystem::path& folder);
  ~FineTunedSubject();
  FineTunedSubject(const FineTunedSubject&) = delete;
  FineTunedSubject& operator=(const FineTunedSubject&) = delete;

  const std::filesystem::path& folder() const { return folder_; }
  bool text_encoder_differs() const { return static_cast<bool>(te_ft_); }

  // The UNet with weights θ_ω: the base's for ω = 0, θ_ft's for ω = 1, the workspace
  // (rebuilt when `omega` differs from the ω it holds) otherwise. The reference stays valid
  // until the next call with another ω in (0, 1).
  const UNet2DConditionModel& unet_at(double omega);
  // The prompt embedding (1, 77, D) from the text encoder at ω (the base tokenizer).
  at::Tensor encode_prompt(const std::string& prompt, double omega, int clip_skip);

  // Extra memory over the base model, e.g. "fine-tuned subject: +2 UNet copies (θ_ft and
  // the θ_ω workspace), 6.9 GB in fp32 ..." — from the real parameter counts.
  std::string memory_note() const;
  int64_t extra_bytes() const;
  // How often the UNet workspace was rebuilt (tests, logs).
  int unet_rebuilds() const { return unet_rebuilds_; }

 private:
  const StableDiffusionModel& base_;
  std::filesystem::path folder_;
  std::unique_ptr<UNet2DConditionModel> unet_ft_, unet_ws_;
  std::unique_ptr<ClipTextModel> te_ft_, te_ws_;  // te_ft_ only when it differs from the base's
  double unet_ws_omega_ = -1, te_ws_omega_ = -1;  // the ω the workspaces hold (-1: none yet)
  int unet_rebuilds_ = 0;
};

// θ_ω written into `workspace` (allocated on first use): pre + ω·(ft − pre), parameter by
// parameter (at::lerp). The three trees must have the same parameters.
void lerp_parameters_into(const Module& pre, const Module& ft, Module& workspace, double omega);

// "" when both trees have the same parameter names and shapes; otherwise the first
// difference, e.g. `key "conv_in.weight": [32,4,3,3] in A, [16,4,3,3] in B`.
std::string first_parameter_difference(const Module& a, const std::string& a_label, const Module& b, const std::string& b_label);

// "" when `path` is not a textual-inversion embedding; otherwise what makes it one, e.g.
// "emb_params [2, 32]". Recognises emb_params, string_to_param.*, clip_l / clip_g, and a
// file holding a single 2-D tensor [n, 768 | 1024 | text width]. Never throws: a file that
// cannot be read is left to the LoRA reader's messages.
std::string textual_inversion_signature(const std::filesystem::path& path, int64_t text_width);

// The refusal for a textual-inversion file given as a subject (why PG = CFG for every ω).
std::string textual_inversion_refusal(const std::filesystem::path& path, const std::string& signature);

}  // namespace steer
