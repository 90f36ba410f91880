#pragma once
// The record that makes an exported image reproducible, built the way `steer sweep` builds
// it (app/cli/cell_settings.cpp, which is not a library): the request plus the identity
// (name and content hash) of the model and subject files. Torch-free.
#include <filesystem>
#include <string>

#include "core/export/sweep_record.h"
#include "core/generation/generation_request.h"

namespace steer::ui {

struct ModelIdentity {
  std::string model_name, model_hash;      // folder name; sha256 of the UNet weights file
  std::string subject_name, subject_hash;  // subject file or folder name; sha256 of a file subject
};

// Hashes the model's UNet weights and a subject file (sha256, remembered by path, size and
// modification time in $XDG_CACHE_HOME/steer-studio/file-hashes.json, the cache the CLI
// shares). Slow the first time for a real model (SD1.5's UNet is 3.4 GB): call it off the
// UI thread. An empty folder gives an empty identity.
ModelIdentity identify_model(const std::filesystem::path& model_folder, const SubjectSpec& subject);

// The same fields `steer sweep` writes for a cell generated with `request`.
CellSettings cell_settings_for(const GenerationRequest& request, const ModelIdentity& identity, const SubjectSpec& subject,
                               const std::string& device);

}  // namespace steer::ui
