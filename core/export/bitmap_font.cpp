#include "core/export/bitmap_font.h"

#include <algorithm>
#include <iterator>
#include <stdexcept>

#include "core/export/utf8_text.h"

namespace steer {
namespace {

// The glyphs, drawn as rows of '#' (ink) and '.' (paper), top row first. Rows 0-6 stand
// on the baseline; rows 7-8 are descenders. Rows not listed are blank.
struct GlyphSource {
  char ch;
  const char* rows;
};

// clang-format off
constexpr GlyphSource kGlyphSources[] = {
  {' ', ""},
  {'!', "..#.. ..#.. ..#.. ..#.. ..#.. ..... ..#.."},
  {'"', ".#.#. .#.#. .#.#."},
  {'#', ".#.#. .#.#. ##### .#.#. ##### .#.#. .#.#."},
  {'$', "..#.. .#### #.#.. .###. ..#.# ####. ..#.."},
  {'%', "##... ##..# ...#. ..#.. .#... #..## ...##"},
  {'&', ".##.. #..#. #.#.. .#... #.#.# #..#. .##.#"},
  {'\'', "..#.. ..#.. ..#.."},
  {'(', "...#. ..#.. .#... .#... .#... ..#.. ...#."},
  {')', ".#... ..#.. ...#. ...#. ...#. ..#.. .#..."},
  {'*', "..... ..#.. #.#.# .###. #.#.# ..#.. ....."},
  {'+', "..... ..#.. ..#.. ##### ..#.. ..#.. ....."},
  {',', "..... ..... ..... ..... ..... .##.. ..#.. .#..."},
  {'-', "..... ..... ..... ##### ..... ..... ....."},
  {'.', "..... ..... ..... ..... ..... .##.. .##.."},
  {'/', "..... ....# ...#. ..#.. .#... #.... ....."},
  {'0', ".###. #...# #..## #.#.# ##..# #...# .###."},
  {'1', "..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###."},
  {'2', ".###. #...# ....# ...#. ..#.. .#... #####"},
  {'3', "##### ...#. ..#.. ...#. ....# #...# .###."},
  {'4', "...#. ..##. .#.#. #..#. ##### ...#. ...#."},
  {'5', "##### #.... ####. ....# ....# #...# .###."},
  {'6', "..##. .#... #.... ####. #...# #...# .###."},
  {'7', "##### ....# ...#. ..#.. .#... .#... .#..."},
  {'8', ".###. #...# #...# .###. #...# #...# .###."},
  {'9', ".###. #...# #...# .#### ....# ...#. .##.."},
  {':', "..... .##.. .##.. ..... .##.. .##.. ....."},
  {';', "..... .##.. .##.. ..... .##.. ..#.. .#..."},
  {'<', "...#. ..#.. .#... #.... .#... ..#.. ...#."},
  {'=', "..... ..... ##### ..... ##### ..... ....."},
  {'>', ".#... ..#.. ...#. ....# ...#. ..#.. .#..."},
  {'?', ".###. #...# ....# ...#. ..#.. ..... ..#.."},
  {'@', ".###. #...# ....# .##.# #.#.# #.#.# .###."},
  {'A', ".###. #...# #...# ##### #...# #...# #...#"},
  {'B', "####. #...# #...# ####. #...# #...# ####."},
  {'C', ".###. #...# #.... #.... #.... #...# .###."},
  {'D', "###.. #..#. #...# #...# #...# #..#. ###.."},
  {'E', "##### #.... #.... ####. #.... #.... #####"},
  {'F', "##### #.... #.... ####. #.... #.... #...."},
  {'G', ".###. #...# #.... #.### #...# #...# .####"},
  {'H', "#...# #...# #...# ##### #...# #...# #...#"},
  {'I', ".###. ..#.. ..#.. ..#.. ..#.. ..#.. .###."},
  {'J', "..### ...#. ...#. ...#. ...#. #..#. .##.."},
  {'K', "#...# #..#. #.#.. ##... #.#.. #..#. #...#"},
  {'L', "#.... #.... #.... #.... #.... #.... #####"},
  {'M', "#...# ##.## #.#.# #.#.# #...# #...# #...#"},
  {'N', "#...# #...# ##..# #.#.# #..## #...# #...#"},
  {'O', ".###. #...# #...# #...# #...# #...# .###."},
  {'P', "####. #...# #...# ####. #.... #.... #...."},
  {'Q', ".###. #...# #...# #...# #.#.# #..#. .##.#"},
  {'R', "####. #...# #...# ####. #.#.. #..#. #...#"},
  {'S', ".#### #.... #.... .###. ....# ....# ####."},
  {'T', "##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#.."},
  {'U', "#...# #...# #...# #...# #...# #...# .###."},
  {'V', "#...# #...# #...# #...# #...# .#.#. ..#.."},
  {'W', "#...# #...# #...# #.#.# #.#.# #.#.# .#.#."},
  {'X', "#...# #...# .#.#. ..#.. .#.#. #...# #...#"},
  {'Y', "#...# #...# .#.#. ..#.. ..#.. ..#.. ..#.."},
  {'Z', "##### ....# ...#. ..#.. .#... #.... #####"},
  {'[', ".###. .#... .#... .#... .#... .#... .###."},
  {'\\', "..... #.... .#... ..#.. ...#. ....# ....."},
  {']', ".###. ...#. ...#. ...#. ...#. ...#. .###."},
  {'^', "..#.. .#.#. #...#"},
  {'_', "..... ..... ..... ..... ..... ..... ..... #####"},
  {'`', ".#... ..#.. ...#."},
  {'a', "..... ..... .###. ....# .#### #...# .####"},
  {'b', "#.... #.... #.##. ##..# #...# #...# ####."},
  {'c', "..... ..... .###. #.... #.... #...# .###."},
  {'d', "....# ....# .##.# #..## #...# #...# .####"},
  {'e', "..... ..... .###. #...# ##### #.... .###."},
  {'f', "..##. .#..# .#... ###.. .#... .#... .#..."},
  {'g', "..... ..... .#### #...# #...# #...# .#### ....# .###."},
  {'h', "#.... #.... #.##. ##..# #...# #...# #...#"},
  {'i', "..#.. ..... .##.. ..#.. ..#.. ..#.. .###."},
  {'j', "...#. ..... ..##. ...#. ...#. ...#. ...#. #..#. .##.."},
  {'k', "#.... #.... #..#. #.#.. ##... #.#.. #..#."},
  {'l', ".##.. ..#.. ..#.. ..#.. ..#.. ..#.. .###."},
  {'m', "..... ..... ##.#. #.#.# #.#.# #...# #...#"},
  {'n', "..... ..... #.##. ##..# #...# #...# #...#"},
  {'o', "..... ..... .###. #...# #...# #...# .###."},
  {'p', "..... ..... ####. #...# #...# #...# ####. #.... #...."},
  {'q', "..... ..... .#### #...# #...# #...# .#### ....# ....#"},
  {'r', "..... ..... #.##. ##..# #.... #.... #...."},
  {'s', "..... ..... .###. #.... .###. ....# ####."},
  {'t', ".#... .#... ###.. .#... .#... .#..# ..##."},
  {'u', "..... ..... #...# #...# #...# #..## .##.#"},
  {'v', "..... ..... #...# #...# #...# .#.#. ..#.."},
  {'w', "..... ..... #...# #...# #.#.# #.#.# .#.#."},
  {'x', "..... ..... #...# .#.#. ..#.. .#.#. #...#"},
  {'y', "..... ..... #...# #...# #...# #...# .#### ....# .###."},
  {'z', "..... ..... ##### ...#. ..#.. .#... #####"},
  {'{', "...#. ..#.. ..#.. .#... ..#.. ..#.. ...#."},
  {'|', "..#.. ..#.. ..#.. ..#.. ..#.. ..#.. ..#.."},
  {'}', ".#... ..#.. ..#.. ...#. ..#.. ..#.. .#..."},
  {'~', "..... ..... .#... #.#.# ...#. ..... ....."},
};

// The symbols beyond ASCII (BitmapFont::kLambda ...), each with its code point.
struct ExtraGlyph {
  char byte;
  char32_t code_point;
  const char* rows;
};
constexpr ExtraGlyph kExtraGlyphs[] = {
  {BitmapFont::kLambda, 0x03BB, ".#... ..#.. ..#.. .#.#. .#.#. #...# #...#"},
  {BitmapFont::kOmega,  0x03C9, "..... ..... .#.#. #...# #.#.# #.#.# .#.#."},
  {BitmapFont::kSigma,  0x03C3, "..... ..... .#### #..#. #...# #...# .###."},
  {BitmapFont::kPhi,    0x03C6, "..#.. ..#.. .###. #.#.# #.#.# .###. ..#.. ..#.."},
  {BitmapFont::kTheta,  0x03B8, ".###. #...# #...# ##### #...# #...# .###."},
  {BitmapFont::kEta,    0x03B7, "..... ..... #.##. ##..# #...# #...# #...# ....# ....#"},
  {BitmapFont::kTimes,  0x00D7, "..... ..... #...# .#.#. ..#.. .#.#. #...#"},
};
// clang-format on

using Glyph = std::array<uint8_t, BitmapFont::kGlyphHeight>;
constexpr int kFirst = 0x20, kLast = 0x7E;
constexpr int kFirstExtra = 0x80, kExtraCount = static_cast<int>(std::size(kExtraGlyphs));

// One glyph's rows of '#' and '.', separated by spaces, as row bits.
Glyph parse_glyph(char ch, std::string_view rows) {
  Glyph glyph{};
  int row = 0;
  while (!rows.empty()) {
    const size_t end = std::min(rows.find(' '), rows.size());
    const std::string_view bits = rows.substr(0, end);
    if (bits.size() != BitmapFont::kGlyphWidth || row >= BitmapFont::kGlyphHeight)
      throw std::logic_error(std::string("bitmap font: malformed glyph '") + ch + "'");
    uint8_t mask = 0;
    for (char b : bits) mask = static_cast<uint8_t>((mask << 1) | (b == '#' ? 1 : 0));
    glyph[row++] = mask;
    rows.remove_prefix(std::min(end + 1, rows.size()));
  }
  return glyph;
}

const std::array<Glyph, kExtraCount>& extra_glyph_table() {
  static const auto table = [] {
    std::array<Glyph, kExtraCount> t{};
    for (int i = 0; i < kExtraCount; ++i) {
      if (static_cast<unsigned char>(kExtraGlyphs[i].byte) != kFirstExtra + i)
        throw std::logic_error("bitmap font: the extra glyphs are out of order");
      t[static_cast<size_t>(i)] = parse_glyph('?', kExtraGlyphs[i].rows);
    }
    return t;
  }();
  return table;
}

// Built once from kGlyphSources; a malformed row is a programming error caught by the
// font's unit test.
const std::array<Glyph, kLast - kFirst + 1>& glyph_table() {
  static const auto table = [] {
    std::array<Glyph, kLast - kFirst + 1> t{};
    std::array<bool, kLast - kFirst + 1> seen{};
    for (const GlyphSource& source : kGlyphSources) {
      const int slot = static_cast<unsigned char>(source.ch) - kFirst;
      if (slot < 0 || slot > kLast - kFirst || seen[slot]) throw std::logic_error("bitmap font: bad or repeated glyph");
      seen[slot] = true;
      t[slot] = parse_glyph(source.ch, source.rows);
    }
    for (bool s : seen)
      if (!s) throw std::logic_error("bitmap font: a printable ASCII character has no glyph");
    return t;
  }();
  return table;
}

}  // namespace

const Glyph& BitmapFont::glyph(char c) {
  const int code = static_cast<unsigned char>(c);
  if (code >= kFirstExtra && code < kFirstExtra + kExtraCount) return extra_glyph_table()[code - kFirstExtra];
  if (code < kFirst || code > kLast) return glyph_table()['?' - kFirst];
  return glyph_table()[code - kFirst];
}

std::string to_font_text(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  for (size_t pos = 0; pos < utf8.size();) {
    const char32_t cp = export_detail::next_code_point(utf8, pos);
    if (cp == '\n')
      out += '\n';
    else if (cp == '\t')
      out += ' ';
    else if (cp == '\r')
      continue;
    else if (cp >= 0x20 && cp <= 0x7E)
      out += static_cast<char>(cp);
    else if (cp == 0x2013 || cp == 0x2014 || cp == 0x2212)  // en dash, em dash, minus sign
      out += '-';
    else if (const auto extra = std::find_if(std::begin(kExtraGlyphs), std::end(kExtraGlyphs),
                                             [cp](const ExtraGlyph& e) { return e.code_point == cp; });
             extra != std::end(kExtraGlyphs))
      out += extra->byte;
    else
      out += '?';
  }
  return out;
}

int text_width(std::string_view font_text, int scale) {
  if (font_text.empty()) return 0;
  // The last character's trailing column of spacing is not part of the ink.
  return (static_cast<int>(font_text.size()) * BitmapFont::kAdvance - 1) * scale;
}

int draw_text(ImageRGBA8& image, int x, int y, std::string_view font_text, Rgba8 color, int scale) {
  scale = std::max(scale, 1);
  for (char c : font_text) {
    const Glyph& g = BitmapFont::glyph(c);
    for (int row = 0; row < BitmapFont::kGlyphHeight; ++row) {
      for (int col = 0; col < BitmapFont::kGlyphWidth; ++col) {
        if (!(g[row] & (1 << (BitmapFont::kGlyphWidth - 1 - col)))) continue;
        // One blank pixel row above each glyph inside its line.
        const int px = x + col * scale, py = y + (row + 1) * scale;
        for (int dy = 0; dy < scale; ++dy) {
          const int yy = py + dy;
          if (yy < 0 || yy >= image.height) continue;
          for (int dx = 0; dx < scale; ++dx) {
            const int xx = px + dx;
            if (xx < 0 || xx >= image.width) continue;
            uint8_t* p = image.pixel(xx, yy);
            p[0] = color.r;
            p[1] = color.g;
            p[2] = color.b;
            p[3] = color.a;
          }
        }
      }
    }
    x += BitmapFont::kAdvance * scale;
  }
  return x;
}

std::vector<std::string> wrap_text(std::string_view utf8, int max_chars, int max_lines) {
  std::vector<std::string> lines;
  if (max_chars <= 0 || max_lines <= 0) return lines;
  const size_t width = static_cast<size_t>(max_chars);
  const std::string text = to_font_text(utf8);
  bool truncated = false;

  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = std::min(text.find('\n', start), text.size());
    std::string_view paragraph(text.data() + start, end - start);
    std::string line;
    size_t pos = 0;
    while (pos < paragraph.size()) {
      if (paragraph[pos] == ' ') {
        ++pos;
        continue;
      }
      size_t word_end = paragraph.find(' ', pos);
      if (word_end == std::string_view::npos) word_end = paragraph.size();
      std::string_view word = paragraph.substr(pos, word_end - pos);
      pos = word_end;
      while (!word.empty()) {
        const size_t needed = line.empty() ? word.size() : line.size() + 1 + word.size();
        if (needed <= width) {
          if (!line.empty()) line += ' ';
          line += word;
          word = {};
        } else if (line.empty()) {  // a word longer than a line: break it
          line = word.substr(0, width);
          word.remove_prefix(width);
          lines.push_back(std::move(line));
          line.clear();
        } else {
          lines.push_back(std::move(line));
          line.clear();
        }
      }
    }
    lines.push_back(std::move(line));
    if (end >= text.size()) break;
    start = end + 1;
  }
  if (static_cast<int>(lines.size()) > max_lines) {
    lines.resize(static_cast<size_t>(max_lines));
    truncated = true;
  }
  if (truncated) {
    std::string& last = lines.back();
    if (width <= 3) {
      last = std::string(width, '.');
    } else {
      if (last.size() + 3 > width) last.resize(width - 3);
      while (!last.empty() && last.back() == ' ') last.pop_back();
      last += "...";
    }
  }
  return lines;
}

}  // namespace steer
