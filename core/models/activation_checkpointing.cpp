#include "core/models/activation_checkpointing.h"

#include <ATen/ATen.h>
#include <c10/core/GradMode.h>
#include <c10/core/InferenceMode.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/custom_function.h>

namespace steer {

namespace {

thread_local bool t_checkpointing = false;

// The body travels to backward inside the autograd context as a capsule.
struct BodyHolder : torch::CustomClassHolder {
  explicit BodyHolder(CheckpointedBody b) : body(std::move(b)) {}
  CheckpointedBody body;
};

// The block as one autograd node: forward runs the body without recording (Function::apply
// disables grad mode around forward); backward re-runs it with recording on and
// back-propagates the incoming gradient through the recomputed graph. Parameters inside the
// body (LoRA branches, fine-tuned weights) are leaves of that inner graph, so their gradients
// accumulate there directly; the node itself returns only the gradients of its inputs.
struct CheckpointFunction : torch::autograd::Function<CheckpointFunction> {
  static torch::autograd::variable_list forward(torch::autograd::AutogradContext* ctx, c10::intrusive_ptr<BodyHolder> holder,
                                                at::TensorList inputs) {
    ctx->saved_data["body"] = c10::IValue::make_capsule(holder);
    ctx->save_for_backward(inputs.vec());
    std::vector<at::Tensor> real(inputs.begin(), inputs.end() - 1);  // the last one is the anchor
    return {holder->body(real)};
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad_outputs) {
    auto holder = c10::static_intrusive_pointer_cast<BodyHolder>(ctx->saved_data["body"].toCapsule());
    torch::autograd::variable_list saved = ctx->get_saved_variables();
    std::vector<at::Tensor> inputs;
    std::vector<at::Tensor> wants_grad;
    for (size_t i = 0; i + 1 < saved.size(); ++i) {
      const at::Tensor& t = saved[i];
      if (!t.defined()) {
        inputs.emplace_back();
        continue;
      }
      at::Tensor d = t.detach();
      if (t.requires_grad()) {
        d.set_requires_grad(true);
        wants_grad.push_back(d);
      }
      inputs.push_back(d);
    }
    at::Tensor out;
    {
      c10::AutoGradMode record(true);
      out = holder->body(inputs);
    }
    if (out.requires_grad()) torch::autograd::backward({out}, {grad_outputs[0]});
    torch::autograd::variable_list grads;
    grads.emplace_back();  // the holder (not a tensor)
    for (size_t i = 0; i + 1 < saved.size(); ++i)
      grads.push_back(inputs[i].defined() && inputs[i].requires_grad() ? inputs[i].grad() : at::Tensor());
    grads.emplace_back();  // the anchor
    return grads;
  }
};

// A leaf that requires grad, passed as an extra input so that the node's output is part of
// the graph even when no real input requires grad (the first block sees only data; its
// parameters are what is trained).
const at::Tensor& anchor() {
  static const at::Tensor a = [] {
    c10::InferenceMode off(false);
    return at::zeros({}, at::kFloat).set_requires_grad(true);
  }();
  return a;
}

}  // namespace

ScopedActivationCheckpointing::ScopedActivationCheckpointing(bool enabled) : previous_(t_checkpointing) {
  t_checkpointing = enabled;
}
ScopedActivationCheckpointing::~ScopedActivationCheckpointing() { t_checkpointing = previous_; }

bool activation_checkpointing_active() { return t_checkpointing; }

at::Tensor checkpointed(const CheckpointedBody& body, const std::vector<at::Tensor>& inputs) {
  if (!t_checkpointing || !c10::GradMode::is_enabled() || c10::InferenceMode::is_enabled()) return body(inputs);
  torch::autograd::variable_list all(inputs.begin(), inputs.end());
  all.push_back(anchor());
  // As a TensorList, so that autograd sees each tensor as an input (a std::vector would be
  // passed through as an opaque argument).
  return CheckpointFunction::apply(c10::make_intrusive<BodyHolder>(body), at::TensorList(all))[0];
}

}  // namespace steer
