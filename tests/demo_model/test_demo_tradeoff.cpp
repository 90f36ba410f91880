// `steer demo`'s torch-free pieces (issue 6): the demo's prompts, scoring, averaging per
// setting, the Pareto and "PG beyond CFG/AG" analysis, the Markdown table, the scatter-plot
// renderer and the trade-off plot. The pipeline itself is tested end to end by
// tests/e2e/test_demo_end_to_end.py.
#include <cmath>
#include <fstream>
#include <sstream>

#include "core/demo/toy_renderer.h"
#include "core/demo_model/demo_prompts.h"
#include "core/demo_model/demo_scores.h"
#include "core/demo_model/tradeoff_plot.h"
#include "core/demo_model/tradeoff_table.h"
#include "core/export/scatter_plot.h"
#include "tests/support/temp_folder.h"
#include "tests/support/test_harness.h"

using namespace steer;
using namespace steer::demo;
using namespace steer::testing;

namespace {

TradeoffRow row(const std::string& method, double lambda, const std::string& omega, double text, double subject) {
  TradeoffRow r;
  r.method = method;
  r.lambda = lambda;
  r.omega = omega;
  r.text = text;
  r.subject = subject;
  r.n = 4;
  return r;
}

const TradeoffRow& find(const TradeoffAnalysis& a, const std::string& label) {
  for (const auto& r : a.rows)
    if (r.label() == label) return r;
  throw std::runtime_error("no row " + label);
}

size_t code_points(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool has_colour_near(const ImageRGBA8& im, int x, int y, int radius, uint8_t r, uint8_t g, uint8_t b) {
  for (int yy = y - radius; yy <= y + radius; ++yy)
    for (int xx = x - radius; xx <= x + radius; ++xx) {
      if (xx < 0 || yy < 0 || xx >= im.width || yy >= im.height) continue;
      const uint8_t* p = im.pixel(xx, yy);
      if (p[0] == r && p[1] == g && p[2] == b) return true;
    }
  return false;
}

}  // namespace

TEST_CASE("demo prompts: distinct, the subject in every scene, deterministic") {
  const auto a = demo_prompts(8, 7), b = demo_prompts(8, 7);
  REQUIRE(a.size() == 8);
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK_EQ(a[i].caption, b[i].caption);
    CHECK(a[i].caption.rfind("a photo of sks emblem", 0) == 0);
    CHECK(!a[i].scene.objects.empty() && a[i].scene.objects[0].is_subject());
    CHECK(a[i].scene.same_description(parse_toy_caption(a[i].caption)));
    for (size_t j = 0; j < i; ++j) CHECK(a[i].caption != a[j].caption);
  }
  CHECK(demo_prompts(8, 8)[0].caption != a[0].caption || demo_prompts(8, 8)[1].caption != a[1].caption);
  CHECK_THROWS_WITH(demo_prompts(0, 7), "1 to 64 prompts");
}

TEST_CASE("scores: a clean render of the prompt's scene scores 1 for text and high for the subject") {
  const auto prompts = demo_prompts(3, 7);
  for (const auto& p : prompts) {
    const FidelityPair s = score_demo_image(render_toy_scene(p.scene, 64), p.scene);
    CHECK_MSG(s.text == 1.0, p.caption << ": text " << s.text);
    CHECK_MSG(s.subject > 0.6, p.caption << ": subject " << s.subject);
  }
}

TEST_CASE("scores files: one row per image, quoted where needed") {
  TempFolder tmp;
  ImageScore s;
  s.file = "sweep/0_pg.png";
  s.method = "pg";
  s.lambda = 5;
  s.omega = "0.5";
  s.seed = 3;
  s.prompt = "a photo of sks emblem, \"quoted\"";
  s.text = 0.75;
  s.subject = 0.123456;
  write_scores_csv(tmp.path() / "scores.csv", {s, s});
  std::ifstream in(tmp.path() / "scores.csv");
  std::string header, line;
  std::getline(in, header);
  CHECK_EQ(header, "file,method,lambda,omega,seed,prompt,text_fidelity,subject_fidelity");
  std::getline(in, line);
  CHECK_EQ(line, "sweep/0_pg.png,pg,5,0.5,3,\"a photo of sks emblem, \"\"quoted\"\"\",0.7500,0.1235");
  write_scores_json(tmp.path() / "scores.json", {s});
  std::ifstream js(tmp.path() / "scores.json");
  std::stringstream text;
  text << js.rdbuf();
  CHECK(text.str().find("\"subject_fidelity\": 0.123456") != std::string::npos);
}

