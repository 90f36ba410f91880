#include "core/training/run/model_folder_writer.h"

#include <unistd.h>

#include "core/common/error.h"
#include "core/io/diffusers_folder.h"
#include "core/io/safetensors_writer.h"

namespace fs = std::filesystem;

namespace steer::training {

void link_or_copy_file(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_hard_link(from, to, ec);
  if (!ec) return;
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  if (ec) throw Error("cannot copy " + from.string() + " to " + to.string() + ": " + ec.message());
}

void replace_folder(const fs::path& staging, const fs::path& destination) {
  // The old folder is moved aside, not deleted, until the new one is in place: a crash in
  // between leaves one of the two under a name a later run recognises.
  const fs::path aside =
      destination.parent_path() / ("." + destination.filename().string() + ".old-" + std::to_string(::getpid()));
  const bool had_old = fs::exists(destination);
  if (had_old) fs::rename(destination, aside);
  fs::rename(staging, destination);
  if (had_old) fs::remove_all(aside);
}

void write_finetuned_model_folder(const fs::path& base, const fs::path& destination,
                                  const std::map<std::string, NamedTensors>& trained) {
  const fs::path staging =
      destination.parent_path() / ("." + destination.filename().string() + ".partial-" + std::to_string(::getpid()));
  std::error_code ec;
  fs::remove_all(staging, ec);
  try {
    fs::create_directories(staging);
    for (const auto& entry : fs::directory_iterator(base)) {
      const std::string name = entry.path().filename().string();
      if (trained.count(name)) continue;
      if (entry.is_directory()) {
        fs::create_directories(staging / name);
        for (const auto& f : fs::recursive_directory_iterator(entry.path())) {
          const fs::path rel = fs::relative(f.path(), entry.path());
          if (f.is_directory())
            fs::create_directories(staging / name / rel);
          else if (f.is_regular_file())
            link_or_copy_file(f.path(), staging / name / rel);
        }
      } else if (entry.is_regular_file()) {
        link_or_copy_file(entry.path(), staging / name);
      }
    }
    for (const auto& [component, tensors] : trained) {
      const fs::path dir = staging / component;
      fs::create_directories(dir);
      link_or_copy_file(base / component / "config.json", dir / "config.json");
      const std::string file = component == "unet" ? "diffusion_pytorch_model.safetensors" : "model.safetensors";
      write_safetensors(dir / file, tensors, {{"format", "pt"}});
    }
    replace_folder(staging, destination);
  } catch (const fs::filesystem_error& e) {
    fs::remove_all(staging, ec);
    throw Error("cannot write the model folder " + destination.string() + ": " + e.what());
  } catch (...) {
    fs::remove_all(staging, ec);
    throw;
  }
}

}  // namespace steer::training
