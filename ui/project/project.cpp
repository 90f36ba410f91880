#include "ui/project/project.h"

#include <cmath>
#include <limits>
#include <system_error>

#include "core/common/error.h"
#include "core/formats/json_members.h"
#include "core/generation/request_json.h"

namespace steer::ui {

namespace fs = std::filesystem;

namespace {

// Member readers naming project.json (core/formats/json_members.h); project_from_json turns
// their InputError into ProjectFormatError.
const json::MemberReader kProjectFile("project.json");

[[noreturn]] void format_error(const std::string& member, const std::string& what) { kProjectFile.fail(member, what); }

std::string path_text(const fs::path& path) { return path.string(); }

}  // namespace

json::Value project_to_json(const Project& project, const fs::path& project_folder) {
  json::Value model = nullptr;
  if (project.model) {
    const ProjectModel& m = *project.model;
    model = json::Object{{"path", path_text(m.folder)},
                         {"relative_path", json::relative_path_text(m.folder, project_folder)},
                         {"folder_name", m.identity.folder_name},
                         {"model_index_size", m.identity.model_index_size},
                         {"model_index_mtime_ms", m.identity.model_index_mtime_ms}};
  }
  return json::Object{{"format", kProjectFormat},
                      {"version", kProjectVersion},
                      {"model", model},
                      {"subject", subject_to_json(project.subject, project_folder)},
                      {"request", request_to_json(project.request)},
                      {"boards", json::Array(project.boards.begin(), project.boards.end())},
                      {"current_board", project.current_board},
                      {"training", project.training}};
}

namespace {

Project read_project_json(const json::Value& v, const fs::path& project_folder) {
  if (!v.is_object()) throw ProjectFormatError("project.json is not a JSON object");
  const std::string format = kProjectFile.string(v, "format", "", "");
  if (format != kProjectFormat)
    throw ProjectFormatError("project.json is not a Steer Studio project (\"format\" is \"" + format + "\", expected \"" +
                             kProjectFormat + "\")");
  const int64_t version = kProjectFile.integer(v, "version", "", 0);
  if (version < 1) format_error("version", "must be 1 or more");
  if (version > kProjectVersion)
    throw ProjectFormatError("project.json has version " + std::to_string(version) + "; this Steer Studio reads up to version " +
                             std::to_string(kProjectVersion) + ". It was saved by a newer Steer Studio.");

  Project project;
  if (const json::Value* m = kProjectFile.object(v, "model", "")) {
    ProjectModel model;
    model.folder = kProjectFile.stored_path(*m, "model.", project_folder);
    if (model.folder.empty()) format_error("model.path", "is missing");
    model.identity.folder_name = kProjectFile.string(*m, "folder_name", "model.", model.folder.filename().string());
    model.identity.model_index_size = kProjectFile.integer(*m, "model_index_size", "model.", -1);
    model.identity.model_index_mtime_ms = kProjectFile.integer(*m, "model_index_mtime_ms", "model.", 0);
    project.model = std::move(model);
  }
  try {
    if (const json::Value* s = json::MemberReader::find(v, "subject"))
      project.subject = subject_from_json(*s, project_folder, "project.json");
    if (const json::Value* r = json::MemberReader::find(v, "request")) project.request = request_from_json(*r, "project.json");
  } catch (const InputError& e) {
    throw ProjectFormatError(e.what());
  }
  if (const json::Value* boards = json::MemberReader::find(v, "boards")) {
    if (!boards->is_array()) format_error("boards", "must be an array");
    for (const json::Value& board : boards->as_array()) {
      if (!board.is_object()) format_error("boards", "must hold objects");
      project.boards.push_back(board);
    }
  }
  project.current_board = kProjectFile.small_integer(v, "current_board", "", 0);
  if (const json::Value* training = kProjectFile.object(v, "training", "")) project.training = *training;
  return project;
}

}  // namespace

Project project_from_json(const json::Value& v, const fs::path& project_folder) {
  try {
    return read_project_json(v, project_folder);
  } catch (const InputError& e) {
    throw ProjectFormatError(e.what());
  }
}

}  // namespace steer::ui
