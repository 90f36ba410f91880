#pragma once
// The guidance trade-off, measured: per setting (method, λ, ω) the mean text and subject
// fidelity over the demo's prompts and seeds, which settings are Pareto-optimal, and whether
// personalization guidance reaches points that neither CFG nor AG reaches. Torch-free.
#include <string>
#include <vector>

#include "core/demo_model/demo_scores.h"

namespace steer::demo {

struct TradeoffRow {
  std::string method;  // "base" | "cfg" | "ag" | "pg"
  double lambda = 0;
  std::string omega;                   // "" unless pg
  double text = 0, subject = 0;        // means
  double text_se = 0, subject_se = 0;  // standard errors of the means (0 for n = 1)
  int n = 0;                           // distinct images averaged
  bool pareto = false;                 // no other row is at least as good on both and better on one
  bool beyond_cfg_ag = false;          // pg only: outside what CFG and AG reach (see TradeoffAnalysis)
  // pg only: how far it is from the CFG/AG front — subject fidelity above (negative: below) the
  // front at this text fidelity, or, when it has more text fidelity than any CFG/AG setting
  // (margin_is_text), that much more text fidelity.
  double margin = 0;
  bool margin_is_text = false;

  std::string label() const;        // "pg λ=5 ω=0.5", "base λ=5"
  std::string ascii_label() const;  // "pg l=5 w=0.5" (for the bitmap font)
};

// Averages the scores per (method, λ, ω); images with the same settings_key count once.
// Rows come base, cfg, ag, pg, each by λ then ω (numerically where ω is a number).
std::vector<TradeoffRow> average_by_setting(const std::vector<ImageScore>& scores);

struct TradeoffAnalysis {
  std::vector<TradeoffRow> rows;
  // What CFG and AG reach: every point that one of their settings matches or beats on both
  // scores, and everything under the straight lines between neighbouring points of their Pareto
  // front (intermediate λ may land there). A PG setting is beyond it when it is dominated by no
  // CFG/AG setting and lies above those lines: a strict test, so a "yes" is not an artefact of
  // the grid's spacing.
  std::vector<size_t> pareto;        // indices into rows
  std::vector<size_t> pg_beyond;     // indices into rows, clearest first (margin / its standard error)
  std::vector<size_t> cfg_ag_front;  // the CFG/AG Pareto front, by text fidelity
  std::string verdict;               // plain sentences: what the numbers show
};

TradeoffAnalysis analyse_tradeoff(std::vector<TradeoffRow> rows);

// The table as Markdown with aligned columns (also what `steer demo` prints).
std::string tradeoff_table_markdown(const TradeoffAnalysis& analysis);

// tradeoff.md: `heading_notes` (setup lines written above the table), the table, the Pareto
// settings and the verdict.
std::string tradeoff_report_markdown(const TradeoffAnalysis& analysis, const std::vector<std::string>& heading_notes);

}  // namespace steer::demo
