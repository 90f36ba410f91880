#include "ui/project/project.h"

#include <cmath>
#include <limits>
#include <system_error>

#include "core/common/error.h"
#include "core/generation/request_json.h"

namespace steer::ui {

namespace fs = std::filesystem;

namespace {

// 2^53: the largest range in which every integer is exact in a double.
constexpr int64_t kExactInDouble = int64_t{1} << 53;

[[noreturn]] void format_error(const std::string& member, const std::string& what) {
  throw ProjectFormatError("project.json: \"" + member + "\" " + what);
}

// Typed member readers: absent or null members keep `fallback`; a present member of the
// wrong type is an error naming it (json::TypeError would not say which member).
const json::Value* member(const json::Value& object, const char* key) {
  const json::Value* v = object.find(key);
  return v && !v->is_null() ? v : nullptr;
}

std::string read_string(const json::Value& object, const char* key, const std::string& prefix, std::string fallback) {
  const json::Value* v = member(object, key);
  if (!v) return fallback;
  if (!v->is_string()) format_error(prefix + key, "must be a string");
  return v->as_string();
}

int64_t read_int(const json::Value& object, const char* key, const std::string& prefix, int64_t fallback) {
  const json::Value* v = member(object, key);
  if (!v) return fallback;
  try {
    return v->as_int();
  } catch (const json::TypeError&) {
    format_error(prefix + key, "must be an integer");
  }
}

int read_small_int(const json::Value& object, const char* key, const std::string& prefix, int fallback) {
  const int64_t v = read_int(object, key, prefix, fallback);
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) format_error(prefix + key, "is out of range");
  return static_cast<int>(v);
}

const json::Value* read_object(const json::Value& object, const char* key, const std::string& prefix) {
  const json::Value* v = member(object, key);
  if (v && !v->is_object()) format_error(prefix + key, "must be an object");
  return v;
}

std::string path_text(const fs::path& path) { return path.string(); }

std::string relative_text(const fs::path& path, const fs::path& base) {
  if (path.empty() || base.empty()) return {};
  std::error_code ec;
  const fs::path relative = fs::relative(path, base, ec);
  return ec ? std::string() : relative.generic_string();
}

// The stored absolute path, or the one relative to the project folder when only that one
// exists (the project was moved together with its model or subject).
fs::path resolve_path(const json::Value& object, const std::string& prefix, const fs::path& project_folder) {
  const fs::path absolute = read_string(object, "path", prefix, "");
  const std::string relative = read_string(object, "relative_path", prefix, "");
  std::error_code ec;
  if (!absolute.empty() && fs::exists(absolute, ec)) return absolute;
  if (!relative.empty() && !project_folder.empty()) {
    const fs::path candidate = (project_folder / fs::path(relative)).lexically_normal();
    if (fs::exists(candidate, ec)) return candidate;
  }
  return absolute;
}

}  // namespace

json::Value project_to_json(const Project& project, const fs::path& project_folder) {
  json::Value model = nullptr;
  if (project.model) {
    const ProjectModel& m = *project.model;
    model = json::Object{{"path", path_text(m.folder)},
                         {"relative_path", relative_text(m.folder, project_folder)},
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

Project project_from_json(const json::Value& v, const fs::path& project_folder) {
  if (!v.is_object()) throw ProjectFormatError("project.json is not a JSON object");
  const std::string format = read_string(v, "format", "", "");
  if (format != kProjectFormat)
    throw ProjectFormatError("project.json is not a Steer Studio project (\"format\" is \"" + format + "\", expected \"" +
                             kProjectFormat + "\")");
  const int64_t version = read_int(v, "version", "", 0);
  if (version < 1) format_error("version", "must be 1 or more");
  if (version > kProjectVersion)
    throw ProjectFormatError("project.json has version " + std::to_string(version) + "; this Steer Studio reads up to version " +
                             std::to_string(kProjectVersion) + ". It was saved by a newer Steer Studio.");

  Project project;
  if (const json::Value* m = read_object(v, "model", "")) {
    ProjectModel model;
    model.folder = resolve_path(*m, "model.", project_folder);
    if (model.folder.empty()) format_error("model.path", "is missing");
    model.identity.folder_name = read_string(*m, "folder_name", "model.", model.folder.filename().string());
    model.identity.model_index_size = read_int(*m, "model_index_size", "model.", -1);
    model.identity.model_index_mtime_ms = read_int(*m, "model_index_mtime_ms", "model.", 0);
    project.model = std::move(model);
  }
  try {
    if (const json::Value* s = member(v, "subject")) project.subject = subject_from_json(*s, project_folder, "project.json");
    if (const json::Value* r = member(v, "request")) project.request = request_from_json(*r, "project.json");
  } catch (const InputError& e) {
    throw ProjectFormatError(e.what());
  }
  if (const json::Value* boards = member(v, "boards")) {
    if (!boards->is_array()) format_error("boards", "must be an array");
    for (const json::Value& board : boards->as_array()) {
      if (!board.is_object()) format_error("boards", "must hold objects");
      project.boards.push_back(board);
    }
  }
  project.current_board = read_small_int(v, "current_board", "", 0);
  if (const json::Value* training = read_object(v, "training", "")) project.training = *training;
  return project;
}

}  // namespace steer::ui
