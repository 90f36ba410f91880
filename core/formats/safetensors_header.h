#pragma once
// The safetensors container format (huggingface/safetensors README; docs/model-notes.md §2):
//   8 bytes little-endian header length N | N bytes UTF-8 JSON header | tensor bytes.
// This part has no torch: it parses and validates the header, so the fuzz target and
// the model inspector can use it on their own.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace steer::safetensors {

enum class DType {
  Bool,
  U8,
  I8,
  I16,
  U16,
  F16,
  BF16,
  I32,
  U32,
  F32,
  F64,
  I64,
  U64,
  F8_E5M2,
  F8_E4M3,
  F8_E8M0,
  C64,
};

// "F16" -> DType::F16; returns false for names we do not know.
bool dtype_from_name(std::string_view name, DType& out);
const char* dtype_name(DType dtype);
size_t dtype_size(DType dtype);  // bytes per element

struct TensorInfo {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  uint64_t begin = 0;  // offsets relative to the start of the data buffer
  uint64_t end = 0;
  int64_t numel() const;
  uint64_t byte_size() const { return end - begin; }
};

struct Header {
  uint64_t header_length = 0;                                 // N
  uint64_t data_start = 0;                                    // 8 + N: file offset of the data buffer
  std::vector<TensorInfo> tensors;                            // in header order
  std::vector<std::pair<std::string, std::string>> metadata;  // "__metadata__"
  const TensorInfo* find(std::string_view name) const;
};

// The reference reader's limit on N (MAX_HEADER_SIZE).
inline constexpr uint64_t kMaxHeaderLength = 100'000'000;

// Reads N from the first 8 bytes and checks it against the limit and the file size.
uint64_t read_header_length(const unsigned char* first8, uint64_t file_size, const std::string& file_label);

// Parses and validates the JSON header `json_text` of a file of `file_size` bytes whose
// header length is json_text.size(). Checks what the reference reader checks: known
// dtypes, non-negative shapes, dtype x shape = byte length (with overflow checks),
// offsets in range, and that the tensors tile the data buffer with no gap or overlap.
// Throws steer::InputError naming `file_label` and the tensor at fault.
Header parse_header(std::string_view json_text, uint64_t file_size, const std::string& file_label);

}  // namespace steer::safetensors
