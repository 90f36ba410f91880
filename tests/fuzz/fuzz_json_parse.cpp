// libFuzzer target: json::parse must accept any byte string or refuse it with a
// json::ParseError at an offset inside the input (never crash, hang, overflow or read out
// of bounds). What it accepts must dump to text that parses back to the same dump, in both
// layouts, and copies of it must be independent of it, so the sanitizers watch the writer
// and the copying code as well as the parser.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "core/formats/json.h"

namespace {

using steer::json::Array;
using steer::json::Object;
using steer::json::Value;

// A broken property is a crash, which libFuzzer records with the input.
void require(bool property) {
  if (!property) __builtin_trap();
}

// The last member or element of a non-empty array or object, else nullptr.
Value* last_child(Value& v) {
  if (v.is_array() && !v.as_array().empty()) return &v.as_array().back();
  if (v.is_object() && !v.as_object().empty()) return &v.as_object().back().second;
  return nullptr;
}
const Value* last_child(const Value& v) {
  if (v.is_array() && !v.as_array().empty()) return &v.as_array().back();
  if (v.is_object() && !v.as_object().empty()) return &v.as_object().back().second;
  return nullptr;
}

void check_round_trip(const Value& v, const steer::json::ParseOptions& options) {
  const std::string compact = v.dump();
  require(steer::json::parse(compact, options).dump() == compact);
  require(steer::json::parse(v.dump(2), options).dump() == compact);
}

void check_copies(const Value& original) {
  const std::string text = original.dump();

  // Changing a copy leaves the original as it was.
  Value copied = original;
  require(copied.dump() == text);
  if (copied.is_array()) {
    copied.as_array().emplace_back("added");
  } else if (copied.is_object()) {
    copied.set("added", Array{});
    if (Value* child = last_child(copied)) *child = nullptr;
  } else {
    copied = Array{original};
  }
  require(original.dump() == text);

  // Changing the original leaves an earlier copy as it was (copy assignment this time).
  Value mutable_original = original;
  Value assigned;
  assigned = mutable_original;
  if (Value* child = last_child(mutable_original)) *child = Object{};
  require(assigned.dump() == text);

  // Walking down by assigning a value its own last child, alternately by copy and by
  // move: the child lives inside the value being replaced.
  Value walked = original;
  const Value* expected = &original;
  bool by_copy = true;
  while (Value* child = last_child(walked)) {
    if (by_copy)
      walked = *child;
    else
      walked = std::move(*child);
    expected = last_child(*expected);
    by_copy = !by_copy;
  }
  require(walked.dump() == expected->dump());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  steer::json::ParseOptions options;
  Value parsed;
  try {
    parsed = steer::json::parse(input, options);
  } catch (const steer::json::ParseError& strict_error) {
    require(strict_error.offset <= size);
    // Refused documents are tried again with repeated keys allowed: that path must be
    // safe too, and what it accepts must round-trip like the rest.
    options.reject_duplicate_keys = false;
    try {
      parsed = steer::json::parse(input, options);
    } catch (const steer::json::ParseError& lenient_error) {
      require(lenient_error.offset <= size);
      return 0;
    }
  }
  check_round_trip(parsed, options);
  check_copies(parsed);
  return 0;
}
