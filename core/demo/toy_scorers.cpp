#include "core/demo/toy_scorers.h"

#include <algorithm>
#include <cmath>
#include <optional>

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
  const bool gradient = asked.kind == ToyBackgroundKind::VerticalGradient || asked.kind == ToyBackgroundKind::HorizontalGradient;
  c.compare(gradient ? "background first colour" : "background colour", asked.first, found.named.first);
  if (gradient) c.compare("background second colour", asked.second, found.named.second);
  return c;
}

// Pairs prompt objects with distinct found objects (or none), keeping the pairing with
// the most correct attributes; the first such pairing in search order on ties.
void best_pairing(const ToyScene& prompt, const ToySceneAnalysis& analysis, size_t k, std::vector<bool>& used, Check& so_far,
                  Check& best) {
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

constexpr int kSubsamples = 4;  // per axis, as the renderer draws
constexpr double kColourTolerance = 120;
constexpr double kDotWeight = 0.3;
constexpr double kMinGain = 0.8, kMaxGain = 1.25;
constexpr double kCoarseTurnDegrees = 30, kCoarseStepDegrees = 5, kFineStepDegrees = 1.25;

double luminance(Rgb c) { return 0.299 * c.r + 0.587 * c.g + 0.114 * c.b; }

// Compares the image, pixel by pixel, with the emblem drawn as the renderer draws it (4 x 4
// sub-samples) at the given placement. Only pixels wholly inside the disc take part, so
// the background never does; each pixel's share of dot weighs it into the dot score.
double pattern_score(const ImageRGBA8& image, const Placement& placement) {
  const UnitFrame frame(placement);
  const int x0 = std::max(0, static_cast<int>(std::floor(placement.centre.x - placement.radius)));
  const int y0 = std::max(0, static_cast<int>(std::floor(placement.centre.y - placement.radius)));
  const int x1 = std::min(image.width, static_cast<int>(std::ceil(placement.centre.x + placement.radius)) + 1);
  const int y1 = std::min(image.height, static_cast<int>(std::ceil(placement.centre.y + placement.radius)) + 1);
  struct Compared {
    Rgb seen, expected;
    double dot_share;
  };
  std::vector<Compared> pixels;
  double seen_luminance = 0, expected_luminance = 0;
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) {
      Rgb expected;
      int dots = 0;
      bool inside = true;
      for (int sy = 0; sy < kSubsamples && inside; ++sy)
        for (int sx = 0; sx < kSubsamples && inside; ++sx) {
          const Point u = frame(x + (sx + 0.5) / kSubsamples, y + (sy + 0.5) / kSubsamples);
          const std::optional<Rgb> c = emblem_colour_at(u.x, u.y);
          if (!c)
            inside = false;
          else {
            expected = expected + *c;
            dots += emblem_dot_at(u.x, u.y);
          }
        }
      if (!inside) continue;
      const uint8_t* p = image.pixel(x, y);
      const Rgb seen = {static_cast<double>(p[0]), static_cast<double>(p[1]), static_cast<double>(p[2])};
      constexpr double n = kSubsamples * kSubsamples;
      pixels.push_back({seen, expected * (1 / n), dots / n});
      seen_luminance += luminance(seen);
      expected_luminance += luminance(pixels.back().expected);
    }
  if (pixels.empty()) return 0;
  // Exposure is not identity: match overall brightness within a photographic range.
  const double gain = seen_luminance > 0 ? std::clamp(expected_luminance / seen_luminance, kMinGain, kMaxGain) : 1;
  double halves = 0, halves_weight = 0, dots = 0, dots_weight = 0;
  for (const Compared& c : pixels) {
    const double agreement = std::max(0.0, 1 - distance(c.seen * gain, c.expected) / kColourTolerance);
    halves += (1 - c.dot_share) * agreement;
    halves_weight += 1 - c.dot_share;
    dots += c.dot_share * agreement;
    dots_weight += c.dot_share;
  }
  const double halves_score = halves_weight > 0 ? halves / halves_weight : 0;
  const double dots_score = dots_weight > 0 ? dots / dots_weight : 0;
  return (1 - kDotWeight) * halves_score + kDotWeight * dots_score;
}

// The best pattern score over turns: every kCoarseStepDegrees, then finer around the best.
double best_pattern_score(const ImageRGBA8& image, Point centre, double radius) {
  double best = -1, best_turn = 0;
  auto try_turn = [&](double turn) {
    const double score = pattern_score(image, {centre, radius, turn});
    if (score > best) {
      best = score;
      best_turn = turn;
    }
  };
  for (double turn = -kCoarseTurnDegrees; turn <= kCoarseTurnDegrees + 1e-9; turn += kCoarseStepDegrees) try_turn(turn);
  const double coarse_best = best_turn;
  for (double d = -kCoarseStepDegrees / 2; d <= kCoarseStepDegrees / 2 + 1e-9; d += kFineStepDegrees)
    if (d != 0) try_turn(coarse_best + d);
  return best;
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
    const double pattern = best_pattern_score(image, centre, radius);
    const double roundness = outline_overlap(o, analysis.size, ToyShape::Subject, {centre, radius, 0});
    const double score = pattern * roundness;
    if (best.object < 0 || score > best.score) best = {score, static_cast<int>(k), pattern, roundness};
  }
  return best;
}

SubjectFidelity subject_fidelity(const ImageRGBA8& image) { return subject_fidelity(image, analyse_toy_image(image)); }

}  // namespace steer::demo
