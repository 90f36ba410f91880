#pragma once
// A small scatter-plot renderer (no torch, no Qt, no fonts installed): labelled points in
// coloured series, optionally joined in their given order, on axes with "nice" ticks, a
// title, axis names (the y name turned on its side) and a legend right of the plot area.
// Points may carry error bars. Text uses the built-in bitmap font (printable ASCII and λ ω σ
// φ θ η ×; anything else is drawn as '?'). Point labels never overlap one another, a
// marker, an error bar or the frame: a label with no free place nearby is left out
// (layout_scatter_plot says where each one went).
//
//   +----------------------------------------------+
//   |  title                                       |
//   |    +-------------------------+  legend       |
//   |  y |  o label                |  o series A   |
//   |  n |        o label          |  + series B   |
//   |  a |                         |               |
//   |  m +-------------------------+               |
//   |  e  tick  tick  tick  tick                   |
//   |              x name                          |
//   +----------------------------------------------+
#include <optional>
#include <string>
#include <vector>

#include "core/common/image_buffer.h"
#include "core/export/bitmap_font.h"

namespace steer {

enum class PlotMarker { Circle, Square, Diamond, Triangle };

struct PlotPoint {
  double x = 0, y = 0;
  std::string label;  // drawn beside the point where it does not cover other text; "" for none
  // Error bars: half-lengths in data units (e.g. a standard error); 0 draws none.
  double x_error = 0, y_error = 0;
};

struct PlotSeries {
  std::string name;  // the legend's entry
  Rgba8 colour;
  PlotMarker marker = PlotMarker::Circle;
  bool connect = false;  // a line through the points in their order
  std::vector<PlotPoint> points;
};

struct PlotRange {
  double low = 0, high = 1;
};

struct ScatterPlotSpec {
  std::string title, x_label, y_label;
  std::vector<PlotSeries> series;
  std::optional<PlotRange> x_range, y_range;  // default: the data's extent, widened to ticks
  int width = 900, height = 640;              // the whole image, in pixels
  int text_scale = 1;                         // 1: 6x11-pixel characters
  bool label_points = true;
};

// Between `target` and about twice that many round tick values (1, 2 or 5 times a power of
// ten apart) covering [low, high]; the first is <= low and the last >= high. A zero-width
// range is widened around its value.
std::vector<double> nice_ticks(double low, double high, int target = 5);

// A tick value as a label: as many decimals as the tick spacing needs ("0.25", "0.3", "2").
std::string tick_label(double value, double spacing);

// A rectangle of pixels: [x0, x1) x [y0, y1).
struct PlotBox {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool overlaps(const PlotBox& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
  bool inside(const PlotBox& o) const { return x0 >= o.x0 && y0 >= o.y0 && x1 <= o.x1 && y1 <= o.y1; }
};

// Where render_scatter_plot puts things; it draws exactly this.
struct ScatterPlotLayout {
  struct Label {
    size_t series = 0, point = 0;
    std::string text;  // font text
    PlotBox box;
  };
  PlotBox area;                     // the plot area inside the frame
  std::vector<PlotBox> markers;     // every marker drawn (points inside the area)
  std::vector<PlotBox> error_bars;  // every error bar drawn, with its caps
  std::vector<Label> labels;        // the point labels drawn
  size_t labels_left_out = 0;       // labels with no free place near their point
  std::vector<PlotBox> legend;      // one entry per series: its marker and name
  std::vector<PlotBox> titles;      // the title and the axis names
};

// The layout of the plot. Throws as render_scatter_plot does.
ScatterPlotLayout layout_scatter_plot(const ScatterPlotSpec& spec);

// Draws the plot. Points outside an explicit range are clipped. Throws std::invalid_argument
// for a size under 200 x 150 or a non-finite coordinate or error.
ImageRGBA8 render_scatter_plot(const ScatterPlotSpec& spec);

}  // namespace steer
