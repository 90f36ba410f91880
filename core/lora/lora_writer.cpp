#include "core/lora/lora_writer.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "core/common/error.h"
#include "core/formats/json.h"
#include "core/io/safetensors_writer.h"

namespace steer {

namespace {

std::string underscored(std::string path) {
  std::replace(path.begin(), path.end(), '.', '_');
  return path;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

// Shortest decimal that reads back as the same double ("4", "0.5", "0.30000000000000004").
std::string number_text(double v) {
  for (int precision = 1; precision <= 17; ++precision) {
    std::ostringstream os;
    os.precision(precision);
    os << v;
    if (std::stod(os.str()) == v) return os.str();
  }
  std::ostringstream os;
  os.precision(17);
  os << v;
  return os.str();
}

// A module path as a PEFT pattern key that matches only that name: regex-escaped.
std::string regex_escaped(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::string(".^$|()[]{}*+?\\").find(c) != std::string::npos) out += '\\';
    out += c;
  }
  return out;
}

// The most common value (ties: the first seen).
template <typename T>
T most_common(const std::vector<T>& values, T fallback) {
  std::map<T, size_t> count;
  T best = fallback;
  size_t best_n = 0;
  for (const T& v : values) {
    const size_t n = ++count[v];
    if (n > best_n) best = v, best_n = n;
  }
  // ties: first value that reaches the top count in order of appearance
  for (const T& v : values)
    if (count[v] == best_n) return v;
  return best;
}

struct Layer {
  std::string component;  // "unet" | "text_encoder"
  const LoraTarget* target;
  int64_t rank;
  double alpha;
};

}  // namespace

