#include "core/demo_model/tradeoff_table.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "core/common/number_text.h"

namespace steer::demo {

namespace {

int method_order(const std::string& method) {
  if (method == kBaseModelMethod) return 0;
  if (method == "cfg") return 1;
  if (method == "ag") return 2;
  if (method == "pg") return 3;
  return 4;
}

// ω as a number where it is one (schedules sort after the numbers, by text).
std::pair<double, std::string> omega_order(const std::string& omega) {
  if (omega.empty()) return {-1, ""};
  char* end = nullptr;
  const double v = std::strtod(omega.c_str(), &end);
  if (end == omega.c_str() + omega.size()) return {v, ""};
  return {std::numeric_limits<double>::infinity(), omega};
}

bool is_cfg_or_ag(const TradeoffRow& r) { return r.method == "cfg" || r.method == "ag"; }

// a matches or beats b on both scores (and is not the same point reached twice, unless equal).
bool covers(const TradeoffRow& a, const TradeoffRow& b) { return a.text >= b.text && a.subject >= b.subject; }
bool dominates(const TradeoffRow& a, const TradeoffRow& b) { return covers(a, b) && (a.text > b.text || a.subject > b.subject); }

size_t utf8_length(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string pad(const std::string& s, size_t width, bool right_align) {
  const size_t len = utf8_length(s);
  if (len >= width) return s;
  return right_align ? std::string(width - len, ' ') + s : s + std::string(width - len, ' ');
}

std::string fixed(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string join_labels(const TradeoffAnalysis& a, const std::vector<size_t>& indices) {
  std::string out;
  for (size_t k = 0; k < indices.size(); ++k) {
    if (k) out += k + 1 == indices.size() ? " and " : ", ";
    out += a.rows[indices[k]].label();
  }
  return out;
}

std::string point_text(const TradeoffRow& r) { return "text " + fixed(r.text, 3) + ", subject " + fixed(r.subject, 3); }

}  // namespace

std::string TradeoffRow::label() const {
  std::string out = method + " λ=" + number_text(lambda);
  if (!omega.empty()) out += " ω=" + omega;
  return out;
}

std::string TradeoffRow::ascii_label() const {
  std::string out = method + " l=" + number_text(lambda);
  if (!omega.empty()) out += " w=" + omega;
  return out;
}

std::vector<TradeoffRow> average_by_setting(const std::vector<ImageScore>& scores) {
  using Key = std::tuple<int, double, std::pair<double, std::string>, std::string, std::string>;
  struct Sums {
    std::vector<double> text, subject;
    std::set<std::string> seen;
  };
  std::map<Key, Sums> groups;
  for (const auto& s : scores) {
    Sums& g = groups[Key{method_order(s.method), s.lambda, omega_order(s.omega), s.method, s.omega}];
    if (!s.settings_key.empty() && !g.seen.insert(s.settings_key).second) continue;
    g.text.push_back(s.text);
    g.subject.push_back(s.subject);
  }
  std::vector<TradeoffRow> rows;
  for (const auto& [key, g] : groups) {
    TradeoffRow r;
    r.method = std::get<3>(key);
    r.lambda = std::get<1>(key);
    r.omega = std::get<4>(key);
    r.n = static_cast<int>(g.text.size());
    auto mean_se = [&](const std::vector<double>& v, double& mean, double& se) {
      double sum = 0;
      for (double x : v) sum += x;
      mean = sum / static_cast<double>(v.size());
      if (v.size() < 2) {
        se = 0;
        return;
      }
      double ss = 0;
      for (double x : v) ss += (x - mean) * (x - mean);
      se = std::sqrt(ss / static_cast<double>(v.size() - 1) / static_cast<double>(v.size()));
    };
    mean_se(g.text, r.text, r.text_se);
    mean_se(g.subject, r.subject, r.subject_se);
    rows.push_back(r);
  }
  return rows;
}

TradeoffAnalysis analyse_tradeoff(std::vector<TradeoffRow> rows) {
  TradeoffAnalysis a;
  a.rows = std::move(rows);
  auto& R = a.rows;
  for (size_t i = 0; i < R.size(); ++i) {
    R[i].pareto = std::none_of(R.begin(), R.end(), [&](const TradeoffRow& o) { return dominates(o, R[i]); });
    R[i].beyond_cfg_ag = false;
    R[i].margin = 0;
    if (R[i].pareto) a.pareto.push_back(i);
  }
  // The CFG/AG front: their settings that no other CFG/AG setting dominates, by text fidelity.
  for (size_t i = 0; i < R.size(); ++i) {
    if (!is_cfg_or_ag(R[i])) continue;
    bool dominated = false;
    for (size_t j = 0; j < R.size(); ++j)
      if (is_cfg_or_ag(R[j]) && dominates(R[j], R[i])) dominated = true;
    if (!dominated) a.cfg_ag_front.push_back(i);
  }
  std::sort(a.cfg_ag_front.begin(), a.cfg_ag_front.end(),
            [&](size_t x, size_t y) { return std::tie(R[x].text, R[y].subject) < std::tie(R[y].text, R[x].subject); });
  // The front's subject fidelity at text fidelity t: the straight line between its neighbouring
  // points; left of the front, its highest subject fidelity; right of it, nothing is reached.
  auto front_subject_at = [&](double t) -> double {
    const auto& F = a.cfg_ag_front;
    if (F.empty()) return -std::numeric_limits<double>::infinity();
    if (t <= R[F.front()].text) return R[F.front()].subject;
    if (t > R[F.back()].text) return -std::numeric_limits<double>::infinity();
    for (size_t k = 0; k + 1 < F.size(); ++k) {
      const TradeoffRow &p = R[F[k]], &q = R[F[k + 1]];
      if (t >= p.text && t <= q.text) {
        if (q.text - p.text < 1e-12) return std::max(p.subject, q.subject);
        return p.subject + (q.subject - p.subject) * (t - p.text) / (q.text - p.text);
      }
    }
    return R[F.back()].subject;
  };
  std::vector<size_t> pg;
  for (size_t i = 0; i < R.size(); ++i) {
    if (R[i].method != "pg") continue;
    pg.push_back(i);
    const bool covered =
        std::any_of(R.begin(), R.end(), [&](const TradeoffRow& o) { return is_cfg_or_ag(o) && covers(o, R[i]); });
    const double front = front_subject_at(R[i].text);
    R[i].margin_is_text = !std::isfinite(front);
    R[i].margin =
        R[i].margin_is_text ? R[i].text - (a.cfg_ag_front.empty() ? 0 : R[a.cfg_ag_front.back()].text) : R[i].subject - front;
    R[i].beyond_cfg_ag = !covered && R[i].subject > front;
    if (R[i].beyond_cfg_ag) a.pg_beyond.push_back(i);
  }
  // Clearest first: the margin in standard errors of the score it is measured in.
  auto z = [&](size_t i) { return R[i].margin / std::max(R[i].margin_is_text ? R[i].text_se : R[i].subject_se, 1e-3); };
  std::sort(a.pg_beyond.begin(), a.pg_beyond.end(), [&](size_t x, size_t y) { return z(x) > z(y); });

  // The verdict, in words.
  std::ostringstream v;
  v << "Pareto-optimal settings (no other setting is at least as good on both scores and better on one): "
    << (a.pareto.empty() ? std::string("none") : join_labels(a, a.pareto)) << ".\n\n";
  const bool has_pg = !pg.empty(), has_reference = !a.cfg_ag_front.empty();
  if (!has_pg || !has_reference) {
    v << "PG is compared with CFG and AG only when the sweep has all three; this one does not.\n";
  } else if (!a.pg_beyond.empty()) {
    const TradeoffRow& best = R[a.pg_beyond.front()];
    const bool one = a.pg_beyond.size() == 1;
    v << "**Does PG reach points that neither CFG nor AG reaches? Yes.** " << a.pg_beyond.size() << " of " << pg.size()
      << " PG settings " << (one ? "lies" : "lie") << " outside what the CFG and AG settings reach (no CFG/AG setting matches "
      << (one ? "it" : "them") << " on both scores, and " << (one ? "it lies" : "they lie")
      << " above the straight lines joining the CFG/AG Pareto front): " << join_labels(a, a.pg_beyond) << ". ";
    if (one)
      v << "It (" << point_text(best) << ") ";
    else
      v << "The clearest, " << best.label() << " (" << point_text(best) << "), ";
    const double se = best.margin_is_text ? best.text_se : best.subject_se;
    if (best.margin_is_text)
      v << "has " << fixed(best.margin, 3) << " more text fidelity than any CFG/AG setting";
    else
      v << "has " << fixed(best.margin, 3) << " more subject fidelity than the CFG/AG front at the same text fidelity";
    v << " (standard error of its mean " << (best.margin_is_text ? "text" : "subject") << " fidelity: " << fixed(se, 3)
      << ", n = " << best.n << ").";
    if (best.margin < 2 * se)
      v << " That margin is under two standard errors, so with this many prompts and seeds it is within the noise.";
    else
      v << " That is more than two standard errors.";
    if (best.n < 8)
      v << " With only " << best.n
        << " images per setting the standard errors are themselves rough: run with more "
           "prompts and seeds before relying on this.";
    else if (pg.size() > 1)
      v << " (" << pg.size()
        << " PG settings were each compared with the same front, so a margin of one or two "
           "standard errors for one of them can still be chance.)";
    v << "\n";
  } else {
    size_t closest = pg.front();
    for (size_t i : pg)
      if (R[i].margin > R[closest].margin) closest = i;
    v << "**Does PG reach points that neither CFG nor AG reaches? No.** Every PG setting is matched on both scores by a "
         "CFG or AG setting, or lies under the straight lines joining their Pareto front. The closest, "
      << R[closest].label() << " (" << point_text(R[closest]) << "), is " << fixed(-R[closest].margin, 3)
      << " short of the front.\n";
  }
  // What the LoRA itself did: the best base row against the best personalized rows.
  const TradeoffRow* base = nullptr;
  const TradeoffRow* personal = nullptr;
  for (const auto& r : R) {
    if (r.method == kBaseModelMethod && (!base || r.subject > base->subject)) base = &r;
    if (r.method == "cfg" && (!personal || r.subject > personal->subject)) personal = &r;
  }
  if (base && personal)
    v << "\nThe LoRA moves subject fidelity from " << fixed(base->subject, 3) << " (" << base->label()
      << ", the base model without the subject) to " << fixed(personal->subject, 3) << " (" << personal->label()
      << "); text fidelity goes from " << fixed(base->text, 3) << " to " << fixed(personal->text, 3) << ".\n";
  a.verdict = v.str();
  return a;
}

std::string tradeoff_table_markdown(const TradeoffAnalysis& analysis) {
  const std::vector<std::string> header = {"method",           "λ", "ω",      "text fidelity",
                                           "subject fidelity", "n", "Pareto", "PG beyond CFG/AG"};
  std::vector<std::vector<std::string>> cells;
  for (const auto& r : analysis.rows) {
    std::string beyond;
    if (r.method == "pg")
      beyond = r.beyond_cfg_ag ? "yes (+" + fixed(r.margin, 3) + (r.margin_is_text ? " text)" : " subject)") : "no";
    cells.push_back({r.method == kBaseModelMethod ? std::string("base (no LoRA)") : r.method, number_text(r.lambda),
                     r.omega.empty() ? "-" : r.omega, fixed(r.text, 3) + " ± " + fixed(r.text_se, 3),
                     fixed(r.subject, 3) + " ± " + fixed(r.subject_se, 3), std::to_string(r.n), r.pareto ? "yes" : "", beyond});
  }
  std::vector<size_t> width(header.size());
  for (size_t c = 0; c < header.size(); ++c) {
    width[c] = std::max<size_t>(3, utf8_length(header[c]));
    for (const auto& row : cells) width[c] = std::max(width[c], utf8_length(row[c]));
  }
  const std::vector<bool> right = {false, true, true, true, true, true, false, false};
  std::ostringstream out;
  auto line = [&](const std::vector<std::string>& row) {
    out << "|";
    for (size_t c = 0; c < row.size(); ++c) out << " " << pad(row[c], width[c], right[c]) << " |";
    out << "\n";
  };
  line(header);
  out << "|";
  for (size_t c = 0; c < header.size(); ++c)
    out << (right[c] ? " " + std::string(width[c] - 1, '-') + ": |" : " " + std::string(width[c], '-') + " |");
  out << "\n";
  for (const auto& row : cells) line(row);
  return out.str();
}

std::string tradeoff_report_markdown(const TradeoffAnalysis& analysis, const std::vector<std::string>& heading_notes) {
  std::ostringstream out;
  out << "# The guidance trade-off on the demo model\n\n";
  for (const auto& n : heading_notes) out << n << "\n";
  if (!heading_notes.empty()) out << "\n";
  out << "Text fidelity (the toy world's CLIP-T) and subject fidelity (its DINO / CLIP-I), each the mean over the "
         "prompts and seeds of a setting ± the standard error of that mean; n distinct images per row. "
         "`base (no LoRA)` is CFG on the base model without the subject: the no-personalization reference.\n\n";
  out << tradeoff_table_markdown(analysis) << "\n";
  out << "![Text fidelity against subject fidelity per setting](tradeoff.png)\n\n";
  out << "## What it shows\n\n" << analysis.verdict;
  return out.str();
}

}  // namespace steer::demo
