#include "core/export/grid_image.h"

#include <algorithm>
#include <cmath>

#include "core/common/error.h"

namespace steer {
namespace {

constexpr int kMaxColumnLabelLines = 3;
constexpr int kMaxHeaderLinesEach = 3;
constexpr int kMaxRowLabelChars = 28;

void fill_rect(ImageRGBA8& image, int x0, int y0, int w, int h, Rgba8 c) {
  const int x1 = std::min(image.width, x0 + w), y1 = std::min(image.height, y0 + h);
  for (int y = std::max(0, y0); y < y1; ++y)
    for (int x = std::max(0, x0); x < x1; ++x) {
      uint8_t* p = image.pixel(x, y);
      p[0] = c.r;
      p[1] = c.g;
      p[2] = c.b;
      p[3] = c.a;
    }
}

int scaled_size(int size, double scale) { return std::max(1, static_cast<int>(std::lround(size * scale))); }

}  // namespace

std::vector<std::vector<std::string>> wrap_labels_distinct(const std::vector<std::string>& labels, int max_chars, int max_lines) {
  const std::vector<std::string>& text = labels;  // UTF-8: cut only at character boundaries
  auto boundary = [](const std::string& s, size_t pos) {
    while (pos > 0 && pos < s.size() && (static_cast<unsigned char>(s[pos]) & 0xC0) == 0x80) --pos;
    return pos;
  };
  std::vector<std::vector<std::string>> wrapped(labels.size());
  for (size_t i = 0; i < labels.size(); ++i) wrapped[i] = wrap_text(labels[i], max_chars, max_lines);
  // Labels cut to the same text as a different label.
  auto clashing = [&] {
    std::vector<size_t> out;
    for (size_t i = 0; i < labels.size(); ++i)
      for (size_t j = 0; j < labels.size(); ++j)
        if (i != j && wrapped[i] == wrapped[j] && text[i] != text[j]) {
          out.push_back(i);
          break;
        }
    return out;
  };
  std::vector<size_t> clash = clashing();
  if (clash.empty()) return wrapped;
  // First: keep the start of the line where a label parts from the others, "..." for the
  // stretch before the difference, and the difference itself.
  const std::vector<std::vector<std::string>> cut = wrapped;
  for (size_t i : clash) {
    size_t differs = 0;
    for (size_t j : clash)
      if (j != i && cut[j] == cut[i]) {
        size_t k = 0;
        while (k < text[i].size() && k < text[j].size() && text[i][k] == text[j][k]) ++k;
        differs = std::max(differs, k);
      }
    const size_t newline = differs == 0 ? std::string::npos : text[i].rfind('\n', differs - 1);
    const size_t line_start = newline == std::string::npos ? 0 : newline + 1;
    const size_t keep = static_cast<size_t>(std::max(1, max_chars / 3));
    const size_t back = static_cast<size_t>(std::max(1, max_chars / 3));
    std::string shortened = text[i];
    if (differs > line_start + keep + back + 3)
      shortened =
          text[i].substr(0, boundary(text[i], line_start + keep)) + "..." + text[i].substr(boundary(text[i], differs - back));
    wrapped[i] = wrap_text(shortened, max_chars, max_lines);
  }
  // Then, for labels still alike: numbered in their order.
  for (size_t i : clashing()) {
    std::string numbered = std::to_string(i + 1) + ". " + text[i];
    wrapped[i] = wrap_text(numbered, max_chars, max_lines);
  }
  return wrapped;
}

int grid_upscale_factor(int requested, int longest, int max_cell_side) {
  longest = std::max(longest, 1);
  int factor = requested > 0 ? requested : std::max(1, (kGridAutoUpscaleSide + longest - 1) / longest);
  if (max_cell_side > 0) factor = std::min(factor, std::max(1, max_cell_side / longest));
  return factor;
}

ImageRGBA8 upscale_nearest(const ImageRGBA8& image, int factor) {
  if (factor <= 1 || image.empty()) return image;
  ImageRGBA8 out(image.width * factor, image.height * factor);
  for (int y = 0; y < out.height; ++y) {
    const uint8_t* row = image.pixel(0, y / factor);
    uint8_t* d = out.pixel(0, y);
    for (int x = 0; x < out.width; ++x) std::copy_n(row + static_cast<size_t>(x / factor) * 4, 4, d + static_cast<size_t>(x) * 4);
  }
  return out;
}

GridTile grid_tile(size_t column, size_t row, const ImageRGBA8& image) {
  return GridTile{column, row, image.width, image.height, [&image] { return image; }};
}

ImageRGBA8 resize_image(const ImageRGBA8& image, int width, int height) {
  if (width == image.width && height == image.height) return image;
  ImageRGBA8 out(width, height);
  if (image.empty() || width <= 0 || height <= 0) return out;
  for (int y = 0; y < height; ++y) {
    const int sy0 = static_cast<int>(static_cast<int64_t>(y) * image.height / height);
    const int sy1 = std::max(sy0 + 1, static_cast<int>(static_cast<int64_t>(y + 1) * image.height / height));
    for (int x = 0; x < width; ++x) {
      const int sx0 = static_cast<int>(static_cast<int64_t>(x) * image.width / width);
      const int sx1 = std::max(sx0 + 1, static_cast<int>(static_cast<int64_t>(x + 1) * image.width / width));
      uint32_t sum[4] = {0, 0, 0, 0};
      for (int sy = sy0; sy < sy1; ++sy)
        for (int sx = sx0; sx < sx1; ++sx) {
          const uint8_t* p = image.pixel(sx, sy);
          for (int c = 0; c < 4; ++c) sum[c] += p[c];
        }
      const uint32_t n = static_cast<uint32_t>((sy1 - sy0) * (sx1 - sx0));
      uint8_t* d = out.pixel(x, y);
      for (int c = 0; c < 4; ++c) d[c] = static_cast<uint8_t>((sum[c] + n / 2) / n);
    }
  }
  return out;
}

GridGeometry measure_grid(const GridSpec& spec, int max_image_width, int max_image_height) {
  GridGeometry g;
  g.upscale = std::max(spec.image_upscale, 1);
  max_image_width = std::max(max_image_width, 1) * g.upscale;
  max_image_height = std::max(max_image_height, 1) * g.upscale;
  const int longest = std::max(max_image_width, max_image_height);
  if (spec.max_cell_side > 0 && longest > spec.max_cell_side) g.image_scale = static_cast<double>(spec.max_cell_side) / longest;
  g.cell_width = scaled_size(max_image_width, g.image_scale);
  g.cell_height = scaled_size(max_image_height, g.image_scale);

  g.text_scale = spec.text_scale > 0 ? spec.text_scale : (g.cell_width >= 192 ? 2 : 1);
  const int advance = BitmapFont::kAdvance * g.text_scale;
  const int line = BitmapFont::kLineHeight * g.text_scale;
  g.padding = 3 * g.text_scale;
  g.gap = 2 + 2 * g.text_scale;

  // Column labels: as many characters as fit over a cell, up to three lines.
  if (!spec.column_labels.empty()) {
    const int chars = std::max(1, g.cell_width / advance);
    int lines = 0;
    std::vector<std::string> labels(
        spec.column_labels.begin(),
        spec.column_labels.begin() + static_cast<std::ptrdiff_t>(std::min(spec.columns, spec.column_labels.size())));
    g.column_text = wrap_labels_distinct(labels, chars, kMaxColumnLabelLines);
    g.column_text.resize(spec.columns);
    for (const auto& text : g.column_text) lines = std::max(lines, static_cast<int>(text.size()));
    if (lines > 0) g.column_label_height = 2 * g.padding + lines * line;
  }

  // Row labels: as wide as the longest line (capped), as many lines as fit beside a cell.
  if (!spec.row_labels.empty()) {
    int chars = 0;
    for (const std::string& label : spec.row_labels) {
      const std::string text = to_font_text(label);
      size_t start = 0;
      while (start <= text.size()) {
        const size_t end = std::min(text.find('\n', start), text.size());
        chars = std::max(chars, static_cast<int>(end - start));
        start = end + 1;
      }
    }
    chars = std::min(chars, kMaxRowLabelChars);
    if (chars > 0) {
      const int max_lines = std::max(1, (g.cell_height - 2 * g.padding) / line);
      std::vector<std::string> labels(spec.row_labels.begin(), spec.row_labels.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                                                             spec.rows, spec.row_labels.size())));
      g.row_text = wrap_labels_distinct(labels, chars, max_lines);
      g.row_text.resize(spec.rows);
      g.row_label_width = 2 * g.padding + chars * advance;
    }
  }

  if (!spec.corner_label.empty() && g.row_label_width > 0 && g.column_label_height > 0) {
    const int chars = (g.row_label_width - 2 * g.padding) / advance;
    const int lines = (g.column_label_height - 2 * g.padding) / line;
    g.corner_text = wrap_text(spec.corner_label, chars, lines);
  }

  const int columns = static_cast<int>(std::max<size_t>(spec.columns, 1));
  const int rows = static_cast<int>(std::max<size_t>(spec.rows, 1));
  g.width = g.row_label_width + g.gap + columns * (g.cell_width + g.gap);

  if (!spec.header_lines.empty()) {
    const int chars = std::max(1, (g.width - 2 * g.padding) / advance);
    for (const std::string& header : spec.header_lines)
      for (std::string& l : wrap_text(header, chars, kMaxHeaderLinesEach)) g.header_text.push_back(std::move(l));
    g.header_height = 2 * g.padding + static_cast<int>(g.header_text.size()) * line;
  }
  g.height = g.header_height + g.column_label_height + g.gap + rows * (g.cell_height + g.gap);
  return g;
}

