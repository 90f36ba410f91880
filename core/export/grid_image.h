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
};

struct GridTile {
  size_t column = 0, row = 0;
  int width = 0, height = 0;         // the image's size, known before it is loaded
  std::function<ImageRGBA8()> load;  // called once, while the grid is drawn
};

// A tile whose image is already in memory (it must outlive compose_grid).
GridTile grid_tile(size_t column, size_t row, const ImageRGBA8& image);

// Where everything goes; compose_grid draws exactly this.
struct GridGeometry {
  int text_scale = 1;
  double image_scale = 1;  // applied to every image (<= 1)
  int cell_width = 0, cell_height = 0;
  int gap = 0, padding = 0;
  int header_height = 0, column_label_height = 0, row_label_width = 0;
  int width = 0, height = 0;
  std::vector<std::string> header_text;               // wrapped lines, font text
  std::vector<std::vector<std::string>> column_text;  // per column
  std::vector<std::vector<std::string>> row_text;     // per row
  std::vector<std::string> corner_text;

  int cell_x(size_t column) const { return row_label_width + gap + static_cast<int>(column) * (cell_width + gap); }
  int cell_y(size_t row) const { return header_height + column_label_height + gap + static_cast<int>(row) * (cell_height + gap); }
  // The band above the cells that holds the column labels: y in [label_band_top, label_band_bottom).
  int label_band_top() const { return header_height; }
  int label_band_bottom() const { return header_height + column_label_height; }
};

// Layout for cells that hold images of at most max_image_width x max_image_height.
GridGeometry measure_grid(const GridSpec& spec, int max_image_width, int max_image_height);

// Draws the grid. Tiles outside columns x rows throw steer::Error; an empty slot is drawn
// grey with "missing". Images smaller than the cell are centred in it.
ImageRGBA8 compose_grid(const GridSpec& spec, const std::vector<GridTile>& tiles);

// The grid's colours, for tests and for matching the UI.
inline constexpr Rgba8 kGridBackground{255, 255, 255, 255};
inline constexpr Rgba8 kGridHeaderBackground{236, 236, 236, 255};
inline constexpr Rgba8 kGridMissingCell{228, 228, 228, 255};
inline constexpr Rgba8 kGridText{24, 24, 24, 255};

// Box-filter downscale (or nearest copy at the same size) to width x height.
ImageRGBA8 resize_image(const ImageRGBA8& image, int width, int height);

}  // namespace steer
