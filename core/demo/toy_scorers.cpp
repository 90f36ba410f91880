#include "core/demo/toy_scorers.h"

#include <algorithm>
#include <cmath>

#include "core/demo/demo_subject.h"
#include "core/demo/portable_trig.h"

namespace steer::demo {
namespace {

// ------------------------------------------------------------------ text fidelity

struct Check {
  int checked = 0;
  int correct = 0;
  std::vector<std::string> misses;

  template <typename T>
  void compare(const std::string& what, T asked, T found) {
    ++checked;
    if (asked == found)
      ++correct;
    else
      misses.push_back(what + ": asked " + std::string(toy_name(asked)) + ", found " + std::string(toy_name(found)));
  }
  void add(const Check& other) {
    checked += other.checked;
    correct += other.correct;
    misses.insert(misses.end(), other.misses.begin(), other.misses.end());
  }
};

Check check_object(const ToyObject& asked, const ObjectEstimate* found, size_t number) {
  const std::string label = "object " + std::to_string(number + 1);
  Check c;
  if (!found) {
    c.checked = asked.is_subject() ? 1 : 4;
    c.misses.push_back(label + " (" + std::string(toy_name(asked.shape)) + "): not found");
    return c;
  }
  c.compare(label + " position", asked.position, found->position);
  if (asked.is_subject()) return c;
  c.compare(label + " shape", asked.shape, found->shape);
  c.compare(label + " colour", asked.colour, found->colour_name);
  c.compare(label + " size", asked.size, found->size);
  return c;
}

Check check_background(const ToyBackground& asked, const BackgroundEstimate& found) {
  Check c;
  c.compare("background kind", asked.kind, found.named.kind);
  const bool gradient = asked.kind == ToyBackgroundKind::VerticalGradient ||
                        asked.kind == ToyBackgroundKind::HorizontalGradient;
  c.compare(gradient ? "background first colour" : "background colour", asked.first, found.named.first);
  if (gradient) c.compare("background second colour", asked.second, found.named.second);
  return c;
}

// Pairs prompt objects with distinct found objects (or none), keeping the pairing with
// the most correct attributes; the first such pairing in search order on ties.
void best_pairing(const ToyScene& prompt, const ToySceneAnalysis& analysis, size_t k, std::vector<bool>& used,
                  Check& so_far, Check& best) {
  if (k == prompt.objects.size()) {
    if (best.checked == 0 || so_far.correct > best.correct) best = so_far;
    return;
  }
  auto go = [&](const ObjectEstimate* found) {
    const Check c = check_object(prompt.objects[k], found, k);
    Check next = so_far;
    next.add(c);
    best_pairing(prompt, analysis, k + 1, used, next, best);
  };
  for (size_t j = 0; j < analysis.objects.size(); ++j) {
    if (used[j]) continue;
    used[j] = true;
    go(&analysis.objects[j]);
    used[j] = false;
  }
  go(nullptr);
}

// ------------------------------------------------------------------ subject fidelity

constexpr int kGridPoints = 24;         // per axis, across the disc's bounding square
constexpr double kInnerRadius = 0.92;   // grid points further out fall on the blended rim
constexpr double kColourTolerance = 120;
constexpr double kDotWeight = 0.3;
constexpr double kMinGain = 0.8, kMaxGain = 1.25;
constexpr double kTurnSearchDegrees = 30, kTurnStepDegrees = 5;

struct PatternPoint {
  Point unit;
  Rgb colour;
  bool dot;
};

double luminance(Rgb c) { return 0.299 * c.r + 0.587 * c.g + 0.114 * c.b; }

const std::vector<PatternPoint>& pattern_points() {
  static const std::vector<PatternPoint> points = [] {
    std::vector<PatternPoint> p;
    for (int j = 0; j < kGridPoints; ++j)
      for (int i = 0; i < kGridPoints; ++i) {
        const double u = -1 + 2 * (i + 0.5) / kGridPoints, v = -1 + 2 * (j + 0.5) / kGridPoints;
        if (u * u + v * v > kInnerRadius * kInnerRadius) continue;
        p.push_back({{u, v}, *emblem_colour_at(u, v), emblem_dot_at(u, v)});
      }
    return p;
  }();
  return points;
}

double pattern_score(const ImageRGBA8& image, Point centre_px, double radius_px, double turn_degrees) {
  const std::vector<PatternPoint>& points = pattern_points();
  const SinCos a = portable_sin_cos(degrees_to_radians(turn_degrees));
  std::vector<Rgb> seen;
  seen.reserve(points.size());
  double seen_luminance = 0, expected_luminance = 0;
  for (const PatternPoint& p : points) {
    // The unit frame turned by the candidate angle, back to pixels (UnitFrame's inverse).
    const double x = centre_px.x + radius_px * (p.unit.x * a.cos - p.unit.y * a.sin);
    const double y = centre_px.y + radius_px * (p.unit.x * a.sin + p.unit.y * a.cos);
    seen.push_back(sample_bilinear(image, x, y));
    seen_luminance += luminance(seen.back());
    expected_luminance += luminance(p.colour);
  }
  const double gain = seen_luminance > 0 ? std::clamp(expected_luminance / seen_luminance, kMinGain, kMaxGain) : 1;
  double halves = 0, dots = 0;
  int halves_n = 0, dots_n = 0;
  for (size_t k = 0; k < points.size(); ++k) {
    const double agreement = std::max(0.0, 1 - distance(seen[k] * gain, points[k].colour) / kColourTolerance);
    if (points[k].dot) {
      dots += agreement;
      ++dots_n;
    } else {
      halves += agreement;
      ++halves_n;
    }
  }
  return (1 - kDotWeight) * halves / std::max(1, halves_n) + kDotWeight * dots / std::max(1, dots_n);
}

}  // namespace

TextFidelity text_fidelity(const ToySceneAnalysis& analysis, const ToyScene& prompt) {
  Check objects;
  std::vector<bool> used(analysis.objects.size(), false);
  Check none;
  best_pairing(prompt, analysis, 0, used, none, objects);
  Check all = check_background(prompt.background, analysis.background);
  all.add(objects);
  TextFidelity t;
  t.checked = all.checked;
  t.correct = all.correct;
  t.score = all.checked > 0 ? static_cast<double>(all.correct) / all.checked : 0;
  t.misses = std::move(all.misses);
  return t;
}

TextFidelity text_fidelity(const ImageRGBA8& image, const ToyScene& prompt) {
  return text_fidelity(analyse_toy_image(image), prompt);
}

TextFidelity text_fidelity(const ImageRGBA8& image, std::string_view prompt_caption) {
  return text_fidelity(image, parse_toy_caption(prompt_caption));
}

SubjectFidelity subject_fidelity(const ImageRGBA8& image, const ToySceneAnalysis& analysis) {
  SubjectFidelity best;
  const double side = static_cast<double>(analysis.size);
  for (size_t k = 0; k < analysis.objects.size(); ++k) {
    const ObjectEstimate& o = analysis.objects[k];
    const Point centre = {o.centre.x * side, o.centre.y * side};
    const double radius = std::sqrt(o.area / kPi);
    double pattern = 0;
    for (double turn = -kTurnSearchDegrees; turn <= kTurnSearchDegrees + 1e-9; turn += kTurnStepDegrees)
      pattern = std::max(pattern, pattern_score(image, centre, radius, turn));
    const double roundness = outline_overlap(o, analysis.size, ToyShape::Subject, {centre, radius, 0});
    const double score = pattern * roundness;
    if (best.object < 0 || score > best.score) best = {score, static_cast<int>(k), pattern, roundness};
  }
  return best;
}

SubjectFidelity subject_fidelity(const ImageRGBA8& image) {
  return subject_fidelity(image, analyse_toy_image(image));
}

}  // namespace steer::demo