TEST_CASE("averages: one row per setting, repeated images counted once, in method/λ/ω order") {
  std::vector<ImageScore> scores;
  auto add = [&](const std::string& method, double lambda, const std::string& omega, double text, double subject,
                 const std::string& key) {
    ImageScore s;
    s.method = method;
    s.lambda = lambda;
    s.omega = omega;
    s.text = text;
    s.subject = subject;
    s.settings_key = key;
    scores.push_back(s);
  };
  add("pg", 5, "0.5", 0.5, 0.5, "p1");
  add("pg", 5, "0.25", 0.4, 0.6, "p2");
  add("cfg", 5, "", 0.8, 0.2, "c1");
  add("cfg", 5, "", 0.8, 0.2, "c1");  // the same cell along the ω axis
  add("cfg", 5, "", 0.6, 0.4, "c2");
  add("base", 5, "", 0.9, 0.1, "b1");
  add("ag", 3, "", 0.7, 0.3, "a1");
  const auto rows = average_by_setting(scores);
  REQUIRE(rows.size() == 5);
  CHECK_EQ(rows[0].method, "base");
  CHECK_EQ(rows[1].method, "cfg");
  CHECK_EQ(rows[2].method, "ag");
  CHECK_EQ(rows[3].omega, "0.25");
  CHECK_EQ(rows[4].omega, "0.5");
  CHECK_EQ(rows[1].n, 2);
  CHECK(std::abs(rows[1].text - 0.7) < 1e-12 && std::abs(rows[1].subject - 0.3) < 1e-12);
  CHECK(std::abs(rows[1].text_se - 0.1) < 1e-12);  // sd 0.1414 / sqrt(2)
  CHECK_EQ(rows[0].text_se, 0.0);
}

TEST_CASE("analysis: Pareto settings and PG beyond the CFG/AG front, judged against straight lines") {
  // CFG/AG front: ag (0.5, 0.6) - cfg (0.7, 0.5) - cfg (0.9, 0.2); cfg (0.6, 0.3) is dominated.
  auto a = analyse_tradeoff({row("base", 5, "", 0.95, 0.05), row("cfg", 3, "", 0.9, 0.2), row("cfg", 5, "", 0.7, 0.5),
                             row("cfg", 7, "", 0.6, 0.3), row("ag", 5, "", 0.5, 0.6),
                             row("pg", 5, "0", 0.8, 0.5),        // above the line (0.35 there): beyond by 0.15
                             row("pg", 5, "0.25", 0.6, 0.56),    // above the line (0.55): beyond by 0.01
                             row("pg", 5, "0.5", 0.6, 0.54),     // dominated by nothing, but under the line
                             row("pg", 5, "0.75", 0.65, 0.5)});  // matched by cfg λ=5
  CHECK(find(a, "pg λ=5 ω=0").beyond_cfg_ag);
  CHECK(std::abs(find(a, "pg λ=5 ω=0").margin - 0.15) < 1e-9);
  CHECK(find(a, "pg λ=5 ω=0.25").beyond_cfg_ag);
  CHECK(!find(a, "pg λ=5 ω=0.5").beyond_cfg_ag);
  CHECK(!find(a, "pg λ=5 ω=0.75").beyond_cfg_ag);
  REQUIRE(a.pg_beyond.size() == 2);
  CHECK_EQ(a.rows[a.pg_beyond[0]].label(), "pg λ=5 ω=0");  // clearest first (equal standard errors here)
  CHECK_EQ(a.cfg_ag_front.size(), 3u);
  CHECK(find(a, "base λ=5").pareto && find(a, "pg λ=5 ω=0").pareto && find(a, "ag λ=5").pareto);
  CHECK(!find(a, "cfg λ=7").pareto && !find(a, "cfg λ=5").pareto);  // pg λ=5 ω=0 dominates cfg λ=5
  CHECK(a.verdict.find("Yes.") != std::string::npos);
  CHECK(a.verdict.find("pg λ=5 ω=0 (text 0.800, subject 0.500)") != std::string::npos);

  // Nothing beyond: the verdict says no and names the closest.
  auto b = analyse_tradeoff({row("cfg", 5, "", 0.7, 0.5), row("ag", 5, "", 0.5, 0.6), row("pg", 5, "0", 0.6, 0.5)});
  CHECK(b.pg_beyond.empty());
  CHECK(b.verdict.find("No.") != std::string::npos && b.verdict.find("pg λ=5 ω=0") != std::string::npos);
  // More text fidelity than any CFG/AG setting is beyond too.
  auto c = analyse_tradeoff({row("cfg", 5, "", 0.7, 0.5), row("pg", 5, "0", 0.75, 0.1)});
  CHECK(c.rows[1].beyond_cfg_ag && c.rows[1].margin_is_text && std::abs(c.rows[1].margin - 0.05) < 1e-9);
  CHECK(c.verdict.find("0.050 more text fidelity than any CFG/AG setting") != std::string::npos);
}

