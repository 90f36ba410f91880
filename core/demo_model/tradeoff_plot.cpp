#include "core/demo_model/tradeoff_plot.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/common/number_text.h"
#include "core/export/scatter_plot.h"

namespace steer::demo {

namespace {

constexpr Rgba8 kBaseColour{140, 140, 140, 255};
constexpr Rgba8 kCfgColour{31, 119, 180, 255};
constexpr Rgba8 kAgColour{255, 127, 14, 255};
// PG: one green per ω, from dark (the smallest ω, furthest from CFG) to light.
constexpr Rgba8 kPgDark{0, 80, 30, 255};
constexpr Rgba8 kPgLight{150, 220, 110, 255};

Rgba8 pg_shade(size_t k, size_t count) {
  const double t = count > 1 ? static_cast<double>(k) / static_cast<double>(count - 1) : 0.0;
  auto mix = [&](uint8_t a, uint8_t b) { return static_cast<uint8_t>(std::lround(a + (b - a) * t)); };
  return Rgba8{mix(kPgDark.r, kPgLight.r), mix(kPgDark.g, kPgLight.g), mix(kPgDark.b, kPgLight.b), 255};
}

PlotSeries series_for(const std::string& name, Rgba8 colour, PlotMarker marker) {
  PlotSeries s;
  s.name = name;
  s.colour = colour;
  s.marker = marker;
  s.connect = true;
  return s;
}

}  // namespace

ScatterPlotSpec tradeoff_plot_spec(const TradeoffAnalysis& analysis, const std::string& subtitle) {
  ScatterPlotSpec spec;
  // λ and ω as the guidance docs write them (the bitmap font draws both); error bars: one
  // standard error of each mean over prompts and seeds.
  spec.title = "Guidance trade-off on the demo model" + (subtitle.empty() ? std::string() : " - " + subtitle) +
               " (λ: guidance scale, ω: PG weight; bars: one standard error)";
  spec.x_label = "text fidelity (toy CLIP-T)";
  spec.y_label = "subject fidelity (toy DINO / CLIP-I)";
  PlotSeries base = series_for("base model, CFG (no LoRA)", kBaseColour, PlotMarker::Square);
  PlotSeries cfg = series_for("CFG", kCfgColour, PlotMarker::Circle);
  PlotSeries ag = series_for("AG (earlier checkpoint)", kAgColour, PlotMarker::Triangle);
  std::vector<std::string> omegas;  // in the table's order (ascending)
  for (const auto& r : analysis.rows)
    if (r.method == "pg" && std::find(omegas.begin(), omegas.end(), r.omega) == omegas.end()) omegas.push_back(r.omega);
  std::map<std::string, PlotSeries> pg;
  for (size_t k = 0; k < omegas.size(); ++k)
    pg.emplace(omegas[k], series_for("PG ω=" + omegas[k], pg_shade(k, omegas.size()), PlotMarker::Diamond));
  for (const auto& r : analysis.rows) {
    const PlotPoint point{r.text, r.subject, "λ=" + number_text(r.lambda), r.text_se, r.subject_se};
    if (r.method == kBaseModelMethod)
      base.points.push_back(point);
    else if (r.method == "cfg")
      cfg.points.push_back(point);
    else if (r.method == "ag")
      ag.points.push_back(point);
    else if (r.method == "pg")
      pg.at(r.omega).points.push_back(point);  // its ω is the series' (legend)
  }
  for (PlotSeries* s : {&base, &cfg, &ag})
    if (!s->points.empty()) spec.series.push_back(*s);
  for (const auto& w : omegas) spec.series.push_back(pg.at(w));
  // Keep the data off the frame: widen the range a little around the points.
  double xl = 1, xh = 0, yl = 1, yh = 0;
  for (const auto& s : spec.series)
    for (const auto& p : s.points) {  // the error bars too
      xl = std::min(xl, p.x - p.x_error);
      xh = std::max(xh, p.x + p.x_error);
      yl = std::min(yl, p.y - p.y_error);
      yh = std::max(yh, p.y + p.y_error);
    }
  if (xl <= xh) {
    const double px = std::max(0.02, (xh - xl) * 0.08), py = std::max(0.02, (yh - yl) * 0.08);
    spec.x_range = PlotRange{xl - px, xh + px};
    spec.y_range = PlotRange{yl - py, yh + py};
  }
  return spec;
}

ImageRGBA8 render_tradeoff_plot(const TradeoffAnalysis& analysis, const std::string& subtitle) {
  return render_scatter_plot(tradeoff_plot_spec(analysis, subtitle));
}

}  // namespace steer::demo
