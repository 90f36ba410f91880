#pragma once
// A small JSON value and parser for the files Steer Studio reads and writes
// (safetensors headers, diffusers configs, tokenizer files, sidecars). It has no
// torch and no Qt, so the fuzz targets and the tokenizer use it directly.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace steer::json {

class Value;
using Array = std::vector<Value>;
// Keys keep their order of appearance: configs are written back in the order read,
// and a safetensors header is validated in file order.
using Object = std::vector<std::pair<std::string, Value>>;

// A Value owns its arrays and objects: a copy is a deep, independent copy (changing it
// never changes the original), and a move only hands over the containers' buffers.
class Value {
 public:
  enum class Kind { Null, Bool, Number, String, Array, Object };

  Value() = default;
  Value(const Value&) = default;
  Value(Value&&) noexcept = default;
  // Both assignments take `other` out before replacing this value, so assigning a value
  // its own member (`node = node.at("child")`) is safe.
  Value& operator=(const Value& other);
  Value& operator=(Value&& other) noexcept;

  Value(std::nullptr_t) {}
  Value(bool b) : data_(b) {}
  Value(double d) : data_(d) {}
  Value(int v) : data_(static_cast<double>(v)) {}
  Value(int64_t v) : data_(static_cast<double>(v)) {}
  Value(uint64_t v) : data_(static_cast<double>(v)) {}
  Value(const char* s) : data_(std::string(s)) {}
  Value(std::string s) : data_(std::move(s)) {}
  Value(Array a) : data_(std::in_place_type<Array>, std::move(a)) {}
  Value(Object o) : data_(std::in_place_type<Object>, std::move(o)) {}

  Kind kind() const;
  bool is_null() const { return kind() == Kind::Null; }
  bool is_bool() const { return kind() == Kind::Bool; }
  bool is_number() const { return kind() == Kind::Number; }
  bool is_string() const { return kind() == Kind::String; }
  bool is_array() const { return kind() == Kind::Array; }
  bool is_object() const { return kind() == Kind::Object; }

  // Typed access; each throws json::TypeError naming the expected kind.
  bool as_bool() const;
  double as_number() const;
  // Integers are checked to be integral and in range (safetensors offsets, shapes).
  int64_t as_int() const;
  uint64_t as_uint() const;
  const std::string& as_string() const;
  const Array& as_array() const;
  const Object& as_object() const;
  Array& as_array();
  Object& as_object();

  // Object member lookup; nullptr when absent or when this is not an object.
  const Value* find(std::string_view key) const;
  bool contains(std::string_view key) const { return find(key) != nullptr; }
  // Member or throw json::TypeError("missing key ...").
  const Value& at(std::string_view key) const;
  // Sets or replaces a member (this must be an object, or null, which becomes one).
  void set(std::string key, Value v);

  // The number of raw digits of an integer literal survives only up to 2^53 in a double;
  // safetensors offsets are parsed separately with full 64-bit precision (see raw_integer).
  std::optional<uint64_t> raw_integer() const { return raw_integer_; }

  std::string dump(int indent = -1) const;

 private:
  friend class Parser;
  // The containers are held by value (std::vector allows the element type to be
  // incomplete here), so copying copies them and moving moves them.
  std::variant<std::nullptr_t, bool, double, std::string, Array, Object> data_;
  std::optional<uint64_t> raw_integer_;
};

struct ParseError : std::runtime_error {
  ParseError(const std::string& what, size_t offset) : std::runtime_error(what), offset(offset) {}
  size_t offset;
};
struct TypeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ParseOptions {
  size_t max_depth = 64;
  // Duplicate object keys are an error (safetensors forbids them; configs never have them).
  bool reject_duplicate_keys = true;
};

// Parses a complete JSON document (trailing whitespace allowed, anything else is an error).
// Strings must be valid UTF-8. Throws ParseError with the byte offset.
Value parse(std::string_view text, const ParseOptions& options = {});

// Optional helpers for config files: value of key or a default.
double number_or(const Value& object, std::string_view key, double fallback);
int64_t int_or(const Value& object, std::string_view key, int64_t fallback);
bool bool_or(const Value& object, std::string_view key, bool fallback);
std::string string_or(const Value& object, std::string_view key, std::string fallback);

}  // namespace steer::json
