#pragma once
// Typed members of the JSON objects Steer Studio's own files hold (project.json, board and
// sweep files, sidecars' "request"): one reader, so every file format says the same thing
// about the same mistake. Absent or null members keep the fallback; a member of the wrong
// type is an InputError naming the file and the member ("project.json: \"request.seed\"
// must be an integer"), which json::TypeError alone would not.
#include <cstdint>
#include <filesystem>
#include <string>

#include "core/formats/json.h"

namespace steer::json {

class MemberReader {
 public:
  // `where`: the file or document named in messages ("project.json", a sidecar's path).
  explicit MemberReader(std::string where) : where_(std::move(where)) {}

  // The member, or nullptr when it is absent or null.
  static const Value* find(const Value& object, const char* key);
  // `prefix` is the path of `object` inside the document ("model.", "request.guidance.").
  std::string string(const Value& object, const char* key, const std::string& prefix, std::string fallback) const;
  double number(const Value& object, const char* key, const std::string& prefix, double fallback) const;
  int64_t integer(const Value& object, const char* key, const std::string& prefix, int64_t fallback) const;
  // An integer that fits an int.
  int small_integer(const Value& object, const char* key, const std::string& prefix, int fallback) const;
  bool boolean(const Value& object, const char* key, const std::string& prefix, bool fallback) const;
  // An object member, or nullptr when absent or null.
  const Value* object(const Value& object, const char* key, const std::string& prefix) const;

  // A path stored as "path" (absolute) and "relative_path" (to `base_folder`): the absolute
  // one when it exists, else the relative one when that exists (a project moved together with
  // its model or subject), else the absolute one as stored.
  std::filesystem::path stored_path(const Value& object, const std::string& prefix,
                                    const std::filesystem::path& base_folder) const;

  // Throws InputError("<where>: \"<member>\" <what>").
  [[noreturn]] void fail(const std::string& member, const std::string& what) const;
  const std::string& where() const { return where_; }

 private:
  std::string where_;
};

// `path` relative to `base` in generic form, "" when either is empty or there is none: what
// stored_path reads back as "relative_path".
std::string relative_path_text(const std::filesystem::path& path, const std::filesystem::path& base);

}  // namespace steer::json
