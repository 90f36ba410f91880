#include "core/formats/safetensors_header.h"

#include <algorithm>
#include <array>

#include "core/common/error.h"
#include "core/formats/json.h"

namespace steer::safetensors {
namespace {

struct DTypeEntry {
  const char* name;
  DType dtype;
  size_t size;
};
constexpr std::array<DTypeEntry, 17> kDTypes{{
    {"BOOL", DType::Bool, 1},
    {"U8", DType::U8, 1},
    {"I8", DType::I8, 1},
    {"I16", DType::I16, 2},
    {"U16", DType::U16, 2},
    {"F16", DType::F16, 2},
    {"BF16", DType::BF16, 2},
    {"I32", DType::I32, 4},
    {"U32", DType::U32, 4},
    {"F32", DType::F32, 4},
    {"F64", DType::F64, 8},
    {"I64", DType::I64, 8},
    {"U64", DType::U64, 8},
    {"F8_E5M2", DType::F8_E5M2, 1},
    {"F8_E4M3", DType::F8_E4M3, 1},
    {"F8_E8M0", DType::F8_E8M0, 1},
    {"C64", DType::C64, 8},
}};

[[noreturn]] void fail(const std::string& file, const std::string& what) {
  throw InputError(file + ": not a valid safetensors file: " + what);
}

}  // namespace

bool dtype_from_name(std::string_view name, DType& out) {
  for (const auto& e : kDTypes)
    if (name == e.name) {
      out = e.dtype;
      return true;
    }
  return false;
}

const char* dtype_name(DType dtype) {
  for (const auto& e : kDTypes)
    if (e.dtype == dtype) return e.name;
  return "?";
}

size_t dtype_size(DType dtype) {
  for (const auto& e : kDTypes)
    if (e.dtype == dtype) return e.size;
  return 0;
}

int64_t TensorInfo::numel() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

const TensorInfo* Header::find(std::string_view name) const {
  for (const auto& t : tensors)
    if (t.name == name) return &t;
  return nullptr;
}

uint64_t read_header_length(const unsigned char* first8, uint64_t file_size, const std::string& file) {
  if (file_size < 8)
    fail(file, "the file has " + std::to_string(file_size) + " bytes, fewer than the 8-byte header length (truncated?)");
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | first8[i];
  if (n > kMaxHeaderLength)
    fail(file, "header length " + std::to_string(n) + " exceeds the limit of " + std::to_string(kMaxHeaderLength) +
                   " bytes (corrupt file, or not a safetensors file)");
  if (8 + n > file_size)
    fail(file, "header length " + std::to_string(n) + " runs past the end of the " + std::to_string(file_size) +
                   "-byte file (truncated download?)");
  return n;
}

Header parse_header(std::string_view json_text, uint64_t file_size, const std::string& file) {
  Header header;
  header.header_length = json_text.size();
  header.data_start = 8 + json_text.size();
  if (header.data_start > file_size) fail(file, "header runs past the end of the file");
  const uint64_t buffer_size = file_size - header.data_start;

  json::Value root;
  try {
    root = json::parse(json_text);
  } catch (const json::ParseError& e) {
    fail(file, std::string("the header is not valid JSON (") + e.what() + ")");
  }
  if (!root.is_object()) fail(file, "the header is not a JSON object");

  for (const auto& [name, entry] : root.as_object()) {
    if (name == "__metadata__") {
      if (!entry.is_object()) fail(file, "\"__metadata__\" must be an object of strings");
      for (const auto& [k, v] : entry.as_object()) {
        if (!v.is_string()) fail(file, "\"__metadata__\" value for \"" + k + "\" is not a string");
        header.metadata.emplace_back(k, v.as_string());
      }
      continue;
    }
    const std::string where = "tensor \"" + name + "\"";
    if (!entry.is_object()) fail(file, where + " is not a JSON object");
    TensorInfo info;
    info.name = name;
    const json::Value* dtype = entry.find("dtype");
    const json::Value* shape = entry.find("shape");
    const json::Value* offsets = entry.find("data_offsets");
    if (!dtype || !dtype->is_string()) fail(file, where + " has no \"dtype\" string");
    if (!dtype_from_name(dtype->as_string(), info.dtype)) fail(file, where + " has unknown dtype \"" + dtype->as_string() + "\"");
    if (!shape || !shape->is_array()) fail(file, where + " has no \"shape\" array");
    if (!offsets || !offsets->is_array() || offsets->as_array().size() != 2)
      fail(file, where + " has no \"data_offsets\" [begin, end] pair");

    // numel * element size, with overflow checks (a hostile header can claim huge shapes).
    unsigned __int128 bytes = dtype_size(info.dtype);
    for (const auto& d : shape->as_array()) {
      if (!d.is_number() || !d.raw_integer())
        fail(file, where + " has a shape entry that is not a non-negative integer: " + d.dump());
      uint64_t dim = *d.raw_integer();
      if (dim > (1ull << 62)) fail(file, where + " has an absurd dimension " + std::to_string(dim));
      info.shape.push_back(static_cast<int64_t>(dim));
      bytes *= dim;
      if (bytes > (static_cast<unsigned __int128>(1) << 64)) fail(file, where + " has a shape whose size overflows");
    }
    const auto& off = offsets->as_array();
    if (!off[0].raw_integer() || !off[1].raw_integer())
      fail(file, where + " has data_offsets that are not non-negative integers");
    info.begin = *off[0].raw_integer();
    info.end = *off[1].raw_integer();
    if (info.end < info.begin)
      fail(file, where + " has data_offsets [" + std::to_string(info.begin) + ", " + std::to_string(info.end) +
                     "] with end before begin");
    if (info.end > buffer_size)
      fail(file, where + " has data_offsets [" + std::to_string(info.begin) + ", " + std::to_string(info.end) +
                     "] out of range: the data buffer has " + std::to_string(buffer_size) + " bytes (truncated file?)");
    if (static_cast<unsigned __int128>(info.end - info.begin) != bytes) {
      std::string shape_text = "[";
      for (size_t i = 0; i < info.shape.size(); ++i) shape_text += (i ? "," : "") + std::to_string(info.shape[i]);
      shape_text += "]";
      fail(file, where + ": dtype " + dtype->as_string() + " x shape " + shape_text + " needs " +
                     std::to_string(static_cast<uint64_t>(bytes)) + " bytes, but data_offsets span " +
                     std::to_string(info.end - info.begin));
    }
    header.tensors.push_back(std::move(info));
  }

  // The tensors must tile the buffer exactly (reference: MetadataIncompleteBuffer / InvalidOffset).
  std::vector<const TensorInfo*> by_offset;
  for (const auto& t : header.tensors) by_offset.push_back(&t);
  std::sort(by_offset.begin(), by_offset.end(), [](const TensorInfo* a, const TensorInfo* b) {
    return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
  });
  uint64_t expected = 0;
  const TensorInfo* previous = nullptr;
  for (const TensorInfo* t : by_offset) {
    if (t->begin < expected)
      fail(file, "tensor \"" + t->name + "\" (bytes " + std::to_string(t->begin) + ".." + std::to_string(t->end) +
                     ") overlaps tensor \"" + (previous ? previous->name : std::string("?")) + "\" (ends at " +
                     std::to_string(expected) + ")");
    if (t->begin > expected)
      fail(file, "there is a gap of " + std::to_string(t->begin - expected) + " bytes before tensor \"" + t->name +
                     "\" at offset " + std::to_string(expected));
    expected = t->end;
    previous = t;
  }
  if (expected != buffer_size)
    fail(file, "the tensors cover " + std::to_string(expected) + " bytes but the data buffer has " + std::to_string(buffer_size) +
                   " (extra trailing data or a corrupt header)");
  return header;
}

}  // namespace steer::safetensors
