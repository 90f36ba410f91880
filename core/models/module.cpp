#include "core/models/module.h"

#include <ATen/ops/empty.h>
#include <ATen/ops/isfinite.h>

#include <map>
#include <set>
#include <sstream>

#include "core/common/error.h"
#include "core/io/safetensors_file.h"

namespace steer {

void Module::register_parameter(std::string name, at::Tensor& slot, std::vector<int64_t> shape) {
  parameters_.push_back({std::move(name), &slot, std::move(shape)});
}

void Module::collect(const std::string& prefix, std::vector<ParameterRef>& out) const {
  for (const auto& p : parameters_) out.push_back({prefix + p.name, p.tensor, p.shape});
  for (const auto& [name, child] : children_) child->collect(prefix + name + ".", out);
}

std::vector<Module::ParameterRef> Module::named_parameters(const std::string& prefix) const {
  std::vector<ParameterRef> out;
  collect(prefix, out);
  return out;
}

int64_t Module::parameter_count() const {
  int64_t n = 0;
  for (const auto& p : named_parameters()) {
    int64_t e = 1;
    for (int64_t d : p.expected_shape) e *= d;
    n += e;
  }
  return n;
}

static std::string shape_text(at::IntArrayRef shape) {
  std::ostringstream os;
  os << "[";
  for (size_t i = 0; i < shape.size(); ++i) os << (i ? "," : "") << shape[i];
  os << "]";
  return os.str();
}

void Module::bind(const WeightSet& weights, const std::string& component, const BindOptions& options) {
  auto params = named_parameters(options.key_prefix);
  std::vector<std::string> missing, mismatched;
  std::set<std::string> used;
  for (const auto& p : params) {
    auto it = weights.tensors.find(p.name);
    if (it == weights.tensors.end()) {
      missing.push_back(p.name + " " + shape_text(p.expected_shape));
      continue;
    }
    used.insert(p.name);
    if (it->second.sizes() != at::IntArrayRef(p.expected_shape)) {
      mismatched.push_back(p.name + ": the file has " + shape_text(it->second.sizes()) + ", the " + component +
                           " config expects " + shape_text(p.expected_shape) + " (in " +
                           weights.source.at(p.name).filename().string() + ")");
    }
  }
  std::vector<std::string> unexpected;
  for (const auto& [name, tensor] : weights.tensors) {
    if (used.count(name)) continue;
    bool ignored = false;
    for (const auto& suffix : options.ignored_key_suffixes)
      if (name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) ignored = true;
    if (!ignored) unexpected.push_back(name + " " + shape_text(tensor.sizes()));
  }
  if (!missing.empty() || !unexpected.empty() || !mismatched.empty()) {
    std::ostringstream os;
    os << component << " weights in " << weights.describe_files() << " do not fit the architecture its config.json describes";
    auto list = [&](const char* title, const std::vector<std::string>& items) {
      if (items.empty()) return;
      os << "\n" << items.size() << " " << title << ":";
      for (const auto& item : items) os << "\n  " << item;
    };
    list("missing key(s)", missing);
    list("unexpected key(s)", unexpected);
    list("shape mismatch(es)", mismatched);
    os << "\nAre these the weights for this config (same model family and size)?";
    throw WeightMismatchError(os.str());
  }
  for (const auto& p : params) {
    const at::Tensor& src = weights.tensors.at(p.name);
    *p.tensor = src.to(options.device, options.dtype);
    // A NaN or Inf in the weights would only show as a black image many seconds later: refuse
    // the file now, naming the tensor. (After the conversion, so an fp32 value that overflows
    // the compute dtype is caught too.)
    if (p.tensor->is_floating_point() && !at::isfinite(*p.tensor).all().item<bool>())
      throw InputError(component + " weights in " + weights.source.at(p.name).string() + ": tensor " + p.name +
                       " holds NaN or infinite values" +
                       (at::isfinite(src).all().item<bool>() ? " after conversion to the compute precision (use fp32 or bf16)"
                                                             : "; the file is damaged: get the model again"));
  }
}

Module* Module::find_module(const std::string& path) const {
  if (path.empty()) return const_cast<Module*>(this);
  for (const auto& [name, child] : children_) {
    if (path == name) return child.get();
    if (path.size() > name.size() && path.compare(0, name.size(), name) == 0 && path[name.size()] == '.')
      if (Module* found = child->find_module(path.substr(name.size() + 1))) return found;
  }
  return nullptr;
}

std::vector<std::pair<std::string, Module*>> Module::named_modules(const std::string& prefix) const {
  std::vector<std::pair<std::string, Module*>> out;
  out.emplace_back(prefix, const_cast<Module*>(this));
  for (const auto& [name, child] : children_) {
    auto below = child->named_modules(prefix.empty() ? name : prefix + "." + name);
    out.insert(out.end(), std::make_move_iterator(below.begin()), std::make_move_iterator(below.end()));
  }
  return out;
}

void Module::to(at::Device device, at::ScalarType dtype) {
  for (const auto& p : named_parameters())
    if (p.tensor->defined()) *p.tensor = p.tensor->to(device, dtype);
}

}  // namespace steer
