#pragma once
// A Steer Studio project as plain values, and its project.json form. A project folder is
// project.json plus outputs/ (one board-N folder per compare board). Qt-free, so the
// format can be read and checked without a window.
//
// project.json, version 1:
//   { "format": "steer-studio-project", "version": 1,
//     "model":   null | { "path", "relative_path", "folder_name", "model_index_size",
//                         "model_index_mtime_ms" },
//     "subject": null | { "kind": "lora" | "fine_tuned", "path", "relative_path", "multiplier" },
//     "request": { every GenerationRequest field },
//     "boards":  [ CompareBoard::toJson(), ... ],
//     "current_board": 0,
//     "training": null | TrainingSettings::to_json() (the Train panel's settings) }
// Paths are stored absolute and relative to the project folder: a project moved together
// with its models still opens. Reading is lenient about absent members (they take their
// defaults) and strict about wrong types (ProjectFormatError names the member).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/formats/json.h"
#include "core/generation/generation_request.h"
#include "core/generation/request_json.h"

namespace steer::ui {

inline constexpr const char* kProjectFormat = "steer-studio-project";
inline constexpr int kProjectVersion = 1;

// project.json is not a project file this version can read; what() says which member.
class ProjectFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Which model folder a project was made with, without hashing gigabytes: its name and the
// size and modification time of its model_index.json. Enough to tell "the same folder,
// moved" from "some other model" when the user locates a missing folder.
struct ModelFolderIdentity {
  std::string folder_name;
  int64_t model_index_size = -1;
  int64_t model_index_mtime_ms = 0;  // since the Unix epoch, UTC

  bool operator==(const ModelFolderIdentity&) const = default;
};

struct ProjectModel {
  std::filesystem::path folder;  // absolute
  ModelFolderIdentity identity;
};

struct Project {
  std::optional<ProjectModel> model;
  SubjectSpec subject;  // Kind::None: no subject
  GenerationRequest request;
  std::vector<json::Value> boards;  // CompareBoard::toJson(), in tab order
  int current_board = 0;
  // The Train panel's settings as TrainingSettings::to_json() writes them; null: none yet.
  // Kept as JSON here so that project files stay readable without the trainer's code.
  json::Value training;
};

// `project_folder` makes the relative path members; both functions take it so the JSON
// never depends on the working directory.
json::Value project_to_json(const Project& project, const std::filesystem::path& project_folder);
// Throws ProjectFormatError (wrong format, newer version, wrong member type).
Project project_from_json(const json::Value& value, const std::filesystem::path& project_folder);

// The request and subject JSON forms live in core (core/generation/request_json.h); project
// files, boards and sidecars share them.

}  // namespace steer::ui
