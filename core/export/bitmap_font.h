#pragma once
// A small built-in bitmap font for grid labels, so exported grids never depend on fonts
// installed on the machine. Printable ASCII plus the symbols the guidance settings are
// written with (λ ω σ φ θ η ×; docs/guidance.md): each glyph is 5x9 pixels (7 rows above
// the baseline, 2 for descenders) in a 6x11 cell; any other character is drawn as '?'.
// Text is scaled by whole pixels (scale 2 gives 12x22 cells).
//
// "Font text" holds one byte per glyph: ASCII as itself, the extra symbols as the bytes
// kLambda... below (to_font_text makes it from UTF-8).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/image_buffer.h"

namespace steer {

struct BitmapFont {
  static constexpr int kGlyphWidth = 5;
  static constexpr int kGlyphHeight = 9;
  static constexpr int kAdvance = 6;      // horizontal pixels per character at scale 1
  static constexpr int kLineHeight = 11;  // vertical pixels per line at scale 1

  // The font-text bytes of the symbols beyond ASCII.
  static constexpr char kLambda = '\x80', kOmega = '\x81', kSigma = '\x82', kPhi = '\x83', kTheta = '\x84', kEta = '\x85',
                        kTimes = '\x86';

  // Row bits of the glyph for `c` (bit 4 = leftmost column); '?' for a byte that has none.
  static const std::array<uint8_t, kGlyphHeight>& glyph(char c);
};

struct Rgba8 {
  uint8_t r = 0, g = 0, b = 0, a = 255;
};

// UTF-8 text as the characters the font draws: printable ASCII kept, tab -> space,
// newline kept, λ ω σ φ θ η × as their glyph bytes, en and em dashes as '-', every other
// code point (or malformed byte) -> '?'.
std::string to_font_text(std::string_view utf8);

// Pixels a single line of font text takes at `scale`.
int text_width(std::string_view font_text, int scale);

// Draws one line of font text with its cell's top-left corner at (x, y), clipped to the
// image. Returns the x after the last character.
int draw_text(ImageRGBA8& image, int x, int y, std::string_view font_text, Rgba8 color, int scale);

// Word-wraps UTF-8 text (converted with to_font_text) into lines of at most `max_chars`;
// '\n' starts a new line, words longer than a line are broken. When more than `max_lines`
// lines would result, the last kept line ends in "..." (as far as it fits).
std::vector<std::string> wrap_text(std::string_view utf8, int max_chars, int max_lines);

}  // namespace steer
