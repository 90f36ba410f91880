#pragma once
// PNG text chunks that OpenImageIO cannot write (internal to steer_export). OpenImageIO
// stores every text attribute as a tEXt chunk, which the PNG specification defines as
// Latin-1: readers such as Pillow (and so A1111's PNG Info) would show a UTF-8 prompt with
// accents or CJK as mojibake. An iTXt chunk carries UTF-8 text, as A1111 itself writes
// when a prompt is not Latin-1.
#include <cstdint>
#include <string>
#include <string_view>

namespace steer::export_detail {

// The PNG file `png` with an uncompressed iTXt chunk (keyword, UTF-8 text) inserted right
// after IHDR. Throws steer::Error if `png` is not a PNG stream or the keyword is invalid
// (1-79 Latin-1 characters, no NUL).
std::string insert_png_itxt(std::string_view png, std::string_view keyword, std::string_view utf8_text);

// Whether `png` is a whole PNG stream: the signature, then chunks with valid CRCs up to
// IEND. A file cut short (a full disk that the encoder did not report) fails this.
bool png_is_complete(std::string_view png);

// CRC-32 as used by PNG (ISO 3309 / ITU-T V.42, polynomial 0xEDB88320).
uint32_t png_crc32(std::string_view bytes, uint32_t crc = 0);

}  // namespace steer::export_detail
