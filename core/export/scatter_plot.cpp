#include "core/export/scatter_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace steer {

namespace {

constexpr Rgba8 kWhite{255, 255, 255, 255};
constexpr Rgba8 kInk{24, 24, 24, 255};
constexpr Rgba8 kGridLine{226, 226, 226, 255};
constexpr Rgba8 kAxis{90, 90, 90, 255};

using Box = PlotBox;

void put(ImageRGBA8& image, int x, int y, Rgba8 c) {
  if (x < 0 || y < 0 || x >= image.width || y >= image.height) return;
  uint8_t* p = image.pixel(x, y);
  p[0] = c.r;
  p[1] = c.g;
  p[2] = c.b;
  p[3] = c.a;
}

void fill_rect(ImageRGBA8& image, int x0, int y0, int x1, int y1, Rgba8 c) {
  for (int y = std::max(y0, 0); y < std::min(y1, image.height); ++y)
    for (int x = std::max(x0, 0); x < std::min(x1, image.width); ++x) put(image, x, y, c);
}

// A line `thickness` pixels wide (a square brush moved along Bresenham's line), clipped to `clip`.
void draw_line(ImageRGBA8& image, int x0, int y0, int x1, int y1, Rgba8 c, int thickness, const Box& clip) {
  const int dx = std::abs(x1 - x0), dy = -std::abs(y1 - y0);
  const int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
  const int lo = -(thickness - 1) / 2, hi = thickness / 2;
  int err = dx + dy;
  for (;;) {
    for (int oy = lo; oy <= hi; ++oy)
      for (int ox = lo; ox <= hi; ++ox) {
        const int x = x0 + ox, y = y0 + oy;
        if (x >= clip.x0 && x < clip.x1 && y >= clip.y0 && y < clip.y1) put(image, x, y, c);
      }
    if (x0 == x1 && y0 == y1) break;
    const int e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x0 += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y0 += sy;
    }
  }
}

bool in_marker(PlotMarker marker, int dx, int dy, int r) {
  switch (marker) {
    case PlotMarker::Circle:
      return dx * dx + dy * dy <= r * r + r;
    case PlotMarker::Square:
      return std::abs(dx) <= r - 1 && std::abs(dy) <= r - 1;
    case PlotMarker::Diamond:
      return std::abs(dx) + std::abs(dy) <= r + 1;
    case PlotMarker::Triangle:  // apex up, base at dy = r - 1
      return dy <= r - 1 && dy >= -r && 2 * std::abs(dx) <= dy + r + 1;
  }
  return false;
}

// A filled marker with a dark outline, centred at (cx, cy).
void draw_marker(ImageRGBA8& image, int cx, int cy, PlotMarker marker, Rgba8 fill, int r) {
  for (int dy = -r - 1; dy <= r + 1; ++dy)
    for (int dx = -r - 1; dx <= r + 1; ++dx) {
      if (!in_marker(marker, dx, dy, r)) continue;
      const bool edge = !in_marker(marker, dx - 1, dy, r) || !in_marker(marker, dx + 1, dy, r) ||
                        !in_marker(marker, dx, dy - 1, r) || !in_marker(marker, dx, dy + 1, r);
      put(image, cx + dx, cy + dy, edge ? kInk : fill);
    }
}

int text_height(int scale) { return BitmapFont::kLineHeight * scale; }

// Text turned a quarter counter-clockwise (reading bottom to top), its box's top-left at (x, y).
void draw_text_vertical(ImageRGBA8& image, int x, int y, const std::string& font_text, Rgba8 c, int scale) {
  ImageRGBA8 flat(text_width(font_text, scale), text_height(scale));
  fill_rect(flat, 0, 0, flat.width, flat.height, Rgba8{0, 0, 0, 0});
  draw_text(flat, 0, 0, font_text, c, scale);
  // flat (u, v) -> rotated (v, W - 1 - u)
  for (int v = 0; v < flat.height; ++v)
    for (int u = 0; u < flat.width; ++u) {
      const uint8_t* p = flat.pixel(u, v);
      if (p[3] == 0) continue;
      put(image, x + v, y + flat.width - 1 - u, Rgba8{p[0], p[1], p[2], p[3]});
    }
}

