#include "core/lora/lora_file.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include "core/common/error.h"
#include "core/formats/json.h"
#include "core/io/safetensors_file.h"
#include "core/models/layers.h"
#include "core/pipeline/stable_diffusion_model.h"

namespace steer {

namespace {

enum class Component { Unet, TextEncoder };
enum class Role { Down, Up, Alpha };

const char* component_name(Component c) { return c == Component::Unet ? "unet" : "text_encoder"; }

std::string shape_text(at::IntArrayRef shape) {
  std::ostringstream os;
  os << "[";
  for (size_t i = 0; i < shape.size(); ++i) os << (i ? "," : "") << shape[i];
  os << "]";
  return os.str();
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }
bool contains(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

// ---------------------------------------------------------------------------------------------
// Keys

struct ParsedKey {
  enum class Kind { Lora, NotLora, Unsupported, OtherModel } kind = Kind::NotLora;
  std::string why;  // Unsupported: the LoRA kind; OtherModel: whose component it is
  bool kohya = false;
  Component component = Component::Unet;
  std::string layer;  // kohya: the name after lora_unet_ / lora_te_; diffusers: the dotted module name
  Role role = Role::Down;
};

// LoRA kinds other than plain low-rank down/up pairs (sd.cpp's list of suffixes, docs/model-notes.md §8.4).
std::string unsupported_kind(const std::string& key) {
  if (contains(key, "hada_w") || contains(key, ".hada_t")) return "LoHa (LyCORIS hada_ weights)";
  if (contains(key, "lokr_w") || contains(key, ".lokr_t")) return "LoKr (LyCORIS lokr_ weights)";
  if (contains(key, ".lora_mid.")) return "LoCon with a Tucker core (lora_mid weights)";
  if (contains(key, "dora_scale") || contains(key, "lora_magnitude_vector")) return "DoRA (magnitude vectors)";
  if (contains(key, "lora_embedding_A") || contains(key, "lora_embedding_B")) return "embedding LoRA";
  for (const char* bias : {".lora_A.bias", ".lora_B.bias", ".lora_down.bias", ".lora_up.bias", ".lora.up.bias"})
    if (ends_with(key, bias)) return "LoRA with biases";
  if (ends_with(key, ".diff") || ends_with(key, ".diff_b")) return "full weight differences (.diff)";
  return "";
}

ParsedKey parse_kohya(const std::string& key) {
  ParsedKey p;
  p.kohya = true;
  static const std::pair<const char*, int> prefixes[] = {{"lora_unet_", 0}, {"lora_te_", 1}, {"lora_te1_", 1}, {"lora_te2_", 2}};
  const size_t dot = key.find('.');
  const std::string name = key.substr(0, dot);
  const std::string suffix = dot == std::string::npos ? "" : key.substr(dot + 1);
  bool known_prefix = false;
  for (const auto& [prefix, which] : prefixes) {
    if (!starts_with(name, prefix)) continue;
    known_prefix = true;
    if (which == 2) {
      p.kind = ParsedKey::Kind::OtherModel;
      p.why = "SDXL's second text encoder (lora_te2_)";
      return p;
    }
    p.component = which == 0 ? Component::Unet : Component::TextEncoder;
    p.layer = name.substr(std::string(prefix).size());
    break;
  }
  if (!known_prefix || p.layer.empty()) return p;  // NotLora
  if (suffix == "lora_down.weight") {
    p.role = Role::Down;
  } else if (suffix == "lora_up.weight") {
    p.role = Role::Up;
  } else if (suffix == "alpha") {
    p.role = Role::Alpha;
  } else {
    return p;  // NotLora
  }
  p.kind = ParsedKey::Kind::Lora;
  return p;
}

ParsedKey parse_diffusers(const std::string& key) {
  ParsedKey p;
  std::string rest = key;
  if (starts_with(key, "unet.")) {
    rest = key.substr(5);
  } else if (starts_with(key, "text_encoder_2.")) {
    p.kind = ParsedKey::Kind::OtherModel;
    p.why = "SDXL's second text encoder (text_encoder_2.)";
    return p;
  } else if (starts_with(key, "text_encoder.")) {
    p.component = Component::TextEncoder;
    rest = key.substr(13);
  } else if (starts_with(key, "transformer.")) {
    p.kind = ParsedKey::Kind::OtherModel;
    p.why = "a diffusion transformer (transformer.: SD3, Flux, ...)";
    return p;
  }  // else: an old attn_procs file, whose keys are the UNet's without a prefix
  static const std::pair<const char*, Role> suffixes[] = {
      {".lora_A.weight", Role::Down},
      {".lora_B.weight", Role::Up},
      {".lora_A.default.weight", Role::Down},
      {".lora_B.default.weight", Role::Up},
      {".lora_linear_layer.down.weight", Role::Down},
      {".lora_linear_layer.up.weight", Role::Up},
      {".lora.down.weight", Role::Down},
      {".lora.up.weight", Role::Up},
      {"_lora.down.weight", Role::Down},  // attn1.processor.to_q_lora.down.weight
      {"_lora.up.weight", Role::Up},
      {".lora_down.weight", Role::Down},
      {".lora_up.weight", Role::Up},
      {".alpha", Role::Alpha},
  };
  for (const auto& [suffix, role] : suffixes) {
    const std::string s = suffix;
    if (!ends_with(rest, s) || rest.size() == s.size()) continue;
    std::string layer = rest.substr(0, rest.size() - s.size());
    // attention processors are not modules: "attn1.processor.to_q" is attn1.to_q
    for (size_t at; (at = layer.find(".processor.")) != std::string::npos;) layer.erase(at, 10);
    p.kind = ParsedKey::Kind::Lora;
    p.layer = layer;
    p.role = role;
    return p;
  }
  return p;  // NotLora
}

ParsedKey parse_key(const std::string& key) {
  ParsedKey p;
  if (std::string why = unsupported_kind(key); !why.empty()) {
    p.kind = ParsedKey::Kind::Unsupported;
    p.why = why;
    p.kohya = starts_with(key, "lora_");
    return p;
  }
  if (starts_with(key, "lora_unet_") || starts_with(key, "lora_te")) return parse_kohya(key);
  return parse_diffusers(key);
}

// ---------------------------------------------------------------------------------------------
// Layers of the model

std::string underscored(std::string path) {
  std::replace(path.begin(), path.end(), '.', '_');
  return path;
}

bool is_lora_host(Module* m) { return dynamic_cast<Linear*>(m) || dynamic_cast<Conv2d*>(m); }

// Our module paths for the names a file may use for one component.
class Resolver {
 public:
  Resolver(const Module& root, Component component) : root_(root), component_(component) {}

  // kohya: "down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_out_0" -> module path.
  // Returns "" for no such layer; sets `ambiguous` when two layers share the spelling.
  std::string kohya(const std::string& name, bool& ambiguous) {
    if (kohya_names_.empty()) {
      for (const auto& [path, module] : root_.named_modules()) {
        if (!is_lora_host(module)) continue;
        add_kohya(underscored(path), path);
        // the classic CLIP paths start with text_model.; accept names without it as well
        if (component_ == Component::TextEncoder && starts_with(path, "text_model."))
          add_kohya(underscored(path.substr(11)), path);
      }
    }
    auto it = kohya_names_.find(name);
    if (it == kohya_names_.end()) return "";
    ambiguous = it->second.empty();
    return it->second;
  }

  // diffusers: a dotted module name, possibly an old spelling.
  std::string diffusers(const std::string& name) const {
    std::vector<std::string> candidates{name};
    auto replace_last = [&](const std::string& from, const std::string& to) {
      if (ends_with(name, "." + from) || name == from) candidates.push_back(name.substr(0, name.size() - from.size()) + to);
    };
    if (component_ == Component::Unet) {
      replace_last("to_out", "to_out.0");  // processor.to_out_lora
    } else {
      replace_last("to_q", "q_proj");  // processor-style names in the text encoder
      replace_last("to_k", "k_proj");
      replace_last("to_v", "v_proj");
      replace_last("to_out", "out_proj");
      for (size_t i = 0, n = candidates.size(); i < n; ++i) candidates.push_back("text_model." + candidates[i]);
    }
    for (const auto& c : candidates) {
      Module* m = root_.find_module(c);
      if (m && is_lora_host(m)) return c;
    }
    return "";
  }

 private:
  void add_kohya(const std::string& name, const std::string& path) {
    auto [it, inserted] = kohya_names_.emplace(name, path);
    if (!inserted && it->second != path) it->second.clear();
  }
  const Module& root_;
  Component component_;
  std::map<std::string, std::string> kohya_names_;
};

// ---------------------------------------------------------------------------------------------
// PEFT adapter config from diffusers' __metadata__["lora_adapter_metadata"]

struct PeftSettings {
  bool present = false;
  std::optional<int64_t> r;
  double lora_alpha = 8.0;  // LoraConfig's default
  std::vector<std::pair<std::string, double>> rank_pattern, alpha_pattern;
  bool use_rslora = false;
  bool use_dora = false;
  bool lora_bias = false;
};

PeftSettings peft_settings(const json::Value& meta, Component component, const std::string& file) {
  PeftSettings s;
  if (!meta.is_object()) return s;
  const std::string prefix = std::string(component_name(component)) + ".";
  for (const auto& [key, value] : meta.as_object()) {
    if (!starts_with(key, prefix)) continue;
    s.present = true;
    const std::string field = key.substr(prefix.size());
    try {
      if (field == "r" && !value.is_null()) s.r = value.as_int();
      if (field == "lora_alpha" && !value.is_null()) s.lora_alpha = value.as_number();
      if (field == "use_rslora" && !value.is_null()) s.use_rslora = value.as_bool();
      if (field == "use_dora" && !value.is_null()) s.use_dora = value.as_bool();
      if (field == "lora_bias" && !value.is_null()) s.lora_bias = value.as_bool();
      if ((field == "rank_pattern" || field == "alpha_pattern") && !value.is_null()) {
        auto& out = field == "rank_pattern" ? s.rank_pattern : s.alpha_pattern;
        for (const auto& [pattern, number] : value.as_object()) out.emplace_back(pattern, number.as_number());
      }
    } catch (const json::TypeError& e) {
      throw InputError(file + ": __metadata__ lora_adapter_metadata \"" + key +
                       "\" is not what a PEFT LoraConfig holds: " + e.what());
    }
  }
  return s;
}

// PEFT's get_pattern_key: the first key k for which (.*\.)?(k)$ matches the whole layer name.
std::optional<double> match_pattern(const std::vector<std::pair<std::string, double>>& patterns, const std::string& name,
                                    const std::string& file, const char* which) {
  for (const auto& [pattern, value] : patterns) {
    try {
      if (std::regex_match(name, std::regex("(.*\\.)?(" + pattern + ")"))) return value;
    } catch (const std::regex_error&) {
      throw InputError(file + ": __metadata__ lora_adapter_metadata " + which + " key \"" + pattern +
                       "\" is not a regular expression");
    }
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------

struct Layer {
  Component component = Component::Unet;
  std::string layer;        // as the file names it
  std::string module_path;  // ours; empty when unresolved
  bool ambiguous = false;
  at::Tensor down, up, alpha;
  std::string down_key, up_key, alpha_key;
  std::string first_key() const { return !down_key.empty() ? down_key : !up_key.empty() ? up_key : alpha_key; }
};

class Problems {
 public:
  void add(const std::string& section, std::string line) { sections_[index(section)].second.push_back(std::move(line)); }
  bool empty() const { return sections_.empty(); }
  std::string text() const {
    std::ostringstream os;
    for (const auto& [title, lines] : sections_) {
      os << "\n" << lines.size() << " " << title << ":";
      const size_t shown = std::min<size_t>(lines.size(), 8);
      for (size_t i = 0; i < shown; ++i) os << "\n  " << lines[i];
      if (lines.size() > shown) os << "\n  ... and " << (lines.size() - shown) << " more";
    }
    return os.str();
  }
  bool has(const std::string& section) const {
    for (const auto& s : sections_)
      if (s.first == section) return true;
    return false;
  }

 private:
  size_t index(const std::string& section) {
    for (size_t i = 0; i < sections_.size(); ++i)
      if (sections_[i].first == section) return i;
    sections_.emplace_back(section, std::vector<std::string>{});
    return sections_.size() - 1;
  }
  std::vector<std::pair<std::string, std::vector<std::string>>> sections_;
};

const char* const kNotLora = "key(s) that are not LoRA weights (lora_down/lora_up/alpha, lora_A/lora_B)";
const char* const kMissingLayer = "layer(s) this model does not have";
const char* const kShape = "shape mismatch(es)";

// "what the layer is": "Linear 320 -> 640" / "Conv2d 320 -> 320, 3x3, stride 2"
std::string describe_host(Module* m) {
  if (auto* l = dynamic_cast<Linear*>(m)) return "Linear, weight " + shape_text(l->weight.sizes());
  auto* c = dynamic_cast<Conv2d*>(m);
  return "Conv2d, weight " + shape_text(c->weight.sizes()) + ", stride " + std::to_string(c->stride);
}

// Checks down/up against the host and returns them in the host's layout (a Linear gets 2-D
// weights, a Conv2d 4-D; 1x1 weights convert either way), or adds a problem and returns false.
bool fit_to_host(Module* host, const std::string& path, Layer& layer, Problems& problems) {
  at::Tensor w = dynamic_cast<Linear*>(host) ? dynamic_cast<Linear*>(host)->weight : dynamic_cast<Conv2d*>(host)->weight;
  const bool conv = w.dim() == 4;
  const int64_t out = w.size(0), in = w.size(1);
  const int64_t rank = layer.down.dim() >= 1 ? layer.down.size(0) : -1;
  auto as_host = [&](const at::Tensor& t, int64_t rows, int64_t cols, int64_t kh, int64_t kw) -> at::Tensor {
    // accepted layouts: [rows, cols] / [rows, cols, 1, 1] for 1x1; [rows, cols, kh, kw] for conv
    if (conv) {
      if (t.dim() == 4 && t.size(0) == rows && t.size(1) == cols && t.size(2) == kh && t.size(3) == kw) return t;
      if (t.dim() == 2 && kh == 1 && kw == 1 && t.size(0) == rows && t.size(1) == cols) return t.view({rows, cols, 1, 1});
    } else {
      if (t.dim() == 2 && t.size(0) == rows && t.size(1) == cols) return t;
      if (t.dim() == 4 && t.size(2) == 1 && t.size(3) == 1 && t.size(0) == rows && t.size(1) == cols) return t.view({rows, cols});
    }
    return at::Tensor();
  };
  auto expected = [&](int64_t rows, int64_t cols, int64_t kh, int64_t kw) {
    return conv ? shape_text({rows, cols, kh, kw}) : shape_text({rows, cols});
  };
  const int64_t kh = conv ? w.size(2) : 1, kw = conv ? w.size(3) : 1;
  at::Tensor down = as_host(layer.down, rank, in, kh, kw);
  if (!down.defined()) {
    problems.add(kShape, layer.down_key + ": the file has " + shape_text(layer.down.sizes()) + ", layer " + path + " (" +
                             describe_host(host) + ") needs " + expected(std::max<int64_t>(rank, 1), in, kh, kw));
    return false;
  }
  at::Tensor up = as_host(layer.up, out, rank, 1, 1);
  if (!up.defined()) {
    problems.add(kShape, layer.up_key + ": the file has " + shape_text(layer.up.sizes()) + ", layer " + path + " (" +
                             describe_host(host) + ") with rank " + std::to_string(rank) + " needs " + expected(out, rank, 1, 1));
    return false;
  }
  layer.down = down;
  layer.up = up;
  return true;
}

std::string family_hint(const std::vector<std::string>& keys) {
  for (const auto& k : keys)
    if (contains(k, "input_blocks") || contains(k, "middle_block") || contains(k, "output_blocks"))
      return " (input_blocks / middle_block / output_blocks are SDXL's UNet names)";
  for (const auto& k : keys)
    if (contains(k, "double_blocks") || contains(k, "single_blocks") || contains(k, "joint_blocks"))
      return " (double_blocks / single_blocks / joint_blocks are Flux's and SD3's names)";
  return "";
}

}  // namespace

int LoraFile::rank() const {
  int r = 0;
  for (const auto* list : {&unet, &text_encoder})
    for (const auto& t : *list) r = std::max<int>(r, static_cast<int>(t.branch.down.size(0)));
  return r;
}

LoraFile read_lora_file(const std::filesystem::path& path, const StableDiffusionModel& model) {
  const std::string file = path.string();
  std::shared_ptr<SafetensorsFile> st;
  try {
    st = SafetensorsFile::open(path);
  } catch (const InputError& e) {
    throw InputError(std::string("cannot read LoRA file: ") + e.what());
  }
  const auto& header = st->header();
  if (header.tensors.empty())
    throw InputError("LoRA file " + file + " holds no tensors: a LoRA has lora_down/lora_up (or lora_A/lora_B) weights");

  LoraFile result;
  result.path = path;
  result.metadata = header.metadata;

  Resolver unet_names(model.unet(), Component::Unet), text_names(model.text_encoder(), Component::TextEncoder);
  std::vector<Layer> layers;
  std::map<std::string, size_t> layer_index;  // component + layer identity -> layers[]
  Problems problems;
  std::vector<std::string> not_lora, other_model;
  std::set<std::string> other_layers;
  size_t kohya_keys = 0, diffusers_keys = 0, lora_keys = 0;

  for (const auto& info : header.tensors) {
    const std::string& key = info.name;
    ParsedKey p = parse_key(key);
    switch (p.kind) {
      case ParsedKey::Kind::NotLora:
        not_lora.push_back(key);
        continue;
      case ParsedKey::Kind::Unsupported:
        problems.add("key(s) of a LoRA kind Steer Studio does not run: " + p.why, key);
        continue;
      case ParsedKey::Kind::OtherModel: {
        const std::string layer_name = key.substr(0, key.find(p.kohya ? "." : ".lora"));
        if (other_layers.insert(layer_name).second) {
          other_model.push_back(key);
          problems.add(std::string(kMissingLayer) + ", of " + p.why, key);
        }
        continue;
      }
      case ParsedKey::Kind::Lora:
        break;
    }
    ++lora_keys;
    (p.kohya ? kohya_keys : diffusers_keys)++;
    Resolver& names = p.component == Component::Unet ? unet_names : text_names;
    bool ambiguous = false;
    std::string module_path = p.kohya ? names.kohya(p.layer, ambiguous) : names.diffusers(p.layer);
    const std::string identity =
        std::string(component_name(p.component)) + ":" + (module_path.empty() ? "?" + p.layer : module_path);
    auto [it, inserted] = layer_index.emplace(identity, layers.size());
    if (inserted) {
      Layer l;
      l.component = p.component;
      l.layer = p.layer;
      l.module_path = module_path;
      l.ambiguous = ambiguous;
      layers.push_back(std::move(l));
    }
    Layer& layer = layers[it->second];
    at::Tensor& slot = p.role == Role::Down ? layer.down : p.role == Role::Up ? layer.up : layer.alpha;
    std::string& slot_key = p.role == Role::Down ? layer.down_key : p.role == Role::Up ? layer.up_key : layer.alpha_key;
    if (slot.defined()) {
      problems.add("layer(s) given twice", key + " and " + slot_key + " are the same weight");
      continue;
    }
    slot = st->tensor(info);
    slot_key = key;
    if (slot.is_floating_point() && !at::isfinite(slot).all().item<bool>())
      throw InputError("LoRA file " + file + ": tensor " + key +
                       " holds NaN or infinite values (a diverged training run or a damaged file); "
                       "use an earlier checkpoint of the LoRA or train it again");
  }

  if (lora_keys == 0 && problems.empty())
    throw InputError("LoRA file " + file + " is not a LoRA: none of its " + std::to_string(header.tensors.size()) +
                     " tensors is a LoRA weight (lora_down/lora_up/alpha or lora_A/lora_B), e.g. " + not_lora.front() +
                     ". Is it a model checkpoint?");
  for (const auto& key : not_lora) problems.add(kNotLora, key);
  if (kohya_keys && diffusers_keys)
    problems.add("naming problem(s)",
                 "the file mixes kohya names (lora_unet_..., lora_te_...) and diffusers names "
                 "(unet..., text_encoder...)");
  result.naming = kohya_keys >= diffusers_keys ? "kohya" : "diffusers";
  const bool kohya = result.naming == "kohya";

  // The PEFT configs diffusers stores with the weights (only used for diffusers naming).
  json::Value adapter_meta;
  for (const auto& [k, v] : header.metadata) {
    if (k != "lora_adapter_metadata") continue;
    try {
      adapter_meta = json::parse(v);
    } catch (const json::ParseError& e) {
      throw InputError("LoRA file " + file + ": __metadata__ lora_adapter_metadata is not valid JSON: " + e.what());
    }
  }
  const PeftSettings peft[2] = {peft_settings(adapter_meta, Component::Unet, file),
                                peft_settings(adapter_meta, Component::TextEncoder, file)};
  if (!kohya) {
    for (const auto& s : peft) {
      if (s.use_dora)
        problems.add("key(s) of a LoRA kind Steer Studio does not run: DoRA", "lora_adapter_metadata use_dora = true");
      if (s.lora_bias)
        problems.add("key(s) of a LoRA kind Steer Studio does not run: LoRA with biases",
                     "lora_adapter_metadata lora_bias = true");
    }
  }

  // UNet layers first (then the text encoder's), each in file order
  std::stable_partition(layers.begin(), layers.end(), [](const Layer& l) { return l.component == Component::Unet; });
  std::vector<std::string> missing_keys;
  for (auto& layer : layers) {
    const std::string shown = layer.first_key();
    if (layer.module_path.empty()) {
      missing_keys.push_back(shown);
      problems.add(kMissingLayer, shown);
      continue;
    }
    if (layer.ambiguous) {
      problems.add("ambiguous layer name(s)", shown + " could name more than one layer of this model");
      continue;
    }
    if (layer.down.defined() != layer.up.defined()) {
      if (layer.down.defined())
        problems.add("layer(s) with a down weight but no up weight",
                     layer.down_key + " has no " + (kohya ? "lora_up.weight" : "up weight (lora_B)"));
      else
        problems.add("layer(s) with an up weight but no down weight",
                     layer.up_key + " has no " + (kohya ? "lora_down.weight" : "down weight (lora_A)"));
      continue;
    }
    if (!layer.down.defined()) continue;  // an alpha alone changes nothing
    if (layer.down.dim() != 2 && layer.down.dim() != 4) {
      problems.add(kShape,
                   layer.down_key + ": the file has " + shape_text(layer.down.sizes()) + ", a LoRA down weight is 2-D or 4-D");
      continue;
    }
    const Module& root = layer.component == Component::Unet ? static_cast<const Module&>(model.unet())
                                                            : static_cast<const Module&>(model.text_encoder());
    Module* host = root.find_module(layer.module_path);
    if (!fit_to_host(host, layer.module_path, layer, problems)) continue;

    const int64_t rank = layer.down.size(0);
    double alpha = static_cast<double>(rank);
    double scale = 1.0;
    if (layer.alpha.defined()) {
      if (layer.alpha.numel() != 1) {
        problems.add(kShape, layer.alpha_key + ": the file has " + shape_text(layer.alpha.sizes()) + ", alpha is one number");
        continue;
      }
      const double a = layer.alpha.to(at::kDouble).item<double>();
      if (a != 0.0) alpha = a;  // kohya: a missing or zero alpha means alpha = rank
      scale = alpha / static_cast<double>(rank);
    } else if (!kohya && peft[static_cast<int>(layer.component)].present) {
      const PeftSettings& s = peft[static_cast<int>(layer.component)];
      // PEFT matches patterns against its own module names: the text encoder's have no
      // "text_model." under transformers 5.
      std::string peft_name = layer.module_path;
      if (layer.component == Component::TextEncoder && starts_with(peft_name, "text_model.")) peft_name = peft_name.substr(11);
      std::optional<double> r = match_pattern(s.rank_pattern, peft_name, file, "rank_pattern");
      if (!r && s.r) r = static_cast<double>(*s.r);
      if (r && static_cast<int64_t>(*r) != rank) {
        problems.add("rank mismatch(es) between the weights and lora_adapter_metadata",
                     layer.down_key + " has rank " + std::to_string(rank) + ", the metadata says " +
                         std::to_string(static_cast<int64_t>(*r)) + " for " + peft_name);
        continue;
      }
      alpha = match_pattern(s.alpha_pattern, peft_name, file, "alpha_pattern").value_or(s.lora_alpha);
      scale = s.use_rslora ? alpha / std::sqrt(static_cast<double>(rank)) : alpha / static_cast<double>(rank);
    }
    LoraTarget target;
    target.module_path = layer.module_path;
    target.branch.down = layer.down;
    target.branch.up = layer.up;
    target.branch.scale = scale;
    (layer.component == Component::Unet ? result.unet : result.text_encoder).push_back(std::move(target));
  }

  if (!problems.empty()) {
    std::ostringstream os;
    os << "LoRA file " << file << " cannot be used with this " << family_name(model.family()) << " model:" << problems.text();
    if (problems.has(kMissingLayer) || !other_model.empty()) {
      std::vector<std::string> all = missing_keys;
      all.insert(all.end(), other_model.begin(), other_model.end());
      os << "\nThe LoRA is for another model family" << family_hint(all)
         << ": a LoRA only works with the family it was trained on.";
    } else if (problems.has(kShape)) {
      os << "\nIs this LoRA for another model family or size? A LoRA only works with the family it was trained on.";
    }
    throw InputError(os.str());
  }
  if (result.unet.empty() && result.text_encoder.empty())
    throw InputError("LoRA file " + file + " has no LoRA layers: it holds only alpha values");
  return result;
}

// ---------------------------------------------------------------------------------------------

LoraAttachment::LoraAttachment(StableDiffusionModel& model, const LoraFile& lora, double multiplier) {
  try {
    for (int part = 0; part < 2; ++part) {
      const Module& root =
          part == 0 ? static_cast<const Module&>(model.unet()) : static_cast<const Module&>(model.text_encoder());
      const auto& targets = part == 0 ? lora.unet : lora.text_encoder;
      for (const auto& t : targets) {
        Module* m = root.find_module(t.module_path);
        auto* linear = dynamic_cast<Linear*>(m);
        auto* conv = dynamic_cast<Conv2d*>(m);
        if (!linear && !conv)
          throw InputError("LoRA file " + lora.path.string() + ": layer " + t.module_path +
                           " is not a Linear or Conv2d layer of " + (part == 0 ? "this UNet" : "this text encoder") +
                           " (was the file read for another model?)");
        const at::Tensor& w = linear ? linear->weight : conv->weight;
        const bool fits = t.branch.down.dim() == w.dim() && t.branch.up.dim() == w.dim() && t.branch.down.size(1) == w.size(1) &&
                          t.branch.up.size(0) == w.size(0) && t.branch.up.size(1) == t.branch.down.size(0) &&
                          (w.dim() == 2 || (t.branch.down.size(2) == w.size(2) && t.branch.down.size(3) == w.size(3)));
        if (!fits)
          throw InputError("LoRA file " + lora.path.string() + ": its weights for " + t.module_path + " (down " +
                           shape_text(t.branch.down.sizes()) + ", up " + shape_text(t.branch.up.sizes()) +
                           ") do not fit that layer of this model (weight " + shape_text(w.sizes()) +
                           "); was the file read for another model?");
        auto branch = std::make_shared<LoraBranch>();
        branch->down = t.branch.down.to(w.device(), w.scalar_type()).contiguous();
        branch->up = t.branch.up.to(w.device(), w.scalar_type()).contiguous();
        branch->scale = t.branch.scale * multiplier;
        auto& list = linear ? linear->loras : conv->loras;
        list.push_back(branch);
        attached_.push_back({m, std::move(branch)});
      }
    }
  } catch (...) {
    detach_all();
    throw;
  }
}

LoraAttachment::~LoraAttachment() { detach_all(); }

void LoraAttachment::detach_all() noexcept {
  for (auto it = attached_.rbegin(); it != attached_.rend(); ++it) {
    auto* linear = dynamic_cast<Linear*>(it->layer);
    auto& list = linear ? linear->loras : dynamic_cast<Conv2d*>(it->layer)->loras;
    auto found = std::find(list.begin(), list.end(), it->branch);
    if (found != list.end()) list.erase(found);
  }
  attached_.clear();
}

}  // namespace steer
