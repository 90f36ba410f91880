#pragma once
// What a training run changes, attached to a loaded model: LoRA branches on the UNet (and
// optionally the text encoder), or the model's own UNet (and text encoder) weights for full
// DreamBooth. Both expose fp32 master weights grouped by component; the optimizer, gradient
// clipping and checkpoints work on those and never see the difference.
//
// Mixed precision (bf16/fp16 compute): the model runs in the compute dtype and the masters
// stay fp32. LoRA casts its masters into the branches before every forward (the cast is part
// of the graph, so gradients arrive in fp32); full training keeps compute-dtype working copies
// as the model's weights, moves their gradients to the masters after backward and copies the
// masters back after each optimizer step.
#include <ATen/core/Tensor.h>

#include <memory>
#include <string>
#include <vector>

#include "core/models/lora_branch.h"

namespace steer {

class Module;
class StableDiffusionModel;
struct LoraFile;

namespace training {

struct ParameterGroup {
  std::string component;            // "unet" | "text_encoder"
  std::vector<std::string> names;   // LoRA: "<module path>.down" / ".up"; full: the weight keys
  std::vector<at::Tensor> masters;  // fp32 leaves with requires_grad, on the model's device
};

class TrainableWeights {
 public:
  virtual ~TrainableWeights() = default;
  virtual const std::vector<ParameterGroup>& groups() const = 0;
  virtual void before_forward() {}
  virtual void after_backward() {}
  virtual void after_step() {}
  // Every master, all groups in order.
  std::vector<at::Tensor> all_masters() const;
};

// Trainable LoRA branches attached to the model's layers for the lifetime of the object
// (detached exactly on destruction). The model's own weights stay frozen. Attach only while
// no other job runs on the model.
class TrainableLora : public TrainableWeights {
 public:
  // From a LoRA file's layers (its initial weights and scales), UNet and text encoder.
  // `compute` is the model's dtype (the branches run in it; masters are fp32).
  TrainableLora(StableDiffusionModel& model, const LoraFile& initial);
  ~TrainableLora() override;
  TrainableLora(const TrainableLora&) = delete;
  TrainableLora& operator=(const TrainableLora&) = delete;

  const std::vector<ParameterGroup>& groups() const override { return groups_; }
  void before_forward() override;

  // UNet first, then text encoder: down0, up0, down1, up1, ... in the file's layer order.
  std::vector<at::Tensor> parameters() const { return all_masters(); }
  // The current weights as a LoraFile (fp32 CPU copies; module paths and scales of the initial file).
  LoraFile snapshot() const;
  size_t size() const { return branches_.size(); }
  // The layers' module paths in parameter order (UNet first, then text encoder).
  std::vector<std::string> module_paths() const;
  const LoraBranch& branch(size_t i) const { return *branches_[i]; }

 private:
  void detach() noexcept;
  struct Layer {
    std::string component, module_path;
  };
  std::vector<Layer> layers_;
  std::vector<std::shared_ptr<LoraBranch>> branches_;
  std::vector<at::Tensor> down_, up_;  // masters, per layer
  std::vector<Module*> hosts_;
  std::vector<ParameterGroup> groups_;
  at::ScalarType compute_;
};

// The model's UNet weights (and text encoder weights when `text_encoder`), trained in place.
class TrainableModelWeights : public TrainableWeights {
 public:
  TrainableModelWeights(StableDiffusionModel& model, bool text_encoder);
  ~TrainableModelWeights() override;
  const std::vector<ParameterGroup>& groups() const override { return groups_; }
  void after_backward() override;
  void after_step() override;

 private:
  std::vector<ParameterGroup> groups_;
  std::vector<std::vector<at::Tensor*>> working_;  // the model's weight slots, per group
  bool mixed_ = false;
};

// Global gradient-norm clipping over every master with a gradient (torch.nn.utils.clip_grad_norm_,
// norm 2): returns the total norm before clipping; scales the gradients by
// max_norm / (total + 1e-6) when that is below 1.
double clip_gradient_norm(const std::vector<at::Tensor>& params, double max_norm);

}  // namespace training
}  // namespace steer
