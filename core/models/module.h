#pragma once
// The engine's module tree. Like the PyTorch C++ frontend, every module registers its
// parameters and children under the names of the checkpoint keys, so loading weights is
// a name lookup ("down_blocks.0.attentions.0.proj_in.weight"). Unlike it, modules hold
// plain at::Tensor members and run functional ATen ops, which keeps compile times low.
// A module is immutable model state: per-run state (schedules, RNG, LoRA scales) lives
// elsewhere, so one loaded model serves many jobs.
#include <ATen/core/Tensor.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace steer {

struct WeightSet;

class Module {
 public:
  Module() = default;
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  struct ParameterRef {
    std::string name;  // full key, e.g. "mid_block.resnets.0.conv1.weight"
    at::Tensor* tensor;
    std::vector<int64_t> expected_shape;
  };
  std::vector<ParameterRef> named_parameters(const std::string& prefix = "") const;
  int64_t parameter_count() const;

  // Options for binding weights to the tree.
  struct BindOptions {
    at::ScalarType dtype = at::kFloat;
    at::Device device = at::kCPU;
    // Keys in the file that the architecture does not use but that are harmless
    // (e.g. CLIP's stored position_ids buffer). Matched by suffix.
    std::vector<std::string> ignored_key_suffixes;
    // Prefix the file's keys carry before the module's own names ("" for diffusers).
    std::string key_prefix;
  };
  // Binds every parameter to its tensor in `weights`, converted to the dtype and device
  // asked for. Throws steer::WeightMismatchError listing every missing key, unexpected key
  // and shape mismatch by name, with the file each came from. `component` names the part
  // ("unet") for the message.
  void bind(const WeightSet& weights, const std::string& component, const BindOptions& options);

  // Moves/converts every bound parameter.
  void to(at::Device device, at::ScalarType dtype);

  // The module at a dotted path below this one ("down_blocks.0.attentions.0.proj_in",
  // "mid_block.attentions.0.transformer_blocks.0.attn1.to_out.0"), or nullptr. Child names
  // may themselves hold dots ("to_out.0", "self_attn.q_proj"); the path is matched against
  // them as registered. The empty path is this module. Modules are shared model state: the
  // non-const result is for attaching per-model extras (LoRA branches), not for weights.
  Module* find_module(const std::string& path) const;
  // Every module below this one with its full path (this one first, as `prefix` without the
  // trailing dot), depth first in registration order.
  std::vector<std::pair<std::string, Module*>> named_modules(const std::string& prefix = "") const;

 public:
  // Builder API, used by constructors (also on generic container modules).
  // Declares a parameter with the shape the architecture expects.
  void register_parameter(std::string name, at::Tensor& slot, std::vector<int64_t> shape);

  template <class M, class... Args>
  M& register_module(std::string name, Args&&... args) {
    auto module = std::make_unique<M>(std::forward<Args>(args)...);
    M& ref = *module;
    children_.emplace_back(std::move(name), std::move(module));
    return ref;
  }

 private:
  void collect(const std::string& prefix, std::vector<ParameterRef>& out) const;
  struct Slot {
    std::string name;
    at::Tensor* tensor;
    std::vector<int64_t> shape;
  };
  std::vector<Slot> parameters_;
  std::vector<std::pair<std::string, std::unique_ptr<Module>>> children_;
};

// A list of modules named "0", "1", ... (torch.nn.ModuleList).
template <class M>
class ModuleList : public Module {
 public:
  template <class... Args>
  M& append(Args&&... args) {
    M& m = register_module<M>(std::to_string(items_.size()), std::forward<Args>(args)...);
    items_.push_back(&m);
    return m;
  }
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  M& operator[](size_t i) const { return *items_[i]; }
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }

 private:
  std::vector<M*> items_;
};

}  // namespace steer
