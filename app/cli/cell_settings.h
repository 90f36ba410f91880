#pragma once
// The record that makes an exported image reproducible: a generation request plus the
// identity (name and content hash) of the model and subject files it used.
#include <string>

#include "core/export/sweep_record.h"
#include "core/generation/generation_request.h"

namespace steer::cli {

struct ModelIdentity {
  std::string model_name, model_hash;      // folder name; sha256 of the UNet weights file
  std::string subject_name, subject_hash;  // LoRA file name; its sha256
};

// Hashes the model's UNet weights and the subject file (sha256, cached by path, size and
// modification time under $XDG_CACHE_HOME/steer-studio, since SD1.5's UNet is 3.4 GB).
ModelIdentity identify(const std::string& model_folder, const SubjectSpec& subject);

CellSettings cell_settings_for(const GenerationRequest& request, const ModelIdentity& identity, const SubjectSpec& subject,
                               const std::string& device);

}  // namespace steer::cli
