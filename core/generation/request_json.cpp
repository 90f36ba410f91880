// The one JSON form of a generation request and a subject (core/generation/request_json.h).
#include "core/generation/request_json.h"

#include <cmath>
#include <limits>
#include <system_error>
#include <utility>

#include "core/common/error.h"
#include "core/formats/json_members.h"
#include "core/guidance/guidance_modifier.h"
#include "core/guidance/guidance_settings.h"
#include "core/guidance/omega_schedule.h"

namespace steer {

namespace fs = std::filesystem;

namespace {

// 2^53: the largest range in which every integer is exact in a double.
constexpr int64_t kExactInDouble = int64_t{1} << 53;

// The file the JSON came from, for messages ("project.json", "board.json", a sidecar's path).
thread_local std::string t_where = "the request";

[[noreturn]] void format_error(const std::string& member, const std::string& what) {
  json::MemberReader(t_where).fail(member, what);
}

struct WhereScope {
  std::string previous;
  explicit WhereScope(const std::string& where) : previous(std::exchange(t_where, where)) {}
  ~WhereScope() { t_where = previous; }
};

// Member readers naming t_where (core/formats/json_members.h).
json::MemberReader reader() { return json::MemberReader(t_where); }

std::string path_text(const fs::path& path) { return path.string(); }

json::Value modifiers_to_json(const std::vector<ModifierSettings>& modifiers) {
  json::Array out;
  for (const auto& m : modifiers) out.emplace_back(m.to_string());
  return out;
}

json::Value omega_to_json(const OmegaSchedule& omega) {
  const char* kind = "constant";
  switch (omega.kind) {
    case OmegaSchedule::Kind::Constant:
      kind = "constant";
      break;
    case OmegaSchedule::Kind::Linear:
      kind = "linear";
      break;
    case OmegaSchedule::Kind::Cosine:
      kind = "cosine";
      break;
    case OmegaSchedule::Kind::Interval:
      kind = "interval";
      break;
  }
  return json::Object{{"kind", kind},
                      {"start", omega.start},
                      {"end", omega.end},
                      {"interval_begin", omega.interval_begin},
                      {"interval_end", omega.interval_end}};
}

OmegaSchedule omega_from_json(const json::Value& v, const std::string& prefix) {
  OmegaSchedule omega;
  const std::string kind = reader().string(v, "kind", prefix, "constant");
  if (kind == "constant")
    omega.kind = OmegaSchedule::Kind::Constant;
  else if (kind == "linear")
    omega.kind = OmegaSchedule::Kind::Linear;
  else if (kind == "cosine")
    omega.kind = OmegaSchedule::Kind::Cosine;
  else if (kind == "interval")
    omega.kind = OmegaSchedule::Kind::Interval;
  else
    format_error(prefix + "kind", "is \"" + kind + "\"; expected constant, linear, cosine or interval");
  omega.start = reader().number(v, "start", prefix, omega.start);
  omega.end = reader().number(v, "end", prefix, omega.end);
  omega.interval_begin = reader().number(v, "interval_begin", prefix, omega.interval_begin);
  omega.interval_end = reader().number(v, "interval_end", prefix, omega.interval_end);
  return omega;
}

json::Value weak_to_json(const WeakModel& weak) {
  const char* kind = "base";
  switch (weak.kind) {
    case WeakModel::Kind::Base:
      kind = "base";
      break;
    case WeakModel::Kind::Checkpoint:
      kind = "checkpoint";
      break;
    case WeakModel::Kind::Omega:
      kind = "omega";
      break;
  }
  return json::Object{{"kind", kind}, {"checkpoint", weak.checkpoint}, {"omega", weak.omega}};
}

WeakModel weak_from_json(const json::Value& v, const std::string& prefix) {
  WeakModel weak;
  const std::string kind = reader().string(v, "kind", prefix, "base");
  if (kind == "base")
    weak.kind = WeakModel::Kind::Base;
  else if (kind == "checkpoint")
    weak.kind = WeakModel::Kind::Checkpoint;
  else if (kind == "omega")
    weak.kind = WeakModel::Kind::Omega;
  else
    format_error(prefix + "kind", "is \"" + kind + "\"; expected base, checkpoint or omega");
  weak.checkpoint = reader().string(v, "checkpoint", prefix, weak.checkpoint);
  weak.omega = reader().number(v, "omega", prefix, weak.omega);
  return weak;
}

json::Value guidance_to_json(const GuidanceSettings& g) {
  return json::Object{{"method", guidance_method_name(g.method)},
                      {"scale", g.scale},
                      {"omega", omega_to_json(g.omega)},
                      {"weak", weak_to_json(g.weak)},
                      {"rescale", g.rescale},
                      {"sigma_low", g.sigma_low},
                      {"sigma_high", std::isinf(g.sigma_high) ? json::Value(nullptr) : json::Value(g.sigma_high)},
                      {"modifiers", modifiers_to_json(g.modifiers)}};
}

GuidanceSettings guidance_from_json(const json::Value& v, const std::string& prefix) {
  GuidanceSettings g;
  const std::string method = reader().string(v, "method", prefix, guidance_method_name(g.method));
  if (method == "cfg")
    g.method = GuidanceMethod::Cfg;
  else if (method == "ag")
    g.method = GuidanceMethod::Autoguidance;
  else if (method == "pg")
    g.method = GuidanceMethod::Personalization;
  else
    format_error(prefix + "method", "is \"" + method + "\"; expected cfg, ag or pg");
  g.scale = reader().number(v, "scale", prefix, g.scale);
  if (const json::Value* omega = reader().object(v, "omega", prefix)) g.omega = omega_from_json(*omega, prefix + "omega.");
  if (const json::Value* weak = reader().object(v, "weak", prefix)) g.weak = weak_from_json(*weak, prefix + "weak.");
  g.rescale = reader().number(v, "rescale", prefix, g.rescale);
  g.sigma_low = reader().number(v, "sigma_low", prefix, g.sigma_low);
  g.sigma_high = reader().number(v, "sigma_high", prefix, g.sigma_high);  // null: no upper bound
  if (const json::Value* modifiers = json::MemberReader::find(v, "modifiers")) {
    if (!modifiers->is_array()) format_error(prefix + "modifiers", "must be an array of texts such as \"apg:eta=0\"");
    for (const json::Value& m : modifiers->as_array()) {
      if (!m.is_string()) format_error(prefix + "modifiers", "must hold texts such as \"apg:eta=0\"");
      try {
        g.modifiers.push_back(ModifierSettings::parse(m.as_string()));
      } catch (const InputError& e) {
        format_error(prefix + "modifiers", std::string("holds a modifier that is not understood: ") + e.what());
      }
    }
  }
  return g;
}

}  // namespace

const char* subject_kind_name(SubjectSpec::Kind kind) {
  switch (kind) {
    case SubjectSpec::Kind::None:
      return "none";
    case SubjectSpec::Kind::Lora:
      return "lora";
    case SubjectSpec::Kind::FineTuned:
      return "fine_tuned";
  }
  return "none";
}

json::Value request_to_json(const GenerationRequest& r) {
  const bool seed_exact = r.seed > -kExactInDouble && r.seed < kExactInDouble;
  return json::Object{{"prompt", r.prompt},
                      {"negative_prompt", r.negative_prompt},
                      {"seed", seed_exact ? json::Value(r.seed) : json::Value(std::to_string(r.seed))},
                      {"width", r.width},
                      {"height", r.height},
                      {"steps", r.steps},
                      {"sampler", r.sampler},
                      {"karras_sigmas", r.karras_sigmas},
                      {"eta", r.eta},
                      {"clip_skip", r.clip_skip},
                      {"guidance", guidance_to_json(r.guidance)},
                      {"noise_on_device", r.noise_on_device},
                      {"batch_branches", r.batch_branches},
                      {"merge_lora", r.merge_lora},
                      {"want_branch_previews", r.want_branch_previews},
                      {"want_latents", r.want_latents}};
}

GenerationRequest request_from_json(const json::Value& v, const std::string& where) {
  const WhereScope scope(where);
  const std::string p = "request.";
  if (!v.is_object()) format_error("request", "must be an object");
  GenerationRequest r;
  r.prompt = reader().string(v, "prompt", p, r.prompt);
  r.negative_prompt = reader().string(v, "negative_prompt", p, r.negative_prompt);
  if (const json::Value* seed = json::MemberReader::find(v, "seed"); seed && seed->is_string()) {
    try {
      size_t used = 0;
      r.seed = std::stoll(seed->as_string(), &used);
      if (used != seed->as_string().size()) throw std::invalid_argument("trailing text");
    } catch (const std::exception&) {
      format_error(p + "seed", "must be an integer");
    }
  } else {
    r.seed = reader().integer(v, "seed", p, r.seed);
  }
  r.width = reader().small_integer(v, "width", p, r.width);
  r.height = reader().small_integer(v, "height", p, r.height);
  r.steps = reader().small_integer(v, "steps", p, r.steps);
  r.sampler = reader().string(v, "sampler", p, r.sampler);
  r.karras_sigmas = reader().boolean(v, "karras_sigmas", p, r.karras_sigmas);
  r.eta = reader().number(v, "eta", p, r.eta);
  r.clip_skip = reader().small_integer(v, "clip_skip", p, r.clip_skip);
  if (const json::Value* g = reader().object(v, "guidance", p)) r.guidance = guidance_from_json(*g, p + "guidance.");
  r.noise_on_device = reader().boolean(v, "noise_on_device", p, r.noise_on_device);
  r.batch_branches = reader().boolean(v, "batch_branches", p, r.batch_branches);
  r.merge_lora = reader().boolean(v, "merge_lora", p, r.merge_lora);
  r.want_branch_previews = reader().boolean(v, "want_branch_previews", p, r.want_branch_previews);
  r.want_latents = reader().boolean(v, "want_latents", p, r.want_latents);
  return r;
}

json::Value subject_to_json(const SubjectSpec& subject, const fs::path& project_folder) {
  if (subject.kind == SubjectSpec::Kind::None) return nullptr;
  return json::Object{{"kind", subject_kind_name(subject.kind)},
                      {"path", path_text(subject.path)},
                      {"relative_path", json::relative_path_text(subject.path, project_folder)},
                      {"multiplier", subject.multiplier}};
}

SubjectSpec subject_from_json(const json::Value& v, const fs::path& project_folder, const std::string& where) {
  const WhereScope scope(where);
  SubjectSpec subject;
  if (v.is_null()) return subject;
  const std::string p = "subject.";
  if (!v.is_object()) format_error("subject", "must be an object or null");
  const std::string kind = reader().string(v, "kind", p, "none");
  if (kind == "none") return subject;
  if (kind == "lora")
    subject.kind = SubjectSpec::Kind::Lora;
  else if (kind == "fine_tuned")
    subject.kind = SubjectSpec::Kind::FineTuned;
  else
    format_error(p + "kind", "is \"" + kind + "\"; expected lora or fine_tuned");
  subject.path = reader().stored_path(v, p, project_folder);
  if (subject.path.empty()) format_error(p + "path", "is missing");
  subject.multiplier = reader().number(v, "multiplier", p, subject.multiplier);
  return subject;
}

}  // namespace steer
