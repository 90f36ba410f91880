#include "core/training/trainable_weights.h"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>
#include <c10/core/GradMode.h>

#include <cmath>
#include <stdexcept>

#include "core/common/error.h"
#include "core/lora/lora_file.h"
#include "core/models/layers.h"
#include "core/pipeline/stable_diffusion_model.h"

namespace steer::training {

std::vector<at::Tensor> TrainableWeights::all_masters() const {
  std::vector<at::Tensor> out;
  for (const auto& g : groups())
    for (const auto& p : g.masters) out.push_back(p);
  return out;
}

namespace {

std::vector<std::shared_ptr<const LoraBranch>>& host_list(Module* m) {
  if (auto* l = dynamic_cast<Linear*>(m)) return l->loras;
  if (auto* c = dynamic_cast<Conv2d*>(m)) return c->loras;
  throw std::logic_error("not a LoRA host layer");
}

const at::Tensor& host_weight(Module* m) {
  if (auto* l = dynamic_cast<Linear*>(m)) return l->weight;
  return dynamic_cast<Conv2d*>(m)->weight;
}

void refuse_inference_tensor(const at::Tensor& w) {
  if (w.is_inference())
    throw std::logic_error(
        "training: the model was loaded under c10::InferenceMode; its weights are "
        "inference tensors, which autograd cannot save for backward");
}

ParameterGroup& group_for(std::vector<ParameterGroup>& groups, const std::string& component) {
  for (auto& g : groups)
    if (g.component == component) return g;
  groups.push_back(ParameterGroup{component, {}, {}});
  return groups.back();
}

}  // namespace

// ---- LoRA ------------------------------------------------------------------------------------

TrainableLora::TrainableLora(StableDiffusionModel& model, const LoraFile& initial) {
  const at::Device device = model.options().device;
  compute_ = model.options().dtype;
  try {
    auto attach = [&](const LoraTarget& target, const std::string& component, const Module& root) {
      Module* host = root.find_module(target.module_path);
      if (!host || !(dynamic_cast<Linear*>(host) || dynamic_cast<Conv2d*>(host)))
        throw InputError(initial.path.string() + ": the " + component + " has no Linear/Conv2d " + target.module_path);
      refuse_inference_tensor(host_weight(host));
      at::Tensor down = target.branch.down.to(device, at::kFloat).clone().set_requires_grad(true);
      at::Tensor up = target.branch.up.to(device, at::kFloat).clone().set_requires_grad(true);
      auto b = std::make_shared<LoraBranch>();
      b->down = down;
      b->up = up;
      b->scale = target.branch.scale;
      host_list(host).push_back(b);
      layers_.push_back({component, target.module_path});
      branches_.push_back(std::move(b));
      hosts_.push_back(host);
      down_.push_back(down);
      up_.push_back(up);
      ParameterGroup& g = group_for(groups_, component);
      g.names.push_back(target.module_path + ".down");
      g.masters.push_back(down);
      g.names.push_back(target.module_path + ".up");
      g.masters.push_back(up);
    };
    for (const auto& t : initial.unet) attach(t, "unet", model.unet());
    for (const auto& t : initial.text_encoder) attach(t, "text_encoder", model.text_encoder());
  } catch (...) {
    detach();
    throw;
  }
}

TrainableLora::~TrainableLora() { detach(); }

void TrainableLora::detach() noexcept {
  for (size_t i = 0; i < hosts_.size(); ++i) {
    auto& list = host_list(hosts_[i]);
    for (auto it = list.begin(); it != list.end(); ++it)
      if (it->get() == branches_[i].get()) {
        list.erase(it);
        break;
      }
  }
  hosts_.clear();
}

void TrainableLora::before_forward() {
  if (compute_ == at::kFloat) return;  // the branches are the masters
  for (size_t i = 0; i < branches_.size(); ++i) {
    branches_[i]->down = down_[i].to(compute_);
    branches_[i]->up = up_[i].to(compute_);
  }
}

std::vector<std::string> TrainableLora::module_paths() const {
  std::vector<std::string> out;
  for (const auto& l : layers_) out.push_back(l.module_path);
  return out;
}

LoraFile TrainableLora::snapshot() const {
  at::NoGradGuard no_grad;
  LoraFile out;
  out.naming = "kohya";
  for (size_t i = 0; i < branches_.size(); ++i) {
    LoraTarget t;
    t.module_path = layers_[i].module_path;
    t.branch.down = down_[i].detach().to(at::kCPU).clone();
    t.branch.up = up_[i].detach().to(at::kCPU).clone();
    t.branch.scale = branches_[i]->scale;
    (layers_[i].component == "unet" ? out.unet : out.text_encoder).push_back(std::move(t));
  }
  return out;
}

// ---- full weights (DreamBooth) -------------------------------------------------------------------

TrainableModelWeights::TrainableModelWeights(StableDiffusionModel& model, bool text_encoder) {
  mixed_ = model.options().dtype != at::kFloat;
  auto add = [&](const Module& root, const std::string& component) {
    ParameterGroup g{component, {}, {}};
    std::vector<at::Tensor*> slots;
    for (const auto& p : root.named_parameters()) {
      if (!p.tensor->defined()) continue;
      refuse_inference_tensor(*p.tensor);
      if (mixed_) {
        p.tensor->set_requires_grad(true);
        g.masters.push_back(p.tensor->detach().to(at::kFloat).clone().set_requires_grad(true));
      } else {
        p.tensor->set_requires_grad(true);
        g.masters.push_back(*p.tensor);  // the model's weight is the master
      }
      g.names.push_back(p.name);
      slots.push_back(p.tensor);
    }
    groups_.push_back(std::move(g));
    working_.push_back(std::move(slots));
  };
  add(model.unet(), "unet");
  if (text_encoder) add(model.text_encoder(), "text_encoder");
}

TrainableModelWeights::~TrainableModelWeights() {
  for (auto& slots : working_)
    for (at::Tensor* t : slots) {
      t->mutable_grad() = at::Tensor();
      t->set_requires_grad(false);
    }
}

void TrainableModelWeights::after_backward() {
  if (!mixed_) return;
  for (size_t g = 0; g < groups_.size(); ++g)
    for (size_t i = 0; i < working_[g].size(); ++i) {
      at::Tensor& w = *working_[g][i];
      if (w.grad().defined()) {
        groups_[g].masters[i].mutable_grad() = w.grad().to(at::kFloat);
        w.mutable_grad() = at::Tensor();
      }
    }
}

void TrainableModelWeights::after_step() {
  if (!mixed_) return;
  at::NoGradGuard no_grad;
  for (size_t g = 0; g < groups_.size(); ++g)
    for (size_t i = 0; i < working_[g].size(); ++i) working_[g][i]->copy_(groups_[g].masters[i]);
}

// ---- clipping --------------------------------------------------------------------------------------

double clip_gradient_norm(const std::vector<at::Tensor>& params, double max_norm) {
  at::NoGradGuard no_grad;
  std::vector<at::Tensor> norms;
  for (const auto& p : params)
    if (p.grad().defined()) norms.push_back(at::linalg_vector_norm(p.grad().to(at::kFloat), 2));
  if (norms.empty()) return 0.0;
  at::Tensor total = at::linalg_vector_norm(at::stack(norms), 2);
  const double total_norm = total.item<double>();
  if (max_norm > 0) {
    at::Tensor coef = at::clamp_max(max_norm / (total + 1e-6), 1.0);
    for (const auto& p : params)
      if (p.grad().defined()) p.grad().mul_(coef.to(p.grad().device(), p.grad().scalar_type()));
  }
  return total_norm;
}

}  // namespace steer::training
