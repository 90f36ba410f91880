#include "core/formats/json.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <set>

#include "core/common/number_text.h"

namespace steer::json {

Value& Value::operator=(const Value& other) {
  if (this != &other) *this = Value(other);
  return *this;
}

Value& Value::operator=(Value&& other) noexcept {
  // `other` may live inside this value's own tree: take it out first, then replace.
  Value taken(std::move(other));
  data_ = std::move(taken.data_);
  raw_integer_ = taken.raw_integer_;
  return *this;
}

Value::Kind Value::kind() const {
  switch (data_.index()) {
    case 0:
      return Kind::Null;
    case 1:
      return Kind::Bool;
    case 2:
      return Kind::Number;
    case 3:
      return Kind::String;
    case 4:
      return Kind::Array;
    default:
      return Kind::Object;
  }
}

static const char* kind_name(Value::Kind k) {
  switch (k) {
    case Value::Kind::Null:
      return "null";
    case Value::Kind::Bool:
      return "a boolean";
    case Value::Kind::Number:
      return "a number";
    case Value::Kind::String:
      return "a string";
    case Value::Kind::Array:
      return "an array";
    case Value::Kind::Object:
      return "an object";
  }
  return "?";
}

static TypeError type_error(const Value& v, Value::Kind wanted) {
  return TypeError(std::string("expected ") + kind_name(wanted) + ", found " + kind_name(v.kind()));
}

bool Value::as_bool() const {
  if (!is_bool()) throw type_error(*this, Kind::Bool);
  return std::get<bool>(data_);
}
double Value::as_number() const {
  if (!is_number()) throw type_error(*this, Kind::Number);
  return std::get<double>(data_);
}
int64_t Value::as_int() const {
  if (raw_integer_ && *raw_integer_ <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) && as_number() >= 0)
    return static_cast<int64_t>(*raw_integer_);
  double d = as_number();
  if (std::trunc(d) != d || d < -9.2e18 || d > 9.2e18) throw TypeError("expected an integer, found " + dump());
  return static_cast<int64_t>(d);
}
uint64_t Value::as_uint() const {
  if (raw_integer_) return *raw_integer_;
  double d = as_number();
  if (std::trunc(d) != d || d < 0 || d > 1.8e19) throw TypeError("expected a non-negative integer, found " + dump());
  return static_cast<uint64_t>(d);
}
const std::string& Value::as_string() const {
  if (!is_string()) throw type_error(*this, Kind::String);
  return std::get<std::string>(data_);
}
const Array& Value::as_array() const {
  if (!is_array()) throw type_error(*this, Kind::Array);
  return std::get<Array>(data_);
}
const Object& Value::as_object() const {
  if (!is_object()) throw type_error(*this, Kind::Object);
  return std::get<Object>(data_);
}
Array& Value::as_array() {
  if (!is_array()) throw type_error(*this, Kind::Array);
  return std::get<Array>(data_);
}
Object& Value::as_object() {
  if (!is_object()) throw type_error(*this, Kind::Object);
  return std::get<Object>(data_);
}

const Value* Value::find(std::string_view key) const {
  if (!is_object()) return nullptr;
  for (const auto& [k, v] : as_object())
    if (k == key) return &v;
  return nullptr;
}

const Value& Value::at(std::string_view key) const {
  const Value* v = find(key);
  if (!v) throw TypeError("missing key \"" + std::string(key) + "\"");
  return *v;
}

void Value::set(std::string key, Value v) {
  if (is_null()) data_.emplace<Object>();
  auto& obj = as_object();
  for (auto& [k, existing] : obj)
    if (k == key) {
      existing = std::move(v);
      return;
    }
  obj.emplace_back(std::move(key), std::move(v));
}

// ---------------------------------------------------------------- parsing

namespace {

// Tells whether the key of an object's newest member repeats an earlier key. Most objects
// are small (a safetensors tensor entry has three keys) and a linear scan is cheapest for
// them; past kLinearScanLimit members the keys go into an ordered index, so an object with
// millions of keys (a hostile 100 MB header) is checked in O(n log n) rather than O(n^2).
// Ordered rather than hashed so that no choice of keys can make the index degrade.
class DuplicateKeyIndex {
 public:
  explicit DuplicateKeyIndex(const Object& members) : members_(members), indexed_(KeyLess{&members}) {}

  bool newest_key_repeats() {
    const size_t newest = members_.size() - 1;
    if (members_.size() <= kLinearScanLimit) {
      for (size_t i = 0; i < newest; ++i)
        if (members_[i].first == members_[newest].first) return true;
      return false;
    }
    if (indexed_.empty())
      for (size_t i = 0; i < newest; ++i) indexed_.insert(i);
    return !indexed_.insert(newest).second;
  }

