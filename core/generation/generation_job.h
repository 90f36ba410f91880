#pragma once
// Guided generation on a loaded model: the one place where schedule, sampler, guidance
// and subject meet. The sampler loop asks for a prediction at (x, t, step); how that
// prediction is assembled (which branches, which LoRA scales, which weights) stays here.
#include <ATen/core/Tensor.h>

#include <atomic>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>

#include "core/common/cancellation.h"
#include "core/generation/generation_request.h"
#include "core/guidance/guidance_method.h"
#include "core/pipeline/stable_diffusion_model.h"

namespace steer {

struct LoraFile;
class LoraAttachment;
class FineTunedSubject;

class GenerationSession {
 public:
  explicit GenerationSession(StableDiffusionModel& model);
  ~GenerationSession();

  // Loads the subject, replacing the previous one. InputError when it does not fit the
  // model. SubjectSpec::Kind::None detaches.
  //   Lora: attached to the model's layers (θ_ft = LoRA at the multiplier, θ_ω = at ω·multiplier).
  //   FineTuned: a diffusers folder of the base's architecture, loaded beside it (θ_ω built
  //     in place once per distinct ω); see memory_note().
  //   A textual-inversion embedding is refused with the reason (PG would equal CFG).
  void set_subject(const SubjectSpec& subject);
  const SubjectSpec& subject() const { return subject_; }

  // What the subject costs in memory beside the base model, for the user ("" when it costs
  // nothing worth saying, e.g. a LoRA or no subject).
  const std::string& memory_note() const { return memory_note_; }

  // Runs one job. `on_step` is called after every step on this thread; `cancel` is
  // polled between steps (JobCancelled).
  GenerationResult generate(const GenerationRequest& request, const StepCallback& on_step = {},
                            const std::atomic<bool>* cancel = nullptr);

  // The prompt embedding (1, 77, D) of the subject model at weight `lora_scale` (the LoRA's
  // text-encoder part at that scale; for a fine-tuned subject the text encoder of θ_ω with
  // ω = lora_scale), cached per (prompt, scale, clip skip).
  at::Tensor encode(const std::string& prompt, double lora_scale, int clip_skip);

 private:
  // The weights a pass runs with: the subject at a weight (1 = θ_ft, 0 = θ_pre, ω = θ_ω),
  // or an earlier LoRA checkpoint of the subject in place of the subject (AG).
  struct PassModel {
    double weight = 1.0;
    const LoraFile* checkpoint = nullptr;
  };
  struct Branches;
  Branches predict(const at::Tensor& x_in, double timestep, const GenerationRequest& request, bool guided,
                   const at::Tensor& cond_strong, const at::Tensor& cond_weak, const PassModel& weak);
  at::Tensor run_unet(const PassModel& pass, const at::Tensor& x_in, double timestep, const at::Tensor& cond);
  at::Tensor encode_for(const std::string& prompt, const PassModel& pass, int clip_skip);
  // Runs `body` with the subject LoRA detached and `checkpoint` attached, then restores.
  template <class F>
  void with_checkpoint(const LoraFile& checkpoint, F&& body);
  const LoraFile& checkpoint_lora(const std::string& path);
  SubjectFacts subject_facts() const;

  StableDiffusionModel& model_;
  SubjectSpec subject_;
  std::unique_ptr<LoraFile> lora_;
  std::unique_ptr<LoraAttachment> attachment_;
  std::unique_ptr<FineTunedSubject> finetuned_;
  std::map<std::string, std::unique_ptr<LoraFile>> checkpoints_;  // AG weak models, by path
  // (model tag, prompt, scale, clip skip): tag "" is the subject, "ckpt:<path>" a checkpoint.
  std::map<std::tuple<std::string, std::string, double, int>, at::Tensor> encodings_;
  std::string memory_note_;
};

}  // namespace steer
