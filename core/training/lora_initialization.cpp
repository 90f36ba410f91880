#include "core/training/lora_initialization.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

#include "core/models/layers.h"
#include "core/pipeline/stable_diffusion_model.h"

namespace steer::training {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::vector<std::string> target_suffixes(const std::string& component, const LoraTargetChoice& choice) {
  if (component == "unet") {
    std::vector<std::string> s = {".attn1.to_q", ".attn1.to_k", ".attn1.to_v", ".attn1.to_out.0",
                                  ".attn2.to_q", ".attn2.to_k", ".attn2.to_v", ".attn2.to_out.0"};
    if (choice.feed_forward) s.insert(s.end(), {".ff.net.0.proj", ".ff.net.2"});
    return s;
  }
  std::vector<std::string> s = {".self_attn.q_proj", ".self_attn.k_proj", ".self_attn.v_proj", ".self_attn.out_proj"};
  if (choice.feed_forward) s.insert(s.end(), {".mlp.fc1", ".mlp.fc2"});
  return s;
}

}  // namespace

std::vector<std::string> lora_target_paths(const StableDiffusionModel& model, const std::string& component,
                                           const LoraTargetChoice& choice) {
  const Module& root =
      component == "unet" ? static_cast<const Module&>(model.unet()) : static_cast<const Module&>(model.text_encoder());
  const auto suffixes = target_suffixes(component, choice);
  std::vector<std::string> out;
  for (const auto& [path, module] : root.named_modules()) {
    if (!dynamic_cast<Linear*>(module)) continue;
    for (const auto& s : suffixes)
      if (ends_with(path, s)) {
        out.push_back(path);
        break;
      }
  }
  return out;
}

LoraFile initial_lora(const StableDiffusionModel& model, const LoraTargetChoice& choice, int rank, double alpha, uint64_t seed) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  LoraFile lora;
  lora.naming = "kohya";
  lora.path = "(new LoRA)";
  auto add = [&](const std::string& component, std::vector<LoraTarget>& out) {
    const Module& root =
        component == "unet" ? static_cast<const Module&>(model.unet()) : static_cast<const Module&>(model.text_encoder());
    for (const auto& path : lora_target_paths(model, component, choice)) {
      const auto* linear = dynamic_cast<const Linear*>(root.find_module(path));
      const int64_t in = linear->weight.size(1), out_features = linear->weight.size(0);
      const double bound = 1.0 / std::sqrt(static_cast<double>(in));
      LoraTarget t;
      t.module_path = path;
      t.branch.down = at::empty({rank, in}, at::kFloat).uniform_(-bound, bound, gen);
      t.branch.up = at::zeros({out_features, rank}, at::kFloat);
      t.branch.scale = alpha / rank;
      out.push_back(std::move(t));
    }
  };
  add("unet", lora.unet);
  if (choice.text_encoder) add("text_encoder", lora.text_encoder);
  return lora;
}

}  // namespace steer::training
