#pragma once
// The record that makes an exported image reproducible: a generation request plus the
// identity (name and content hash) of the model and subject files it used. The CLI's
// generate/sweep and the app's compare board and export dialog all build it here, so a
// sidecar means the same thing whoever wrote it. Torch-free.
#include <filesystem>
#include <string>

#include "core/export/sweep_record.h"
#include "core/generation/generation_request.h"

namespace steer {

struct ModelIdentity {
  std::string model_name, model_hash;      // folder name; sha256 of the UNet weights file
  std::string subject_name, subject_hash;  // subject file or folder name; sha256 of its weights
};

// Hashes the model's UNet weights and the subject (a LoRA file, or a fine-tuned folder's
// UNet weights): sha256, remembered by absolute path, size and modification time in
// $XDG_CACHE_HOME/steer-studio/file-hashes.json, since SD1.5's UNet is 3.4 GB. Slow the first
// time for a real model: call it off a UI thread. An empty folder gives an empty model identity.
ModelIdentity identify_model(const std::filesystem::path& model_folder, const SubjectSpec& subject);

CellSettings cell_settings_for(const GenerationRequest& request, const ModelIdentity& identity, const SubjectSpec& subject,
                               const std::string& device);

}  // namespace steer