void write_lora_file(const std::filesystem::path& path, const LoraFile& lora, LoraNaming naming,
                     const std::vector<std::pair<std::string, std::string>>& metadata) {
  const std::string file = path.string();
  const std::filesystem::path parent = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::error_code ec;
  if (!std::filesystem::is_directory(parent, ec))
    throw Error("cannot write LoRA file " + file + ": the folder " + parent.string() + " does not exist");
  if (lora.unet.empty() && lora.text_encoder.empty()) throw Error("cannot write LoRA file " + file + ": the LoRA has no layers");
  for (const auto& [k, v] : metadata)
    if (k == "lora_adapter_metadata" && naming == LoraNaming::Diffusers)
      throw Error("cannot write LoRA file " + file +
                  ": __metadata__ lora_adapter_metadata is the writer's own (it carries the alphas)");

  std::vector<Layer> layers;
  for (int part = 0; part < 2; ++part) {
    for (const auto& t : part == 0 ? lora.unet : lora.text_encoder) {
      const at::Tensor& d = t.branch.down;
      const at::Tensor& u = t.branch.up;
      const bool ok = d.defined() && u.defined() && (d.dim() == 2 || d.dim() == 4) && d.dim() == u.dim() &&
                      u.size(1) == d.size(0) && (u.dim() == 2 || (u.size(2) == 1 && u.size(3) == 1));
      if (!ok)
        throw Error("cannot write LoRA file " + file + ": layer " + t.module_path +
                    " has no valid down/up pair (down [rank, in(, kh, kw)], up [out, rank(, 1, 1)])");
      const int64_t rank = d.size(0);
      layers.push_back({part == 0 ? "unet" : "text_encoder", &t, rank, t.branch.scale * static_cast<double>(rank)});
    }
  }

  std::vector<std::pair<std::string, at::Tensor>> tensors;
  std::vector<std::pair<std::string, std::string>> meta;
  auto weight = [](const at::Tensor& t) { return t.detach().cpu().contiguous(); };

  if (naming == LoraNaming::Kohya) {
    std::vector<int64_t> ranks, conv_ranks;
    std::vector<double> alphas, conv_alphas;
    for (const auto& l : layers) {
      const std::string name = (l.component == "unet" ? "lora_unet_" : "lora_te_") + underscored(l.target->module_path);
      tensors.emplace_back(name + ".lora_down.weight", weight(l.target->branch.down));
      tensors.emplace_back(name + ".lora_up.weight", weight(l.target->branch.up));
      // kohya stores alpha as a 0-d tensor; float32 unless that would round it
      at::Tensor alpha = at::scalar_tensor(l.alpha, at::kDouble);
      if (static_cast<double>(static_cast<float>(l.alpha)) == l.alpha) alpha = alpha.to(at::kFloat);
      tensors.emplace_back(name + ".alpha", alpha);
      const bool conv =
          l.target->branch.down.dim() == 4 && (l.target->branch.down.size(2) != 1 || l.target->branch.down.size(3) != 1);
      (conv ? conv_ranks : ranks).push_back(l.rank);
      (conv ? conv_alphas : alphas).push_back(l.alpha);
    }
    const int64_t dim = ranks.empty() ? most_common<int64_t>(conv_ranks, 0) : most_common<int64_t>(ranks, 0);
    const double alpha = alphas.empty() ? most_common<double>(conv_alphas, 0.0) : most_common<double>(alphas, 0.0);
    meta.emplace_back("ss_network_module", "networks.lora");
    meta.emplace_back("ss_network_dim", std::to_string(dim));
    meta.emplace_back("ss_network_alpha", number_text(alpha));
    if (!conv_ranks.empty() && !ranks.empty()) {
      json::Value args = json::Object{};
      args.set("conv_dim", number_text(static_cast<double>(most_common<int64_t>(conv_ranks, 0))));
      args.set("conv_alpha", number_text(most_common<double>(conv_alphas, 0.0)));
      meta.emplace_back("ss_network_args", args.dump());
    }
  } else {
    json::Value adapter = json::Object{};
    for (const char* component : {"unet", "text_encoder"}) {
      std::vector<const Layer*> mine;
      for (const auto& l : layers)
        if (l.component == component) mine.push_back(&l);
      if (mine.empty()) continue;
      std::vector<int64_t> ranks;
      std::vector<double> alphas;
      for (const Layer* l : mine) ranks.push_back(l->rank), alphas.push_back(l->alpha);
      const int64_t r = most_common<int64_t>(ranks, 0);
      const double alpha = most_common<double>(alphas, 0.0);
      json::Value rank_pattern = json::Object{}, alpha_pattern = json::Object{};
      json::Array target_modules;
      std::vector<std::string> seen_targets;
      for (const Layer* l : mine) {
        std::string peft_name = l->target->module_path;  // PEFT's names: no "text_model." (reader's rule)
        if (std::string(component) == "text_encoder" && starts_with(peft_name, "text_model.")) peft_name = peft_name.substr(11);
        if (l->rank != r) rank_pattern.set(regex_escaped(peft_name), json::Value(l->rank));
        if (l->alpha != alpha) alpha_pattern.set(regex_escaped(peft_name), json::Value(l->alpha));
        const std::string leaf = peft_name.substr(peft_name.rfind('.') + 1);
        const std::string target_name = leaf.find_first_not_of("0123456789") == std::string::npos
                                            ? peft_name.substr(peft_name.rfind('.', peft_name.rfind('.') - 1) + 1)
                                            : leaf;  // "to_out.0" rather than "0"
        if (std::find(seen_targets.begin(), seen_targets.end(), target_name) == seen_targets.end()) {
          seen_targets.push_back(target_name);
          target_modules.emplace_back(target_name);
        }
        const std::string name = std::string(component) + "." + l->target->module_path;
        tensors.emplace_back(name + ".lora_A.weight", weight(l->target->branch.down));
        tensors.emplace_back(name + ".lora_B.weight", weight(l->target->branch.up));
      }
      const std::string p = std::string(component) + ".";
      adapter.set(p + "r", json::Value(r));
      adapter.set(p + "lora_alpha", json::Value(alpha));
      adapter.set(p + "rank_pattern", rank_pattern);
      adapter.set(p + "alpha_pattern", alpha_pattern);
      adapter.set(p + "target_modules", json::Value(target_modules));
      adapter.set(p + "use_rslora", json::Value(false));
      adapter.set(p + "use_dora", json::Value(false));
      adapter.set(p + "lora_bias", json::Value(false));
      adapter.set(p + "lora_dropout", json::Value(0.0));
      adapter.set(p + "init_lora_weights", json::Value(true));
    }
    meta.emplace_back("lora_adapter_metadata", adapter.dump());
  }
  meta.emplace_back("format", "pt");
  meta.emplace_back("steer.lora_layers",
                    std::to_string(lora.unet.size()) + " unet, " + std::to_string(lora.text_encoder.size()) + " text_encoder");
  for (const auto& [k, v] : metadata) {
    auto it = std::find_if(meta.begin(), meta.end(), [&](const auto& kv) { return kv.first == k; });
    if (it != meta.end())
      it->second = v;
    else
      meta.emplace_back(k, v);
  }
  write_safetensors(path, tensors, meta);
}

}  // namespace steer
