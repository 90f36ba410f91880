#include "core/generation/finetuned_subject.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <cstdio>
#include <map>
#include <sstream>

#include "core/common/error.h"
#include "core/io/diffusers_folder.h"
#include "core/io/safetensors_file.h"
#include "core/pipeline/stable_diffusion_model.h"

namespace steer {
namespace fs = std::filesystem;

namespace {

std::string shape_text(const std::vector<int64_t>& shape) {
  std::ostringstream os;
  os << "[";
  for (size_t i = 0; i < shape.size(); ++i) os << (i ? ", " : "") << shape[i];
  os << "]";
  return os.str();
}

const char* dtype_label(at::ScalarType t) {
  switch (t) {
    case at::kFloat:
      return "fp32";
    case at::kHalf:
      return "fp16";
    case at::kBFloat16:
      return "bf16";
    default:
      return "the compute dtype";
  }
}

std::string bytes_text(double bytes) {
  char buf[64];
  if (bytes >= 1e9)
    std::snprintf(buf, sizeof buf, "%.1f GB", bytes / 1e9);
  else if (bytes >= 1e6)
    std::snprintf(buf, sizeof buf, "%.1f MB", bytes / 1e6);
  else
    std::snprintf(buf, sizeof buf, "%.1f kB", bytes / 1e3);
  return buf;
}

bool same_weights(const Module& a, const Module& b) {
  const auto pa = a.named_parameters(), pb = b.named_parameters();
  if (pa.size() != pb.size()) return false;
  for (size_t i = 0; i < pa.size(); ++i)
    if (!at::equal(*pa[i].tensor, *pb[i].tensor)) return false;
  return true;
}

// Settings that change what a network computes without changing any parameter's shape.
std::string unet_config_difference(const UNetConfig& a, const UNetConfig& b) {
  if (a.num_attention_heads != b.num_attention_heads) return "attention_head_dim / num_attention_heads";
  if (a.upcast_attention != b.upcast_attention) return "upcast_attention";
  if (a.norm_eps != b.norm_eps) return "norm_eps";
  if (a.flip_sin_to_cos != b.flip_sin_to_cos) return "flip_sin_to_cos";
  if (a.freq_shift != b.freq_shift) return "freq_shift";
  if (a.down_block_types != b.down_block_types) return "down_block_types";
  if (a.up_block_types != b.up_block_types) return "up_block_types";
  return "";
}

std::string text_config_difference(const ClipTextConfig& a, const ClipTextConfig& b) {
  if (a.hidden_act != b.hidden_act) return "hidden_act";
  if (a.num_attention_heads != b.num_attention_heads) return "num_attention_heads";
  if (a.layer_norm_eps != b.layer_norm_eps) return "layer_norm_eps";
  if (a.eos_token_id != b.eos_token_id) return "eos_token_id";
  return "";
}

void allocate_like(const Module& source, Module& target) {
  const auto src = source.named_parameters();
  const auto dst = target.named_parameters();
  for (size_t i = 0; i < src.size(); ++i) *dst[i].tensor = at::empty_like(*src[i].tensor);
}

}  // namespace

std::string first_parameter_difference(const Module& a, const std::string& a_label, const Module& b, const std::string& b_label) {
  const auto pa = a.named_parameters(), pb = b.named_parameters();
  std::map<std::string, const Module::ParameterRef*> in_b;
  for (const auto& p : pb) in_b.emplace(p.name, &p);
  for (const auto& p : pa) {
    auto it = in_b.find(p.name);
    if (it == in_b.end()) return "key \"" + p.name + "\" is in " + a_label + " but not in " + b_label;
    if (it->second->expected_shape != p.expected_shape)
      return "key \"" + p.name + "\": " + shape_text(p.expected_shape) + " in " + a_label + ", " +
             shape_text(it->second->expected_shape) + " in " + b_label;
  }
  if (pb.size() != pa.size()) {
    std::map<std::string, int> in_a;
    for (const auto& p : pa) in_a.emplace(p.name, 0);
    for (const auto& p : pb)
      if (!in_a.count(p.name)) return "key \"" + p.name + "\" is in " + b_label + " but not in " + a_label;
  }
  return "";
}

void lerp_parameters_into(const Module& pre, const Module& ft, Module& workspace, double omega) {
  c10::InferenceMode inference;  // the workspace is inference state whoever asks for it
  const auto p = pre.named_parameters(), f = ft.named_parameters(), w = workspace.named_parameters();
  if (p.size() != f.size() || p.size() != w.size())
    throw std::logic_error("lerp_parameters_into: the three trees have different parameters");
  for (size_t i = 0; i < p.size(); ++i) {
    if (!w[i].tensor->defined()) *w[i].tensor = at::empty_like(*f[i].tensor);
    at::lerp_out(*w[i].tensor, *p[i].tensor, *f[i].tensor, omega);
  }
}

FineTunedSubject::FineTunedSubject(const StableDiffusionModel& base, const fs::path& folder_path)
    : base_(base), folder_(folder_path) {
  const std::string subject_label = "the fine-tuned subject " + folder_path.string();
  const std::string base_label = "the base model " + base.folder().string();
  if (fs::is_regular_file(folder_path))
    throw InputError(folder_path.string() +
                     " is a file; a fully fine-tuned subject is a diffusers folder (the one "
                     "holding model_index.json) of the base model's architecture. A LoRA file is a LoRA subject.");
  const DiffusersFolder folder = DiffusersFolder::open(folder_path);
  const LoadOptions& options = base.options();

  unet_ft_ = load_unet(folder.component("unet").folder, options);
  std::string diff = first_parameter_difference(base.unet(), base.folder().string(), *unet_ft_, folder_path.string());
  if (diff.empty()) {
    const std::string setting = unet_config_difference(base.unet().config(), unet_ft_->config());
    if (!setting.empty()) diff = "unet/config.json \"" + setting + "\" differs";
  }
  if (!diff.empty())
    throw InputError(subject_label + " does not have the architecture of " + base_label + " (the UNets differ: " + diff +
                     "). A fine-tuned subject must be a fine-tune of the base model itself.");

  if (folder.has("scheduler")) {
    const std::string pred = json::string_or(folder.config("scheduler"), "prediction_type", "epsilon");
    if (pred != base.prediction_type())
      throw InputError(subject_label + " predicts \"" + pred + "\" (scheduler prediction_type) but " + base_label +
                       " predicts \"" + base.prediction_type() +
                       "\": a fine-tuned subject must be a fine-tune of the base model itself");
  }
  te_ft_ = load_clip_text_model(folder.component("text_encoder").folder, options);
  diff = first_parameter_difference(base.text_encoder(), base.folder().string(), *te_ft_, folder_path.string());
  if (diff.empty()) {
    const std::string setting = text_config_difference(base.text_encoder().config(), te_ft_->config());
    if (!setting.empty()) diff = "text_encoder/config.json \"" + setting + "\" differs";
  }
  if (!diff.empty())
    throw InputError(subject_label + " does not have the architecture of " + base_label + " (the text encoders differ: " + diff +
                     "). A fine-tuned subject must be a fine-tune of the base model itself.");
  if (same_weights(base.text_encoder(), *te_ft_)) te_ft_.reset();
  if (!te_ft_ && same_weights(base.unet(), *unet_ft_))
    throw InputError(subject_label + " has the same UNet and text-encoder weights as " + base_label +
                     ": as a subject it would make PG and AG equal CFG on the base model");
}

FineTunedSubject::~FineTunedSubject() = default;

const UNet2DConditionModel& FineTunedSubject::unet_at(double omega) {
  if (omega == 0.0) return base_.unet();
  if (omega == 1.0) return *unet_ft_;
  if (!unet_ws_) {
    unet_ws_ = std::make_unique<UNet2DConditionModel>(unet_ft_->config());
    c10::InferenceMode inference;
    allocate_like(*unet_ft_, *unet_ws_);
  }
  if (unet_ws_omega_ != omega) {
    lerp_parameters_into(base_.unet(), *unet_ft_, *unet_ws_, omega);
    unet_ws_omega_ = omega;
    ++unet_rebuilds_;
  }
  return *unet_ws_;
}

at::Tensor FineTunedSubject::encode_prompt(const std::string& prompt, double omega, int clip_skip) {
  const ClipTextModel* te = &base_.text_encoder();
  if (te_ft_ && omega == 1.0) {
    te = te_ft_.get();
  } else if (te_ft_ && omega != 0.0) {
    if (!te_ws_) {
      te_ws_ = std::make_unique<ClipTextModel>(te_ft_->config());
      c10::InferenceMode inference;
      allocate_like(*te_ft_, *te_ws_);
    }
    if (te_ws_omega_ != omega) {
      lerp_parameters_into(base_.text_encoder(), *te_ft_, *te_ws_, omega);
      te_ws_omega_ = omega;
    }
    te = te_ws_.get();
  }
  // As StableDiffusionModel::encode_prompt, with this text encoder.
  const std::vector<int32_t> ids32 = base_.tokenizer().encode_padded(prompt);
  const std::vector<int64_t> ids(ids32.begin(), ids32.end());
  at::Tensor input = at::tensor(ids, at::TensorOptions().dtype(at::kLong)).unsqueeze(0).to(base_.options().device);
  return te->encode(input, clip_skip);
}

int64_t FineTunedSubject::extra_bytes() const {
  const int64_t element = static_cast<int64_t>(c10::elementSize(base_.options().dtype));
  int64_t params = 2 * unet_ft_->parameter_count();
  if (te_ft_) params += 2 * te_ft_->parameter_count();
  return params * element;
}

std::string FineTunedSubject::memory_note() const {
  std::string note = "fine-tuned subject: +2 UNet copies (θ_ft and the θ_ω workspace)";
  if (te_ft_) note += " and +2 text-encoder copies (its text encoder differs from the base's)";
  note += ", " + bytes_text(static_cast<double>(extra_bytes())) + " in " + dtype_label(base_.options().dtype) +
          " beside the base model; the workspace is allocated when a step first needs 0 < ω < 1";
  return note;
}

std::string textual_inversion_signature(const fs::path& path, int64_t text_width) {
  std::shared_ptr<SafetensorsFile> file;
  try {
    file = SafetensorsFile::open(path);
  } catch (const std::exception&) {
    return "";
  }
  const auto& tensors = file->header().tensors;
  if (tensors.empty()) return "";
  for (const auto& t : tensors)
    if (t.name.find("lora") != std::string::npos || t.name.find("alpha") != std::string::npos) return "";
  auto describe = [](const safetensors::TensorInfo& t) { return t.name + " " + shape_text(t.shape); };
  for (const auto& t : tensors) {
    if (t.name == "emb_params" || t.name.rfind("string_to_param", 0) == 0 || t.name == "clip_l" || t.name == "clip_g")
      return describe(t);
  }
  if (tensors.size() == 1) {
    const auto& t = tensors.front();
    const bool width = !t.shape.empty() && (t.shape.back() == 768 || t.shape.back() == 1024 || t.shape.back() == text_width);
    if (t.shape.size() == 2 && width) return describe(t);
  }
  return "";
}

std::string textual_inversion_refusal(const fs::path& path, const std::string& signature) {
  return path.string() + " is a textual-inversion embedding (" + signature +
         "), not a LoRA or a fine-tuned model. Personalization guidance gains nothing from it: the ∅ pass never "
         "sees the learned token and the UNet is unchanged, so PG equals CFG for every ω (a sweep over ω would give "
         "the same image in every cell). For such a subject use CFG with its token in the prompt (this build does not "
         "load textual-inversion embeddings into the text encoder); for PG use a LoRA or a fully fine-tuned subject.";
}

}  // namespace steer
