#include "core/generation/sweep_plan.h"

#include <cstdio>
#include <limits>
#include <set>
#include <sstream>

#include "core/common/checked_number.h"
#include "core/common/error.h"
#include "core/common/number_text.h"
#include "core/formats/json_whole_number.h"
#include "core/generation/request_json.h"
#include "core/guidance/guidance_method.h"

namespace steer {

std::string reproducibility_key(const GenerationRequest& r) {
  std::ostringstream k;
  k.precision(17);  // every double exactly: λ 7.5 and 7.5000001 are different images
  const auto& g = r.guidance;
  k << r.prompt << '\x1f' << r.negative_prompt << '\x1f' << r.seed << '\x1f' << r.width << 'x' << r.height << '\x1f' << r.steps
    << '\x1f' << r.sampler << '\x1f' << r.karras_sigmas << '\x1f' << r.eta << '\x1f' << r.clip_skip << '\x1f' << r.noise_on_device
    << '\x1f' << guidance_method_name(g.method) << '\x1f' << g.scale << '\x1f' << g.rescale << '\x1f' << g.interval_text();
  // Only the method's own parameters count (ω for pg, the weak model for ag): a cfg cell
  // repeated along the ω axis is one image.
  for (const auto& [name, value] : guidance_method_rule(g.method).parameters(g)) k << '\x1f' << name << '=' << value;
  for (const auto& m : g.modifiers) k << '\x1f' << m.to_string();
  return k.str();
}

std::vector<SweepPlan::Axis> SweepPlan::axes() const {
  std::vector<Axis> out;
  if (omegas.size() > 1) {
    Axis a{"omega", {}};
    for (const auto& w : omegas) a.labels.push_back(OmegaSchedule::parse(w).to_string());
    out.push_back(a);
  }
  if (lambdas.size() > 1) {
    Axis a{"lambda", {}};
    for (double l : lambdas) a.labels.push_back(number_text(l));
    out.push_back(a);
  }
  if (methods.size() > 1) out.push_back(Axis{"method", methods});
  if (seeds.size() > 1) {
    Axis a{"seed", {}};
    for (int64_t s : seeds) a.labels.push_back(std::to_string(s));
    out.push_back(a);
  }
  if (prompts.size() > 1) out.push_back(Axis{"prompt", prompts});
  if (out.empty()) out.push_back(Axis{"seed", {std::to_string(seeds.empty() ? base.seed : seeds[0])}});
  return out;
}

namespace {

// Sets the value at `i` along the axis `name` in `request`.
void set_axis_value(const SweepPlan& plan, const std::string& name, size_t i, GenerationRequest& request) {
  if (name == "omega")
    request.guidance.omega = OmegaSchedule::parse(plan.omegas[i]);
  else if (name == "lambda")
    request.guidance.scale = plan.lambdas[i];
  else if (name == "method")
    request.guidance.method = parse_guidance_method(plan.methods[i]);
  else if (name == "seed" && !plan.seeds.empty())
    request.seed = plan.seeds[i];
  else if (name == "prompt")
    request.prompt = plan.prompts[i];
}

// Whether the axis's values give `request` different images: decided by the settings that
// decide an image (reproducibility_key, which counts a method's own settings only as the
// method declares them), not by the method's name.
bool axis_applies(const SweepPlan& plan, const SweepPlan::Axis& axis, const GenerationRequest& request) {
  if (axis.labels.size() < 2) return true;
  GenerationRequest probe = request;
  set_axis_value(plan, axis.name, 0, probe);
  const std::string first = reproducibility_key(probe);
  for (size_t i = 1; i < axis.labels.size(); ++i) {
    set_axis_value(plan, axis.name, i, probe);
    if (reproducibility_key(probe) != first) return true;
  }
  return false;
}

}  // namespace

size_t SweepPlan::full_grid_size() const {
  size_t n = 1;
  for (const auto& a : axes()) n *= a.labels.size();
  return n;
}

std::vector<SweepPlan::Cell> SweepPlan::cells() const {
  const std::vector<Axis> grid = axes();
  std::vector<size_t> sizes;
  for (const auto& a : grid) sizes.push_back(a.labels.size());
  GenerationRequest fixed = base;
  if (methods.size() == 1) fixed.guidance.method = parse_guidance_method(methods[0]);
  if (lambdas.size() == 1) fixed.guidance.scale = lambdas[0];
  if (omegas.size() == 1) fixed.guidance.omega = OmegaSchedule::parse(omegas[0]);
  if (seeds.size() == 1) fixed.seed = seeds[0];
  if (prompts.size() == 1) fixed.prompt = prompts[0];
  std::vector<Cell> out;
  std::vector<size_t> pos(grid.size(), 0);
  for (;;) {
    Cell cell;
    cell.index = out.size();
    cell.position = pos;
    cell.request = fixed;
    for (size_t a = 0; a < grid.size(); ++a) set_axis_value(*this, grid[a].name, pos[a], cell.request);
    // Only the first axis (the grid's columns) may be spanned: the cell stands for the whole
    // row's values, so it is made where the row starts and skipped elsewhere.
    bool repeat = false;
    if (!grid.empty() && !axis_applies(*this, grid[0], cell.request)) {
      repeat = pos[0] != 0;
      cell.position[0] = kAxisNotApplicable;
      if (grid[0].name == "omega") cell.request.guidance.omega = fixed.guidance.omega;
      if (grid[0].name == "lambda") cell.request.guidance.scale = fixed.guidance.scale;
    }
    if (!repeat) out.push_back(cell);
    // Row-major: the last axis varies fastest.
    size_t a = grid.size();
    while (a > 0) {
      --a;
      if (++pos[a] < sizes[a]) break;
      pos[a] = 0;
      if (a == 0) return out;
    }
    if (grid.empty()) return out;
  }
}

void SweepPlan::validate() const {
  if (methods.empty()) throw InputError("a sweep needs at least one method (cfg, ag or pg)");
  for (const auto& m : methods) parse_guidance_method(m);
  for (const auto& w : omegas) OmegaSchedule::parse(w);
  for (const auto& cell : cells()) {
    try {
      cell.request.validate();
    } catch (const InputError& e) {
      throw InputError("sweep cell " + std::to_string(cell.index) + " (" + cell.request.guidance.describe() + "): " + e.what());
    }
  }
}

SweepPlan SweepPlan::from_json(const json::Value& file, const std::string& name, GenerationRequest base) {
  if (!file.is_object()) throw InputError(name + ": a sweep file must be a JSON object");
  static const std::set<std::string> known = {
      "methods", "lambdas", "omegas", "seeds",   "prompts",  "prompt",    "negative", "steps",  "sampler", "width",  "height",
      "karras",  "eta",     "weak",   "rescale", "interval", "clip_skip", "seed",     "lambda", "omega",   "method", "request"};
  for (const auto& [key, value] : file.as_object())
    if (!known.count(key)) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      throw InputError(name + ": unknown key \"" + key + "\"; a sweep file may have: " + list);
    }
  // "request": the base request in its one JSON form (core/generation/request_json.h), as a
  // sidecar or a project holds it; the shorthand keys below then change it.
  if (const json::Value* request = file.find("request")) base = request_from_json(*request, name);
  auto fail = [&](const std::string& key, const std::string& what) -> InputError {
    return InputError(name + ": \"" + key + "\" " + what);
  };
  auto strings = [&](const std::string& key) {
    std::vector<std::string> out;
    const json::Value* v = file.find(key);
    if (!v) return out;
    if (!v->is_array() || v->as_array().empty()) throw fail(key, "must be a non-empty list");
    for (const auto& e : v->as_array()) {
      if (e.is_string())
        out.push_back(e.as_string());
      else if (e.is_number())
        out.push_back(number_text(e.as_number()));
      else
        throw fail(key, "must list strings or numbers, found " + e.dump());
    }
    return out;
  };
  // Whole-number settings: a fraction or a value beyond an int is refused here, naming the key
  // (never truncated or wrapped); one that fits is left to GenerationRequest::validate, whose
  // range `allowed` repeats for the message.
  auto whole = [&](const std::string& key, const json::Value& v, const std::string& allowed) {
    return static_cast<int>(json::whole_number(v, name + ": \"" + key + "\"", std::numeric_limits<int>::min(),
                                               std::numeric_limits<int>::max(), "a whole number " + allowed));
  };
  const std::string size_rule = "that is a positive multiple of 8 up to 4096 (e.g. 512)";
  const std::string seed_rule = std::string("a seed from ") + kSeedRangeText;
  SweepPlan plan;
  try {
    if (const auto* v = file.find("prompt")) base.prompt = v->as_string();
    if (const auto* v = file.find("negative")) base.negative_prompt = v->as_string();
    if (const auto* v = file.find("steps")) base.steps = whole("steps", *v, "from 1 to 1000");
    if (const auto* v = file.find("sampler")) base.sampler = v->as_string();
    if (const auto* v = file.find("width")) base.width = whole("width", *v, size_rule);
    if (const auto* v = file.find("height")) base.height = whole("height", *v, size_rule);
    if (const auto* v = file.find("karras")) base.karras_sigmas = v->as_bool();
    if (const auto* v = file.find("eta")) base.eta = v->as_number();
    if (const auto* v = file.find("clip_skip")) base.clip_skip = whole("clip_skip", *v, "from 0 to 11");
    if (const auto* v = file.find("seed")) base.seed = json::whole_number(*v, name + ": \"seed\"", 0, kLargestSeed, seed_rule);
    if (const auto* v = file.find("lambda")) base.guidance.scale = v->as_number();
    if (const auto* v = file.find("method")) base.guidance.method = parse_guidance_method(v->as_string());
    if (const auto* v = file.find("omega"))
      base.guidance.omega = OmegaSchedule::parse(v->is_string() ? v->as_string() : number_text(v->as_number()));
    if (const auto* v = file.find("weak")) base.guidance.weak = WeakModel::parse(v->as_string());
    if (const auto* v = file.find("rescale")) base.guidance.rescale = v->as_number();
    if (const auto* v = file.find("interval")) base.guidance.set_interval(v->as_string());
  } catch (const json::TypeError& e) {
    throw InputError(name + ": " + e.what());
  }
  plan.base = base;
  if (file.contains("methods"))
    plan.methods = strings("methods");
  else
    plan.methods = {guidance_method_name(base.guidance.method)};
  {
    size_t position = 0;
    for (const auto& s : strings("lambdas"))
      plan.lambdas.push_back(parse_finite_number(s, name + ": \"lambdas\" entry " + std::to_string(++position)));
  }
  plan.omegas = strings("omegas");
  // Seeds are read from the JSON numbers themselves (a number's text through a double would
  // round seeds above 2^53), or from strings holding a whole number.
  if (const json::Value* list = file.find("seeds")) {
    if (!list->is_array() || list->as_array().empty()) throw fail("seeds", "must be a non-empty list");
    size_t position = 0;
    for (const auto& e : list->as_array()) {
      const std::string what = name + ": \"seeds\" entry " + std::to_string(++position);
      if (e.is_string())
        plan.seeds.push_back(parse_seed(e.as_string(), what));
      else
        plan.seeds.push_back(json::whole_number(e, what, 0, kLargestSeed, seed_rule));
    }
  }
  plan.prompts = strings("prompts");
  return plan;
}

}  // namespace steer
