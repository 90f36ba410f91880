#pragma once
// The labelled contact sheet of a sweep: a header band, one label above each column, one
// label left of each row, and the images in a grid. Text uses the built-in bitmap font.
//
//   +---------------------------------------------+
//   | header lines (title, axes)                  |  header band
//   +----------+----------+----------+------------+
//   | corner   | col 0    | col 1    | col 2      |  column labels (wrapped, max 3 lines)
//   | row 0    | [image]  | [image]  | [image]    |
//   | row 1    | [image]  | [missing]| [image]    |
//   +----------+----------+----------+------------+
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "core/common/image_buffer.h"
#include "core/export/bitmap_font.h"

namespace steer {

struct GridSpec {
  std::vector<std::string> header_lines;  // UTF-8; empty: no header band
  size_t columns = 0, rows = 0;
  std::vector<std::string> column_labels;  // one per column, or none at all
  std::vector<std::string> row_labels;     // one per row ('\n' separates lines), or none at all
  std::string corner_label;                // above the row labels, beside the column labels
                                           // (e.g. the column axis's name); needs both
  int max_cell_side = 0;                   // 0: cells at full size; else scaled down to fit
  int text_scale = 0;                      // 0: 2 when cells are at least 192 px wide, else 1
  // Every image enlarged this many times, each pixel a block (nearest neighbour), so a small
  // model's 64 px images stay sharp and readable; applied before max_cell_side.
  int image_upscale = 1;
};

struct GridTile {
  size_t column = 0, row = 0;
  int width = 0, height = 0;         // the image's size, known before it is loaded
  std::function<ImageRGBA8()> load;  // called once, while the grid is drawn
  // Columns the tile covers from `column` on: a cell the column axis does not apply to
  // (CFG along ω) is one image centred across them, on a tinted band.
  size_t column_span = 1;
};

// A tile whose image is already in memory (it must outlive compose_grid).
GridTile grid_tile(size_t column, size_t row, const ImageRGBA8& image);

// Where everything goes; compose_grid draws exactly this.
struct GridGeometry {
  int text_scale = 1;
  int upscale = 1;         // whole-number enlargement of every image (nearest neighbour)
  double image_scale = 1;  // then applied to every image (<= 1)
  int cell_width = 0, cell_height = 0;
  int gap = 0, padding = 0;
  int header_height = 0, column_label_height = 0, row_label_width = 0;
  int width = 0, height = 0;
  std::vector<std::string> header_text;               // wrapped lines, font text
  std::vector<std::vector<std::string>> column_text;  // per column
  std::vector<std::vector<std::string>> row_text;     // per row
  std::vector<std::string> corner_text;

  int cell_x(size_t column) const { return row_label_width + gap + static_cast<int>(column) * (cell_width + gap); }
  // The width of `span` cells side by side, with the gaps between them.
  int span_width(size_t span) const { return static_cast<int>(span) * (cell_width + gap) - gap; }
  int cell_y(size_t row) const { return header_height + column_label_height + gap + static_cast<int>(row) * (cell_height + gap); }
  // The band above the cells that holds the column labels: y in [label_band_top, label_band_bottom).
  int label_band_top() const { return header_height; }
  int label_band_bottom() const { return header_height + column_label_height; }
};

// Layout for cells that hold images of at most max_image_width x max_image_height. Labels
// are word-wrapped to their space; two different labels are never cut to the same text (the
// part where they differ is kept, with "..." for what is left out, or they are numbered).
GridGeometry measure_grid(const GridSpec& spec, int max_image_width, int max_image_height);

// Wraps each label (wrap_text) so that labels that differ stay different when cut short.
std::vector<std::vector<std::string>> wrap_labels_distinct(const std::vector<std::string>& labels, int max_chars, int max_lines);

// The whole-number enlargement for images whose longer side is `longest` pixels: `requested`
// when positive; 0 asks for the smallest factor that makes them at least kGridAutoUpscaleSide
// pixels (1 for images that size already). Never past max_cell_side (when positive).
inline constexpr int kGridAutoUpscaleSide = 256;
int grid_upscale_factor(int requested, int longest, int max_cell_side = 0);

// Each pixel as a factor x factor block: exact multiples, no blur.
ImageRGBA8 upscale_nearest(const ImageRGBA8& image, int factor);

// Draws the grid. Tiles outside columns x rows throw steer::Error; an empty slot is drawn
// grey with "missing". Images smaller than the cell are centred in it.
ImageRGBA8 compose_grid(const GridSpec& spec, const std::vector<GridTile>& tiles);

// The grid's colours, for tests and for matching the UI.
inline constexpr Rgba8 kGridBackground{255, 255, 255, 255};
inline constexpr Rgba8 kGridSpanBand{244, 244, 244, 255};  // behind a tile spanning columns
inline constexpr Rgba8 kGridHeaderBackground{236, 236, 236, 255};
inline constexpr Rgba8 kGridMissingCell{228, 228, 228, 255};
inline constexpr Rgba8 kGridText{24, 24, 24, 255};

// Box-filter downscale (or nearest copy at the same size) to width x height.
ImageRGBA8 resize_image(const ImageRGBA8& image, int width, int height);

}  // namespace steer