 private:
  static constexpr size_t kLinearScanLimit = 16;
  // Members are indexed by position, not by key address: the vector of members grows
  // (and moves its strings) while the object is being parsed.
  struct KeyLess {
    const Object* members;
    bool operator()(size_t a, size_t b) const { return (*members)[a].first < (*members)[b].first; }
  };
  const Object& members_;
  std::set<size_t, KeyLess> indexed_;
};

}  // namespace

class Parser {
 public:
  Parser(std::string_view text, const ParseOptions& options) : s_(text), opt_(options) {}

  Value document() {
    skip_ws();
    Value v = value(0);
    skip_ws();
    if (pos_ != s_.size()) fail("unexpected data after the JSON value");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw ParseError("JSON " + what + " at byte " + std::to_string(pos_), pos_);
  }
  void skip_ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  bool eat(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void expect_literal(std::string_view lit) {
    if (s_.substr(pos_, lit.size()) != lit) fail("invalid literal");
    pos_ += lit.size();
  }

  Value value(size_t depth) {
    if (depth > opt_.max_depth) fail("nesting deeper than " + std::to_string(opt_.max_depth));
    if (pos_ >= s_.size()) fail("unexpected end of input");
    char c = s_[pos_];
    switch (c) {
      case '{':
        return object(depth);
      case '[':
        return array(depth);
      case '"':
        return Value(string());
      case 't':
        expect_literal("true");
        return Value(true);
      case 'f':
        expect_literal("false");
        return Value(false);
      case 'n':
        expect_literal("null");
        return Value(nullptr);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return number();
        fail(std::string("unexpected character '") + c + "'");
    }
  }

  Value object(size_t depth) {
    ++pos_;  // '{'
    Object obj;
    DuplicateKeyIndex keys(obj);
    skip_ws();
    if (eat('}')) return Value(std::move(obj));
    while (true) {
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] != '"') fail("expected a string key");
      // The member goes in before its value is parsed so that its key can be checked here,
      // with the error at the byte after the repeated key.
      obj.emplace_back(string(), Value());
      if (opt_.reject_duplicate_keys && keys.newest_key_repeats()) fail("duplicate key \"" + obj.back().first + "\"");
      skip_ws();
      if (!eat(':')) fail("expected ':'");
      skip_ws();
      obj.back().second = value(depth + 1);
      skip_ws();
      if (eat(',')) continue;
      if (eat('}')) break;
      fail("expected ',' or '}'");
    }
    return Value(std::move(obj));
  }

  Value array(size_t depth) {
    ++pos_;  // '['
    Array arr;
    skip_ws();
    if (eat(']')) return Value(std::move(arr));
    while (true) {
      skip_ws();
      arr.push_back(value(depth + 1));
      skip_ws();
      if (eat(',')) continue;
      if (eat(']')) break;
      fail("expected ',' or ']'");
    }
    return Value(std::move(arr));
  }

  static void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  uint32_t hex4() {
    if (pos_ + 4 > s_.size()) fail("truncated \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= c - '0';
      else if (c >= 'a' && c <= 'f')
        v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        v |= c - 'A' + 10;
      else
        fail("invalid \\u escape");
    }
    return v;
  }

  // Validates one UTF-8 sequence starting at pos_ and copies it.
  void utf8_char(std::string& out) {
    auto b0 = static_cast<unsigned char>(s_[pos_]);
    int len = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || pos_ + len > s_.size()) fail("invalid UTF-8");
    uint32_t cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1F) : len == 3 ? (b0 & 0x0F) : (b0 & 0x07);
    for (int i = 1; i < len; ++i) {
      auto b = static_cast<unsigned char>(s_[pos_ + i]);
      if ((b & 0xC0) != 0x80) fail("invalid UTF-8");
      cp = (cp << 6) | (b & 0x3F);
    }
    static const uint32_t min_for_len[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_for_len[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) fail("invalid UTF-8");
    out.append(s_.substr(pos_, len));
    pos_ += len;
  }

  std::string string() {
    ++pos_;  // opening quote
    std::string out;
    while (true) {
      if (pos_ >= s_.size()) fail("unterminated string");
      char c = s_[pos_];
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in string");
      if (c != '\\') {
        utf8_char(out);
        continue;
      }
      ++pos_;
      if (pos_ >= s_.size()) fail("unterminated escape");
      char e = s_[pos_++];
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          uint32_t cp = hex4();
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (!(eat('\\') && eat('u'))) fail("unpaired surrogate");
            uint32_t lo = hex4();
            if (lo < 0xDC00 || lo > 0xDFFF) fail("unpaired surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            fail("unpaired surrogate");
          }
          append_utf8(out, cp);
          break;
        }
        default:
          fail("invalid escape");
      }
    }
  }

  Value number() {
    size_t start = pos_;
    eat('-');
    if (pos_ >= s_.size()) fail("truncated number");
    if (s_[pos_] == '0') {
      ++pos_;
    } else if (s_[pos_] >= '1' && s_[pos_] <= '9') {
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    } else {
      fail("invalid number");
    }
    bool integral = true;
    if (eat('.')) {
      integral = false;
      if (pos_ >= s_.size() || !(s_[pos_] >= '0' && s_[pos_] <= '9')) fail("invalid number");
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      integral = false;
      ++pos_;
      if (!eat('+')) eat('-');
      if (pos_ >= s_.size() || !(s_[pos_] >= '0' && s_[pos_] <= '9')) fail("invalid number");
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    }
    std::string text(s_.substr(start, pos_ - start));
    Value v(std::strtod(text.c_str(), nullptr));
    if (integral && text[0] != '-' && text.size() <= 20) {
      // Exact 64-bit value for offsets beyond 2^53; overflow leaves raw_integer empty.
      uint64_t acc = 0;
      bool overflow = false;
      for (char d : text) {
        uint64_t digit = static_cast<uint64_t>(d - '0');
        if (acc > (std::numeric_limits<uint64_t>::max() - digit) / 10) {
          overflow = true;
          break;
        }
        acc = acc * 10 + digit;
      }
      if (!overflow) v.raw_integer_ = acc;
    }
    return v;
  }

  std::string_view s_;
  ParseOptions opt_;
  size_t pos_ = 0;
};

