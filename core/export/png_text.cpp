#include "core/export/png_text.h"

#include <array>

#include "core/common/error.h"

namespace steer::export_detail {
namespace {

constexpr std::string_view kSignature("\x89PNG\r\n\x1a\n", 8);

std::array<uint32_t, 256> make_crc_table() {
  std::array<uint32_t, 256> table{};
  for (uint32_t n = 0; n < 256; ++n) {
    uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  return table;
}

uint32_t read_be32(std::string_view bytes, size_t at) {
  return (static_cast<uint32_t>(static_cast<unsigned char>(bytes[at])) << 24) |
         (static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 8) |
         static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + 3]));
}

void append_be32(std::string& out, uint32_t v) {
  out += static_cast<char>(v >> 24);
  out += static_cast<char>((v >> 16) & 0xff);
  out += static_cast<char>((v >> 8) & 0xff);
  out += static_cast<char>(v & 0xff);
}

}  // namespace

uint32_t png_crc32(std::string_view bytes, uint32_t crc) {
  static const std::array<uint32_t, 256> table = make_crc_table();
  uint32_t c = crc ^ 0xFFFFFFFFu;
  for (char ch : bytes) c = table[(c ^ static_cast<unsigned char>(ch)) & 0xff] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

bool png_is_complete(std::string_view png) {
  if (png.size() < 8 || png.substr(0, 8) != kSignature) return false;
  size_t at = 8;
  while (at + 12 <= png.size()) {
    const uint32_t length = read_be32(png, at);
    if (length > png.size() - at - 12) return false;
    const std::string_view type_and_data = png.substr(at + 4, 4 + static_cast<size_t>(length));
    if (png_crc32(type_and_data) != read_be32(png, at + 8 + length)) return false;
    if (type_and_data.substr(0, 4) == "IEND") return true;
    at += 12 + static_cast<size_t>(length);
  }
  return false;
}

std::string insert_png_itxt(std::string_view png, std::string_view keyword, std::string_view utf8_text) {
  if (keyword.empty() || keyword.size() > 79 || keyword.find('\0') != std::string_view::npos)
    throw Error("Invalid PNG text keyword \"" + std::string(keyword) + "\"");
  // Signature, then IHDR: length 13, "IHDR", 13 data bytes, CRC.
  constexpr size_t kIhdrEnd = 8 + 4 + 4 + 13 + 4;
  if (png.size() < kIhdrEnd || png.substr(0, 8) != kSignature || read_be32(png, 8) != 13 || png.substr(12, 4) != "IHDR")
    throw Error("Not a PNG file (cannot add the text chunk)");

  // iTXt: keyword, NUL, compression flag 0, method 0, empty language tag NUL,
  // empty translated keyword NUL, text.
  std::string body = "iTXt";
  body += keyword;
  body += '\0';
  body += '\0';
  body += '\0';
  body += '\0';
  body += '\0';
  body += utf8_text;
  const size_t data_length = body.size() - 4;
  if (data_length > 0x7FFFFFFFu) throw Error("PNG text chunk too large");

  std::string out;
  out.reserve(png.size() + body.size() + 8);
  out.append(png.substr(0, kIhdrEnd));
  append_be32(out, static_cast<uint32_t>(data_length));
  out += body;
  append_be32(out, png_crc32(body));
  out.append(png.substr(kIhdrEnd));
  return out;
}

}  // namespace steer::export_detail
