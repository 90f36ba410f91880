#pragma once
// Guided generation on a loaded model: the one place where schedule, sampler, guidance
// and subject meet. The sampler loop asks for a prediction at (x, t, step); how that
// prediction is assembled (which branches, which LoRA scales, which weights) stays here.
#include <ATen/core/Tensor.h>

#include <atomic>
#include <map>
#include <memory>
#include <stdexcept>
#include <utility>

#include "core/engine/stable_diffusion_model.h"
#include "core/generation/generation_request.h"

namespace steer {

struct LoraFile;
class LoraAttachment;

// Thrown when a job is cancelled between steps; nothing has been written.
class GenerationCancelled : public std::runtime_error {
 public:
  GenerationCancelled() : std::runtime_error("generation cancelled") {}
};

class GenerationSession {
 public:
  explicit GenerationSession(StableDiffusionModel& model);
  ~GenerationSession();

  // Loads and attaches the subject (a LoRA), replacing the previous one. InputError when
  // it does not fit the model. SubjectSpec::Kind::None detaches.
  void set_subject(const SubjectSpec& subject);
  const SubjectSpec& subject() const { return subject_; }

  // Runs one job. `on_step` is called after every step on this thread; `cancel` is
  // polled between steps (GenerationCancelled).
  GenerationResult generate(const GenerationRequest& request, const StepCallback& on_step = {},
                            const std::atomic<bool>* cancel = nullptr);

  // The prompt embedding (1, 77, D) with the subject's text-encoder LoRA at `lora_scale`,
  // cached per (prompt, scale, clip skip).
  at::Tensor encode(const std::string& prompt, double lora_scale, int clip_skip);

 private:
  struct Branches;
  Branches predict(const at::Tensor& x_in, double timestep, const GenerationRequest& request, double omega, bool guided,
                   const at::Tensor& cond_strong, const at::Tensor& cond_weak, double weak_scale);
  void check_subject_for(const GenerationRequest& request) const;

  StableDiffusionModel& model_;
  SubjectSpec subject_;
  std::unique_ptr<LoraFile> lora_;
  std::unique_ptr<LoraAttachment> attachment_;
  std::map<std::tuple<std::string, double, int>, at::Tensor> encodings_;
};

}  // namespace steer
