#include "core/formats/json_members.h"

#include <limits>
#include <system_error>

#include "core/common/error.h"

namespace steer::json {

const Value* MemberReader::find(const Value& object, const char* key) {
  const Value* v = object.find(key);
  return v && !v->is_null() ? v : nullptr;
}

void MemberReader::fail(const std::string& member, const std::string& what) const {
  throw InputError(where_ + ": \"" + member + "\" " + what);
}

std::string MemberReader::string(const Value& object, const char* key, const std::string& prefix, std::string fallback) const {
  const Value* v = find(object, key);
  if (!v) return fallback;
  if (!v->is_string()) fail(prefix + key, "must be a string");
  return v->as_string();
}

double MemberReader::number(const Value& object, const char* key, const std::string& prefix, double fallback) const {
  const Value* v = find(object, key);
  if (!v) return fallback;
  if (!v->is_number()) fail(prefix + key, "must be a number");
  return v->as_number();
}

int64_t MemberReader::integer(const Value& object, const char* key, const std::string& prefix, int64_t fallback) const {
  const Value* v = find(object, key);
  if (!v) return fallback;
  try {
    return v->as_int();
  } catch (const TypeError&) {
    fail(prefix + key, "must be an integer");
  }
}

int MemberReader::small_integer(const Value& object, const char* key, const std::string& prefix, int fallback) const {
  const int64_t v = integer(object, key, prefix, fallback);
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) fail(prefix + key, "is out of range");
  return static_cast<int>(v);
}

bool MemberReader::boolean(const Value& object, const char* key, const std::string& prefix, bool fallback) const {
  const Value* v = find(object, key);
  if (!v) return fallback;
  if (!v->is_bool()) fail(prefix + key, "must be true or false");
  return v->as_bool();
}

const Value* MemberReader::object(const Value& object, const char* key, const std::string& prefix) const {
  const Value* v = find(object, key);
  if (v && !v->is_object()) fail(prefix + key, "must be an object");
  return v;
}

std::filesystem::path MemberReader::stored_path(const Value& object, const std::string& prefix,
                                                const std::filesystem::path& base_folder) const {
  namespace fs = std::filesystem;
  const fs::path absolute = string(object, "path", prefix, "");
  const std::string relative = string(object, "relative_path", prefix, "");
  std::error_code ec;
  if (!absolute.empty() && fs::exists(absolute, ec)) return absolute;
  if (!relative.empty() && !base_folder.empty()) {
    const fs::path candidate = (base_folder / fs::path(relative)).lexically_normal();
    if (fs::exists(candidate, ec)) return candidate;
  }
  return absolute;
}

std::string relative_path_text(const std::filesystem::path& path, const std::filesystem::path& base) {
  if (path.empty() || base.empty()) return {};
  std::error_code ec;
  const std::filesystem::path relative = std::filesystem::relative(path, base, ec);
  return ec ? std::string() : relative.generic_string();
}

}  // namespace steer::json
