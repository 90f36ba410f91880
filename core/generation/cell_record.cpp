#include "core/generation/cell_record.h"

#include "core/guidance/guidance_method.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/formats/json.h"
#include "core/formats/sha256.h"
#include "core/io/atomic_write.h"
#include "core/io/diffusers_folder.h"

namespace steer {
namespace fs = std::filesystem;
namespace {

fs::path hash_cache_file() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  const fs::path base = xdg && *xdg ? fs::path(xdg) : fs::path(home ? home : "/tmp") / ".cache";
  return base / "steer-studio" / "file-hashes.json";
}

// sha256 of a file, remembered by (absolute path, size, mtime): hashing 3.4 GB takes seconds.
std::string cached_file_hash(const fs::path& file) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(file, ec);
  const auto size = fs::file_size(file, ec);
  const auto mtime = fs::last_write_time(file, ec).time_since_epoch().count();
  const std::string key = absolute.string() + "|" + std::to_string(size) + "|" + std::to_string(mtime);
  const fs::path cache_path = hash_cache_file();
  json::Value cache = json::Object{};
  try {
    std::ifstream in(cache_path);
    if (in) {
      std::stringstream ss;
      ss << in.rdbuf();
      cache = json::parse(ss.str());
    }
  } catch (const std::exception&) {
    cache = json::Object{};  // a damaged cache is only a cache: rebuild it
  }
  if (!cache.is_object()) cache = json::Object{};
  if (const json::Value* hit = cache.find(key); hit && hit->is_string()) return hit->as_string();
  const std::string hash = sha256_file(file);
  cache.set(key, hash);
  try {
    fs::create_directories(cache_path.parent_path(), ec);
    write_file_atomically(cache_path, [&](std::ostream& out) { out << cache.dump(1); });
  } catch (const std::exception&) {
    // Not being able to remember a hash costs time, not correctness.
  }
  return hash;
}

}  // namespace

ModelIdentity identify_model(const fs::path& folder, const SubjectSpec& subject) {
  ModelIdentity id;
  // A diffusers folder is identified by its UNet weights file (what the images depend on most).
  auto unet_weights_hash = [](const fs::path& model) {
    const DiffusersFolder f = DiffusersFolder::open(model);
    const auto& unet = f.component("unet");
    return cached_file_hash(find_component_weights(unet.folder, weights_stem_for_library(unet.library), WeightsVariant::Auto));
  };
  if (!folder.empty()) {
    id.model_name = (folder.has_filename() ? folder.filename() : folder.parent_path().filename()).string();
    id.model_hash = unet_weights_hash(folder);
  }
  if (subject.kind != SubjectSpec::Kind::None) {
    id.subject_name = subject.path.filename().string();
    id.subject_hash =
        subject.kind == SubjectSpec::Kind::FineTuned ? unet_weights_hash(subject.path) : cached_file_hash(subject.path);
  }
  return id;
}

CellSettings cell_settings_for(const GenerationRequest& r, const ModelIdentity& id, const SubjectSpec& subject,
                               const std::string& device) {
  CellSettings s;
  const auto& g = r.guidance;
  s.method = guidance_method_name(g.method);
  s.lambda = g.scale;
  for (const auto& [name, value] : guidance_method_rule(g.method).parameters(g)) {
    if (name == "omega") s.omega = value;
    if (name == "weak_model") s.weak_model = value;
  }
  for (const auto& m : g.modifiers) s.guidance_modifier += (s.guidance_modifier.empty() ? "" : " ") + m.to_string();
  s.seed = r.seed;
  s.prompt = r.prompt;
  s.negative_prompt = r.negative_prompt;
  s.width = r.width;
  s.height = r.height;
  s.steps = r.steps;
  s.sampler = r.sampler;
  s.karras = r.karras_sigmas;
  s.eta = r.eta;
  s.guidance_rescale = g.rescale;
  if (g.has_interval()) s.guidance_interval = "sigma:" + g.interval_text();
  s.model_name = id.model_name;
  s.model_hash = id.model_hash;
  s.subject_name = id.subject_name;
  s.subject_hash = id.subject_hash;
  s.subject_scale = subject.kind == SubjectSpec::Kind::None ? 0.0 : subject.multiplier;
  s.noise_device = r.noise_on_device ? device : "cpu";
  s.software_version = std::string("Steer Studio ") + STEER_VERSION;
  return s;
}

}  // namespace steer