TEST_CASE("table: aligned Markdown with every row") {
  auto a = analyse_tradeoff({row("base", 5, "", 0.95, 0.05), row("cfg", 5, "", 0.7, 0.5), row("pg", 7.5, "0.25", 0.8, 0.5)});
  const std::string md = tradeoff_table_markdown(a);
  std::istringstream in(md);
  std::string line;
  std::vector<std::string> lines;
  while (std::getline(in, line)) lines.push_back(line);
  REQUIRE(lines.size() == 5);
  for (const auto& l : lines) CHECK_EQ(code_points(l), code_points(lines[0]));
  CHECK(lines[0].find("λ") != std::string::npos && lines[0].find("subject fidelity") != std::string::npos);
  CHECK(lines[2].find("base (no LoRA)") != std::string::npos);
  CHECK(lines[4].find("7.5") != std::string::npos && lines[4].find("yes (+") != std::string::npos);
  const std::string report = tradeoff_report_markdown(a, {"setup line"});
  CHECK(report.find("setup line") != std::string::npos && report.find("tradeoff.png") != std::string::npos &&
        report.find("Pareto-optimal") != std::string::npos);
}

TEST_CASE("ticks: round values covering the range") {
  const auto t = nice_ticks(0.23, 0.71);
  REQUIRE(!t.empty());
  CHECK(t.front() <= 0.23 && t.back() >= 0.71);
  CHECK(t.size() >= 4 && t.size() <= 11);
  CHECK_EQ(tick_label(0.3, 0.1), "0.3");
  CHECK_EQ(tick_label(0.25, 0.05), "0.25");
  CHECK_EQ(tick_label(0.75, 0.25), "0.75");
  CHECK_EQ(tick_label(2, 1), "2");
  const auto z = nice_ticks(0.5, 0.5);
  CHECK(z.front() < 0.5 && z.back() > 0.5);
}

TEST_CASE("scatter plot: points where the axes put them, a legend, refusals") {
  ScatterPlotSpec spec;
  spec.title = "t";
  spec.x_label = "x";
  spec.y_label = "y";
  spec.x_range = PlotRange{0, 1};
  spec.y_range = PlotRange{0, 1};
  PlotSeries s;
  s.name = "red";
  s.colour = Rgba8{200, 10, 10, 255};
  s.points = {{0.5, 0.5, "middle"}, {0.9, 0.1, "corner"}};
  s.connect = true;
  spec.series = {s};
  const ImageRGBA8 im = render_scatter_plot(spec);
  CHECK(im.width == 900 && im.height == 640);
  int count = 0;
  for (int y = 0; y < im.height; ++y)
    for (int x = 0; x < im.width; ++x) count += has_colour_near(im, x, y, 0, 200, 10, 10);
  CHECK(count > 100);  // two markers, a line and the legend's marker
  // Point (0.5, 0.5) lands mid-way between the plot area's frame lines: find the frame.
  int left = -1, right = -1;
  const int mid_y = im.height / 2;
  for (int x = 0; x < im.width; ++x) {
    const uint8_t* p = im.pixel(x, mid_y);
    if (p[0] == 90 && p[1] == 90 && p[2] == 90) {
      if (left < 0) left = x;
      right = x;
    }
  }
  REQUIRE(left > 0 && right > left);
  CHECK(has_colour_near(im, (left + right) / 2, mid_y, 6, 200, 10, 10));
  spec.series[0].points.push_back({NAN, 0, ""});
  CHECK_THROWS_WITH(render_scatter_plot(spec), "not finite");
  spec.series[0].points.pop_back();
  spec.width = 100;
  CHECK_THROWS_WITH(render_scatter_plot(spec), "at least 200 x 150");
}

