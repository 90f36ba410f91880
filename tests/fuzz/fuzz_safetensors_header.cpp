// libFuzzer target: the safetensors header parser must reject any byte string with an
// InputError (never crash, hang, overflow or read out of bounds). The input is treated
// as the first bytes of a file whose size is the input size.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/common/error.h"
#include "core/formats/safetensors_header.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const uint64_t n = steer::safetensors::read_header_length(data, size, "fuzz.safetensors");
    auto header =
        steer::safetensors::parse_header(std::string_view(reinterpret_cast<const char*>(data + 8), n), size, "fuzz.safetensors");
    // A header that passed must describe bytes inside the input.
    for (const auto& t : header.tensors)
      if (header.data_start + t.end > size) __builtin_trap();
  } catch (const steer::InputError&) {
  }
  return 0;
}