ImageRGBA8 compose_grid(const GridSpec& spec, const std::vector<GridTile>& tiles) {
  int max_w = 1, max_h = 1;
  for (const GridTile& t : tiles) {
    if (t.column_span == 0 || t.column >= spec.columns || t.column_span > spec.columns - t.column || t.row >= spec.rows)
      throw Error("Grid tile at column " + std::to_string(t.column) + " (spanning " + std::to_string(t.column_span) + "), row " +
                  std::to_string(t.row) + " lies outside the " + std::to_string(spec.columns) + "x" + std::to_string(spec.rows) +
                  " grid");
    max_w = std::max(max_w, t.width);
    max_h = std::max(max_h, t.height);
  }
  const GridGeometry g = measure_grid(spec, max_w, max_h);
  ImageRGBA8 grid(g.width, g.height);
  fill_rect(grid, 0, 0, g.width, g.height, kGridBackground);

  const int s = g.text_scale;
  const int line = BitmapFont::kLineHeight * s;
  if (g.header_height > 0) {
    fill_rect(grid, 0, 0, g.width, g.header_height, kGridHeaderBackground);
    for (size_t i = 0; i < g.header_text.size(); ++i)
      draw_text(grid, g.padding, g.padding + static_cast<int>(i) * line, g.header_text[i], kGridText, s);
  }
  for (size_t c = 0; c < g.column_text.size(); ++c) {
    for (size_t i = 0; i < g.column_text[c].size(); ++i) {
      const std::string& text = g.column_text[c][i];
      const int x = g.cell_x(c) + std::max(0, (g.cell_width - text_width(text, s)) / 2);
      draw_text(grid, x, g.label_band_top() + g.padding + static_cast<int>(i) * line, text, kGridText, s);
    }
  }
  for (size_t i = 0; i < g.corner_text.size(); ++i)
    draw_text(grid, g.padding, g.label_band_top() + g.padding + static_cast<int>(i) * line, g.corner_text[i], kGridText, s);
  for (size_t r = 0; r < g.row_text.size(); ++r) {
    const int block = static_cast<int>(g.row_text[r].size()) * line;
    const int y0 = g.cell_y(r) + std::max(0, (g.cell_height - block) / 2);
    for (size_t i = 0; i < g.row_text[r].size(); ++i)
      draw_text(grid, g.padding, y0 + static_cast<int>(i) * line, g.row_text[r][i], kGridText, s);
  }

  std::vector<bool> filled(spec.columns * spec.rows, false);
  for (const GridTile& t : tiles) {
    ImageRGBA8 image = t.load ? t.load() : ImageRGBA8();
    if (image.empty()) continue;
    image = upscale_nearest(image, g.upscale);
    if (g.image_scale < 1)
      image = resize_image(image, scaled_size(image.width, g.image_scale), scaled_size(image.height, g.image_scale));
    const int area = g.span_width(t.column_span);
    if (t.column_span > 1) fill_rect(grid, g.cell_x(t.column), g.cell_y(t.row), area, g.cell_height, kGridSpanBand);
    const int w = std::min(image.width, area), h = std::min(image.height, g.cell_height);
    const int x0 = g.cell_x(t.column) + (area - w) / 2;
    const int y0 = g.cell_y(t.row) + (g.cell_height - h) / 2;
    for (int y = 0; y < h; ++y) std::copy_n(image.pixel(0, y), static_cast<size_t>(w) * 4, grid.pixel(x0, y0 + y));
    for (size_t c = 0; c < t.column_span; ++c) filled[t.row * spec.columns + t.column + c] = true;
  }
  for (size_t r = 0; r < spec.rows; ++r)
    for (size_t c = 0; c < spec.columns; ++c) {
      if (filled[r * spec.columns + c]) continue;
      fill_rect(grid, g.cell_x(c), g.cell_y(r), g.cell_width, g.cell_height, kGridMissingCell);
      const std::string text = "missing";
      const int tw = text_width(text, s);
      if (tw <= g.cell_width && line <= g.cell_height)
        draw_text(grid, g.cell_x(c) + (g.cell_width - tw) / 2, g.cell_y(r) + (g.cell_height - line) / 2, text,
                  Rgba8{140, 140, 140, 255}, s);
    }
  return grid;
}

}  // namespace steer
