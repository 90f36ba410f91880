#pragma once
// A small scatter-plot renderer (no torch, no Qt, no fonts installed): labelled points in
// coloured series, optionally joined in their given order, on axes with "nice" ticks, a
// title, axis names (the y name turned on its side) and a legend right of the plot area.
// Text uses the built-in bitmap font (printable ASCII; anything else is drawn as '?').
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

// Draws the plot. Points outside an explicit range are clipped. Throws std::invalid_argument
// for a size under 200 x 150 or a non-finite coordinate.
ImageRGBA8 render_scatter_plot(const ScatterPlotSpec& spec);

}  // namespace steer