PlotRange data_range(const ScatterPlotSpec& spec, bool x_axis) {
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& s : spec.series)
    for (const auto& p : s.points) {
      const double v = x_axis ? p.x : p.y;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  if (!std::isfinite(lo)) return {0, 1};
  return {lo, hi};
}

}  // namespace

std::vector<double> nice_ticks(double low, double high, int target) {
  if (!std::isfinite(low) || !std::isfinite(high)) throw std::invalid_argument("nice_ticks: the range is not finite");
  if (low > high) std::swap(low, high);
  if (high - low < 1e-12) {
    const double pad = std::max(std::abs(low) * 0.1, 0.05);
    low -= pad;
    high += pad;
  }
  target = std::max(target, 2);
  const double raw = (high - low) / target;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * magnitude;
    if (step >= raw) break;
  }
  std::vector<double> ticks;
  const double first = std::floor(low / step + 1e-9) * step;
  for (double t = first;; t += step) {
    // Snap to the grid so that 0.30000000000000004 prints and compares as 0.3.
    const double snapped = std::round(t / step) * step;
    ticks.push_back(std::abs(snapped) < step * 1e-9 ? 0.0 : snapped);
    if (snapped >= high - step * 1e-9) break;
  }
  return ticks;
}

std::string tick_label(double value, double spacing) {
  int decimals = 0;
  if (spacing > 0 && spacing < 1) decimals = std::min(6, static_cast<int>(std::ceil(-std::log10(spacing) - 1e-9)));
  // A spacing such as 0.25 needs one more decimal than its magnitude says.
  const double scaled = spacing * std::pow(10.0, decimals);
  if (std::abs(scaled - std::round(scaled)) > 1e-6) ++decimals;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

namespace {

// The axes' ranges and ticks, the margins and the data-to-pixel mapping of a plot.
struct PlotFrame {
  int ts = 1, th = 0, pad = 0, marker_radius = 0;
  double x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1, x_step = 1, y_step = 1;
  std::vector<double> xt, yt;
  Box area;
  int px(double x) const { return area.x0 + static_cast<int>(std::lround((x - x_lo) / (x_hi - x_lo) * (area.x1 - 1 - area.x0))); }
  int py(double y) const {
    return area.y1 - 1 - static_cast<int>(std::lround((y - y_lo) / (y_hi - y_lo) * (area.y1 - 1 - area.y0)));
  }
  bool in_area(int x, int y) const { return x >= area.x0 && x < area.x1 && y >= area.y0 && y < area.y1; }
};

PlotFrame plot_frame(const ScatterPlotSpec& spec) {
  if (spec.width < 200 || spec.height < 150)
    throw std::invalid_argument("render_scatter_plot: the image must be at least 200 x 150 pixels");
  for (const auto& s : spec.series)
    for (const auto& p : s.points)
      if (!std::isfinite(p.x) || !std::isfinite(p.y) || !std::isfinite(p.x_error) || !std::isfinite(p.y_error))
        throw std::invalid_argument("render_scatter_plot: series \"" + s.name + "\" has a point that is not finite");
  PlotFrame f;
  f.ts = std::max(spec.text_scale, 1);
  f.th = text_height(f.ts);
  f.pad = 8 * f.ts;
  f.marker_radius = 4 * f.ts;
  const PlotRange xr = spec.x_range.value_or(data_range(spec, true));
  const PlotRange yr = spec.y_range.value_or(data_range(spec, false));
  f.xt = nice_ticks(xr.low, xr.high);
  f.yt = nice_ticks(yr.low, yr.high);
  f.x_lo = spec.x_range ? xr.low : f.xt.front();
  f.x_hi = spec.x_range ? xr.high : f.xt.back();
  f.y_lo = spec.y_range ? yr.low : f.yt.front();
  f.y_hi = spec.y_range ? yr.high : f.yt.back();
  f.x_step = f.xt.size() > 1 ? f.xt[1] - f.xt[0] : 1;
  f.y_step = f.yt.size() > 1 ? f.yt[1] - f.yt[0] : 1;

  int y_tick_width = 0;
  for (double v : f.yt) y_tick_width = std::max(y_tick_width, text_width(tick_label(v, f.y_step), f.ts));
  int legend_width = 0;
  for (const auto& s : spec.series) legend_width = std::max(legend_width, text_width(to_font_text(s.name), f.ts));
  legend_width += 4 * f.pad;
  const int top = f.pad + (spec.title.empty() ? 0 : f.th + f.pad);
  const int left = f.pad + (spec.y_label.empty() ? 0 : f.th + f.pad) + y_tick_width + f.pad / 2 + 4;
  const int bottom = 4 + f.pad / 2 + f.th + (spec.x_label.empty() ? 0 : f.pad + f.th) + f.pad;
  const int right = legend_width + f.pad;
  f.area = Box{left, top, spec.width - right, spec.height - bottom};
  if (f.area.x1 - f.area.x0 < 60 || f.area.y1 - f.area.y0 < 60)
    throw std::invalid_argument("render_scatter_plot: the labels leave no room for the plot at this size");
  return f;
}

// An error bar's two ends in pixels, clipped to the area; false when it has none.
struct ErrorBar {
  int x0, y0, x1, y1;
  bool horizontal;
};
std::vector<ErrorBar> error_bars_of(const PlotFrame& f, const PlotPoint& p) {
  std::vector<ErrorBar> bars;
  const int x = f.px(p.x), y = f.py(p.y);
  if (p.x_error > 0) {
    const int a = std::max(f.area.x0, f.px(p.x - p.x_error)), b = std::min(f.area.x1 - 1, f.px(p.x + p.x_error));
    if (b > a) bars.push_back({a, y, b, y, true});
  }
  if (p.y_error > 0) {
    const int a = std::max(f.area.y0, f.py(p.y + p.y_error)), b = std::min(f.area.y1 - 1, f.py(p.y - p.y_error));
    if (b > a) bars.push_back({x, a, x, b, false});
  }
  return bars;
}

constexpr int kCap = 3;  // half the length of an error bar's end caps

Box bar_box(const ErrorBar& bar) {
  if (bar.horizontal) return Box{bar.x0, bar.y0 - kCap, bar.x1 + 1, bar.y0 + kCap + 1};
  return Box{bar.x0 - kCap, bar.y0, bar.x0 + kCap + 1, bar.y1 + 1};
}

ScatterPlotLayout layout_of(const ScatterPlotSpec& spec, const PlotFrame& f) {
  ScatterPlotLayout layout;
  layout.area = f.area;
  const int r = f.marker_radius, th = f.th, ts = f.ts, pad = f.pad;
  std::vector<Box> taken;
  for (const auto& s : spec.series)
    for (const auto& p : s.points) {
      const int x = f.px(p.x), y = f.py(p.y);
      if (!f.in_area(x, y)) continue;
      layout.markers.push_back(Box{x - r - 1, y - r - 1, x + r + 2, y + r + 2});
      for (const ErrorBar& bar : error_bars_of(f, p)) layout.error_bars.push_back(bar_box(bar));
    }
  taken = layout.markers;
  taken.insert(taken.end(), layout.error_bars.begin(), layout.error_bars.end());
  if (spec.label_points) {
    const Box inner{f.area.x0 + 1, f.area.y0 + 1, f.area.x1 - 1, f.area.y1 - 1};
    for (size_t si = 0; si < spec.series.size(); ++si)
      for (size_t pi = 0; pi < spec.series[si].points.size(); ++pi) {
        const PlotPoint& p = spec.series[si].points[pi];
        if (p.label.empty()) continue;
        const int x = f.px(p.x), y = f.py(p.y);
        if (!f.in_area(x, y)) continue;
        const std::string t = to_font_text(p.label);
        const int w = text_width(t, ts);
        // Beside the point first, then further out: right, left, above, below, the corners.
        bool placed = false;
        for (int ring = 1; ring <= 4 && !placed; ++ring) {
          const int g = (r + 2) * ring + (ring - 1) * th / 2;
          const std::pair<int, int> candidates[] = {{x + g, y - th / 2},         {x - g - w, y - th / 2}, {x - w / 2, y - g - th},
                                                    {x - w / 2, y + g},          {x + g, y - g - th + 2}, {x + g, y + g - 2},
                                                    {x - g - w, y - g - th + 2}, {x - g - w, y + g - 2}};
          for (const auto& [lx, ly] : candidates) {
            const Box b{lx - 1, ly, lx + w + 1, ly + th};
            if (!b.inside(inner)) continue;
            if (std::any_of(taken.begin(), taken.end(), [&](const Box& o) { return o.overlaps(b); })) continue;
            layout.labels.push_back({si, pi, t, b});
            taken.push_back(b);
            placed = true;
            break;
          }
        }
        if (!placed) ++layout.labels_left_out;
      }
  }
  int ly = f.area.y0;
  const int lx = f.area.x1 + pad;
  for (const auto& s : spec.series) {
    layout.legend.push_back(Box{lx, ly, lx + 3 * r + pad / 2 + text_width(to_font_text(s.name), ts), ly + th});
    ly += th + pad / 2;
  }
  if (!spec.title.empty()) {
    const std::string t = to_font_text(spec.title);
    const int x = std::max(pad, (f.area.x0 + f.area.x1 - text_width(t, ts)) / 2);
    layout.titles.push_back(Box{x, pad, x + text_width(t, ts), pad + th});
  }
  if (!spec.x_label.empty()) {
    const std::string t = to_font_text(spec.x_label);
    const int x = (f.area.x0 + f.area.x1 - text_width(t, ts)) / 2, y = f.area.y1 + 4 + pad / 2 + th + pad / 2;
    layout.titles.push_back(Box{x, y, x + text_width(t, ts), y + th});
  }
  if (!spec.y_label.empty()) {
    const std::string t = to_font_text(spec.y_label);
    const int y = std::max(pad, (f.area.y0 + f.area.y1 - text_width(t, ts)) / 2);
    layout.titles.push_back(Box{pad, y, pad + th, y + text_width(t, ts)});
  }
  return layout;
}

}  // namespace

ScatterPlotLayout layout_scatter_plot(const ScatterPlotSpec& spec) { return layout_of(spec, plot_frame(spec)); }

ImageRGBA8 render_scatter_plot(const ScatterPlotSpec& spec) {
  const PlotFrame f = plot_frame(spec);
  const ScatterPlotLayout layout = layout_of(spec, f);
  const Box& area = f.area;
  const int ts = f.ts, th = f.th, pad = f.pad, r = f.marker_radius;

  ImageRGBA8 image(spec.width, spec.height);
  fill_rect(image, 0, 0, image.width, image.height, kWhite);

  // Title, grid, ticks, axis names.
  if (!spec.title.empty()) draw_text(image, layout.titles[0].x0, layout.titles[0].y0, to_font_text(spec.title), kInk, ts);
  const Box whole{0, 0, image.width, image.height};
  for (double v : f.xt) {
    if (v < f.x_lo - 1e-12 || v > f.x_hi + 1e-12) continue;
    const int x = f.px(v);
    draw_line(image, x, area.y0, x, area.y1 - 1, kGridLine, 1, whole);
    draw_line(image, x, area.y1, x, area.y1 + 3, kAxis, 1, whole);
    const std::string label = tick_label(v, f.x_step);
    draw_text(image, x - text_width(label, ts) / 2, area.y1 + 4 + pad / 4, label, kInk, ts);
  }
  for (double v : f.yt) {
    if (v < f.y_lo - 1e-12 || v > f.y_hi + 1e-12) continue;
    const int y = f.py(v);
    draw_line(image, area.x0, y, area.x1 - 1, y, kGridLine, 1, whole);
    draw_line(image, area.x0 - 4, y, area.x0 - 1, y, kAxis, 1, whole);
    const std::string label = tick_label(v, f.y_step);
    draw_text(image, area.x0 - 6 - text_width(label, ts), y - th / 2, label, kInk, ts);
  }
  draw_line(image, area.x0, area.y0, area.x0, area.y1 - 1, kAxis, 1, whole);
  draw_line(image, area.x0, area.y1 - 1, area.x1 - 1, area.y1 - 1, kAxis, 1, whole);
  draw_line(image, area.x0, area.y0, area.x1 - 1, area.y0, kAxis, 1, whole);
  draw_line(image, area.x1 - 1, area.y0, area.x1 - 1, area.y1 - 1, kAxis, 1, whole);
  size_t title = spec.title.empty() ? 0 : 1;
  if (!spec.x_label.empty()) {
    const Box& b = layout.titles[title++];
    draw_text(image, b.x0, b.y0, to_font_text(spec.x_label), kInk, ts);
  }
  if (!spec.y_label.empty()) {
    const Box& b = layout.titles[title++];
    draw_text_vertical(image, b.x0, b.y0, to_font_text(spec.y_label), kInk, ts);
  }

  // Series: lines and error bars first, then markers, then the labels where the layout put them.
  for (const auto& s : spec.series) {
    if (!s.connect) continue;
    for (size_t i = 1; i < s.points.size(); ++i)
      draw_line(image, f.px(s.points[i - 1].x), f.py(s.points[i - 1].y), f.px(s.points[i].x), f.py(s.points[i].y), s.colour, 2,
                area);
  }
  for (const auto& s : spec.series)
    for (const auto& p : s.points) {
      if (!f.in_area(f.px(p.x), f.py(p.y))) continue;
      for (const ErrorBar& bar : error_bars_of(f, p)) {
        draw_line(image, bar.x0, bar.y0, bar.x1, bar.y1, kAxis, 1, area);
        if (bar.horizontal) {
          draw_line(image, bar.x0, bar.y0 - kCap, bar.x0, bar.y0 + kCap, kAxis, 1, area);
          draw_line(image, bar.x1, bar.y0 - kCap, bar.x1, bar.y0 + kCap, kAxis, 1, area);
        } else {
          draw_line(image, bar.x0 - kCap, bar.y0, bar.x0 + kCap, bar.y0, kAxis, 1, area);
          draw_line(image, bar.x0 - kCap, bar.y1, bar.x0 + kCap, bar.y1, kAxis, 1, area);
        }
      }
    }
  for (const auto& s : spec.series)
    for (const auto& p : s.points) {
      const int x = f.px(p.x), y = f.py(p.y);
      if (f.in_area(x, y)) draw_marker(image, x, y, s.marker, s.colour, r);
    }
  for (const auto& label : layout.labels) draw_text(image, label.box.x0 + 1, label.box.y0, label.text, kInk, ts);

  // Legend, right of the plot area.
  for (size_t i = 0; i < spec.series.size(); ++i) {
    const PlotSeries& s = spec.series[i];
    const int lx = layout.legend[i].x0, ly = layout.legend[i].y0;
    if (s.connect) draw_line(image, lx, ly + th / 2, lx + 3 * r, ly + th / 2, s.colour, 2, whole);
    draw_marker(image, lx + 3 * r / 2, ly + th / 2, s.marker, s.colour, r);
    draw_text(image, lx + 3 * r + pad / 2, ly, to_font_text(s.name), kInk, ts);
  }
  return image;
}

}  // namespace steer
