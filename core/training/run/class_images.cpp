#include "core/training/run/class_images.h"

#include <cstdio>

#include "core/common/error.h"
#include "core/formats/json.h"
#include "core/generation/generation_job.h"
#include "core/imageio/image_file.h"
#include "core/io/atomic_write.h"
#include "core/io/diffusers_folder.h"
#include "core/pipeline/stable_diffusion_model.h"

namespace fs = std::filesystem;

namespace steer::training {

namespace {

std::string image_name(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "class-%04d.png", i);
  return buf;
}

json::Value manifest_for(const StableDiffusionModel& model, const ClassImageRequest& r) {
  json::Value m{json::Object{}};
  m.set("format", "steer-class-images");
  m.set("model", fs::absolute(model.folder()).lexically_normal().generic_string());
  m.set("prompt", r.prompt);
  m.set("resolution", r.resolution);
  m.set("steps", r.steps);
  m.set("sampler", "euler");
  m.set("guidance", r.guidance);
  m.set("first_seed", r.first_seed);
  return m;
}

// The manifest's settings without the list of finished images.
std::string settings_key(const json::Value& m) {
  json::Value copy{json::Object{}};
  for (const auto& [k, v] : m.as_object())
    if (k != "images") copy.set(k, v);
  return copy.dump();
}

}  // namespace

std::vector<ImageRGBA8> ensure_class_images(StableDiffusionModel& model, const ClassImageRequest& request,
                                            const std::function<void(int, int, bool)>& progress,
                                            const std::atomic<bool>* cancel) {
  fs::create_directories(request.folder);
  const fs::path manifest_path = request.folder / "manifest.json";
  json::Value manifest = manifest_for(model, request);
  std::vector<bool> done(static_cast<size_t>(request.count), false);
  if (fs::exists(manifest_path)) {
    try {
      json::Value old = read_json_file(manifest_path);
      if (settings_key(old) == settings_key(manifest))
        if (const json::Value* images = old.find("images"))
          for (const auto& v : images->as_array()) {
            const int64_t i = v.as_int();
            if (i >= 0 && i < request.count && fs::exists(request.folder / image_name(static_cast<int>(i))))
              done[static_cast<size_t>(i)] = true;
          }
    } catch (const std::exception&) {
      // An unreadable manifest only costs regeneration.
    }
  }
  auto save_manifest = [&] {
    json::Array finished;
    for (size_t i = 0; i < done.size(); ++i)
      if (done[i]) finished.emplace_back(static_cast<int64_t>(i));
    manifest.set("images", std::move(finished));
    write_file_atomically(manifest_path, [&](std::ostream& out) { out << manifest.dump(2) << "\n"; });
  };

  std::vector<ImageRGBA8> images;
  std::unique_ptr<GenerationSession> session;
  for (int i = 0; i < request.count; ++i) {
    const fs::path file = request.folder / image_name(i);
    bool generated = false;
    if (done[static_cast<size_t>(i)]) {
      images.push_back(read_image(file));
      if (images.back().width != request.resolution || images.back().height != request.resolution) {
        done[static_cast<size_t>(i)] = false;
        images.pop_back();
      }
    }
    if (!done[static_cast<size_t>(i)]) {
      if (cancel && cancel->load()) throw JobCancelled();
      if (!session) session = std::make_unique<GenerationSession>(model);
      GenerationRequest g;
      g.prompt = request.prompt;
      g.seed = request.first_seed + i;
      g.width = g.height = request.resolution;
      g.steps = request.steps;
      g.sampler = "euler";
      g.guidance.scale = request.guidance;
      GenerationResult r = session->generate(g, {}, cancel);
      write_image(file, r.image);
      images.push_back(std::move(r.image));
      done[static_cast<size_t>(i)] = true;
      save_manifest();
      generated = true;
    }
    if (progress) progress(i + 1, request.count, generated);
  }
  if (!fs::exists(manifest_path)) save_manifest();
  return images;
}

}  // namespace steer::training