TEST_CASE("scatter plot: labels never overlap each other, markers or error bars; error bars are drawn") {
  // A crowded plot: 40 labelled points on a small canvas, each with error bars.
  ScatterPlotSpec spec;
  spec.width = 420;
  spec.height = 300;
  spec.title = "crowded";
  spec.x_label = "x";
  spec.y_label = "y";
  for (int k = 0; k < 2; ++k) {
    PlotSeries s;
    s.name = k == 0 ? "first" : "second";
    s.colour = k == 0 ? Rgba8{200, 10, 10, 255} : Rgba8{10, 10, 200, 255};
    for (int i = 0; i < 20; ++i)
      s.points.push_back({0.05 * i + 0.01 * k, 0.5 + 0.02 * ((i * 7 + k) % 5), "λ=" + std::to_string(i), 0.01, 0.02});
    spec.series.push_back(s);
  }
  const ScatterPlotLayout layout = layout_scatter_plot(spec);
  CHECK_EQ(layout.markers.size(), 40u);
  CHECK_EQ(layout.error_bars.size(), 80u);
  CHECK(!layout.labels.empty());
  CHECK_EQ(layout.labels.size() + layout.labels_left_out, 40u);
  for (size_t i = 0; i < layout.labels.size(); ++i) {
    const PlotBox& b = layout.labels[i].box;
    CHECK(b.inside(layout.area));
    for (size_t j = i + 1; j < layout.labels.size(); ++j)
      CHECK_MSG(!b.overlaps(layout.labels[j].box), "labels " << i << " and " << j << " overlap");
    for (const PlotBox& m : layout.markers) CHECK(!b.overlaps(m));
    for (const PlotBox& e : layout.error_bars) CHECK(!b.overlaps(e));
    for (const PlotBox& l : layout.legend) CHECK(!b.overlaps(l));
  }
  // The control: the boxes test finds an overlap where there is one.
  CHECK(layout.markers[0].overlaps(layout.markers[0]));
  // λ is drawn with its own glyph, not '?'.
  CHECK(layout.labels[0].text[0] == BitmapFont::kLambda);
  // Error bars: ink in the axis grey above and below a lone point, beyond its marker.
  ScatterPlotSpec one;
  one.x_range = PlotRange{0, 1};
  one.y_range = PlotRange{0, 1};
  PlotSeries s;
  s.name = "p";
  s.colour = Rgba8{200, 10, 10, 255};
  s.points = {{0.5, 0.5, "", 0, 0.2}};
  one.series = {s};
  const ScatterPlotLayout single = layout_scatter_plot(one);
  REQUIRE(single.error_bars.size() == 1u);
  const PlotBox bar = single.error_bars[0];
  CHECK(bar.y1 - bar.y0 > single.markers[0].y1 - single.markers[0].y0);
  const ImageRGBA8 im = render_scatter_plot(one);
  const int cx = (bar.x0 + bar.x1) / 2;
  const uint8_t* top = im.pixel(cx, bar.y0 + 1);
  CHECK(top[0] == 90 && top[1] == 90 && top[2] == 90);
  one.series[0].points[0].y_error = 0;  // the control: no bar, no ink there
  const ImageRGBA8 plain = render_scatter_plot(one);
  CHECK(!(plain.pixel(cx, bar.y0 + 1)[0] == 90 && plain.pixel(cx, bar.y0 + 1)[1] == 90));
}

TEST_CASE("trade-off plot: λ and ω in words the font draws, error bars from the standard errors") {
  auto a = analyse_tradeoff({row("base", 5, "", 0.95, 0.05), row("cfg", 5, "", 0.7, 0.5), row("cfg", 7, "", 0.65, 0.55),
                             row("pg", 5, "0", 0.8, 0.5), row("pg", 5, "0.5", 0.75, 0.52)});
  for (auto& r : a.rows) r.subject_se = 0.02;
  const ScatterPlotSpec spec = tradeoff_plot_spec(a, "2 prompts x 1 seeds");
  for (const std::string& text : {spec.title, spec.series.back().name}) {
    CHECK_MSG(to_font_text(text).find('?') == std::string::npos, text);  // every character has a glyph
    CHECK_MSG(text.find("ω") != std::string::npos, text);
  }
  CHECK(spec.title.find("λ") != std::string::npos);
  bool bars = true;
  for (const auto& series : spec.series)
    for (const auto& p : series.points) {
      bars = bars && p.y_error == 0.02;
      CHECK_MSG(p.label.rfind("λ=", 0) == 0, p.label);
    }
  CHECK(bars);
  const ScatterPlotLayout layout = layout_scatter_plot(spec);
  CHECK_EQ(layout.error_bars.size(), a.rows.size());
  for (size_t i = 0; i < layout.labels.size(); ++i)
    for (size_t j = i + 1; j < layout.labels.size(); ++j) CHECK(!layout.labels[i].box.overlaps(layout.labels[j].box));
}

TEST_CASE("trade-off plot: one series per method (PG per ω) on a white canvas") {
  auto a = analyse_tradeoff({row("base", 5, "", 0.95, 0.05), row("cfg", 5, "", 0.7, 0.5), row("ag", 5, "", 0.5, 0.6),
                             row("pg", 5, "0", 0.8, 0.5), row("pg", 5, "0.5", 0.75, 0.52)});
  const ImageRGBA8 im = render_tradeoff_plot(a, "2 prompts x 1 seeds");
  REQUIRE(im.width == 900 && im.height == 640);
  bool cfg_blue = false, ag_orange = false;
  for (int y = 0; y < im.height; ++y)
    for (int x = 0; x < im.width; ++x) {
      const uint8_t* p = im.pixel(x, y);
      cfg_blue |= p[0] == 31 && p[1] == 119 && p[2] == 180;
      ag_orange |= p[0] == 255 && p[1] == 127 && p[2] == 14;
    }
  CHECK(cfg_blue && ag_orange);
  const uint8_t* corner = im.pixel(0, 0);
  CHECK(corner[0] == 255 && corner[1] == 255 && corner[2] == 255);
}

STEER_TEST_MAIN()
