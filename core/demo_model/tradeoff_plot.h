#pragma once
// tradeoff.png: text fidelity (x) against subject fidelity (y), one point per setting of the
// trade-off table (averaged over prompts and seeds). One colour per method; PG gets a series per
// ω (shades of one colour, named in the legend) and every series is joined in λ order; points
// are labelled with their λ and carry ±1 standard-error bars. Torch-free.
#include <string>

#include "core/common/image_buffer.h"
#include "core/demo_model/tradeoff_table.h"
#include "core/export/scatter_plot.h"

namespace steer::demo {

ScatterPlotSpec tradeoff_plot_spec(const TradeoffAnalysis& analysis, const std::string& subtitle = "");
ImageRGBA8 render_tradeoff_plot(const TradeoffAnalysis& analysis, const std::string& subtitle = "");

}  // namespace steer::demo