Value parse(std::string_view text, const ParseOptions& options) { return Parser(text, options).document(); }

// ---------------------------------------------------------------- writing

static void dump_string(std::string& out, const std::string& s) {
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

static void dump_number(std::string& out, const Value& v) {
  if (v.raw_integer()) {
    out += std::to_string(*v.raw_integer());
    return;
  }
  double d = v.as_number();
  if (!std::isfinite(d)) {
    out += "null";  // JSON has no NaN/Inf
    return;
  }
  if (std::trunc(d) == d && std::fabs(d) < 9.0e15) {
    out += std::to_string(static_cast<int64_t>(d));
    return;
  }
  out += number_text(d);  // the shortest text that reads back as d: 0.9, not 0.90000000000000002
}

static void dump_value(std::string& out, const Value& v, int indent, int level) {
  auto newline = [&](int lvl) {
    if (indent < 0) return;
    out += '\n';
    out.append(static_cast<size_t>(indent * lvl), ' ');
  };
  switch (v.kind()) {
    case Value::Kind::Null:
      out += "null";
      break;
    case Value::Kind::Bool:
      out += v.as_bool() ? "true" : "false";
      break;
    case Value::Kind::Number:
      dump_number(out, v);
      break;
    case Value::Kind::String:
      dump_string(out, v.as_string());
      break;
    case Value::Kind::Array: {
      const auto& a = v.as_array();
      out += '[';
      for (size_t i = 0; i < a.size(); ++i) {
        if (i) out += ',';
        newline(level + 1);
        dump_value(out, a[i], indent, level + 1);
      }
      if (!a.empty()) newline(level);
      out += ']';
      break;
    }
    case Value::Kind::Object: {
      const auto& o = v.as_object();
      out += '{';
      for (size_t i = 0; i < o.size(); ++i) {
        if (i) out += ',';
        newline(level + 1);
        dump_string(out, o[i].first);
        out += indent < 0 ? ":" : ": ";
        dump_value(out, o[i].second, indent, level + 1);
      }
      if (!o.empty()) newline(level);
      out += '}';
      break;
    }
  }
}

std::string Value::dump(int indent) const {
  std::string out;
  dump_value(out, *this, indent, 0);
  return out;
}

double number_or(const Value& object, std::string_view key, double fallback) {
  const Value* v = object.find(key);
  return v && v->is_number() ? v->as_number() : fallback;
}
int64_t int_or(const Value& object, std::string_view key, int64_t fallback) {
  const Value* v = object.find(key);
  return v && v->is_number() ? v->as_int() : fallback;
}
bool bool_or(const Value& object, std::string_view key, bool fallback) {
  const Value* v = object.find(key);
  return v && v->is_bool() ? v->as_bool() : fallback;
}
std::string string_or(const Value& object, std::string_view key, std::string fallback) {
  const Value* v = object.find(key);
  return v && v->is_string() ? v->as_string() : fallback;
}

}  // namespace steer::json
