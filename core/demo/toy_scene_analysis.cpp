#include "core/demo/toy_scene_analysis.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "core/demo/portable_trig.h"

namespace steer::demo {
namespace {

constexpr double kInlierShare = 0.6;
constexpr int kConcentrationSteps = 4;
// A gradient or stripes must explain the background this much better (RGB units) than a
// solid colour to be chosen: noise alone makes a richer model fit a little better.
constexpr double kComplexityMargin = 2.0;
constexpr int kStripePhases = 8;
// Pixels whose centre is this close (in pixels) to a stripe edge are mixed colours; they
// are left out of the stripe fit and compared with the whole range between the stripes.
constexpr double kStripeEdgePixels = 0.75;
// Two stripe colours closer than this are one solid colour.
constexpr double kSameColourDistance = 30.0;
// Groups under this share of the image are specks, not objects (a small triangle covers
// about 1.4% of a 64 x 64 image).
constexpr double kMinObjectShare = 0.004;
// Outlines are tried at turns of -20..20 degrees every 10, then 5 either side of the best.
constexpr double kTurnSearchDegrees = 20, kCoarseTurnStepDegrees = 10, kFineTurnStepDegrees = 5;
constexpr int kOutlineSubsamples = 2;  // per axis

struct StripeCell {
  uint8_t parity = 0;
  bool edge = false;
};

struct Model {
  ToyBackgroundKind kind = ToyBackgroundKind::Solid;
  Rgb a, b;                       // solid: a; gradients: a + b * t; stripes: a even, b odd
  std::vector<StripeCell> cells;  // stripes only
};

class Pixels {
 public:
  explicit Pixels(const ImageRGBA8& image) : size(image.width) {
    rgb.reserve(static_cast<size_t>(size) * size);
    for (int y = 0; y < size; ++y)
      for (int x = 0; x < size; ++x) {
        const uint8_t* p = image.pixel(x, y);
        rgb.push_back({static_cast<double>(p[0]), static_cast<double>(p[1]), static_cast<double>(p[2])});
      }
  }
  int count() const { return static_cast<int>(rgb.size()); }
  // Where pixel i lies along a gradient of the given kind: 0 at the first edge, 1 at the other.
  double t(int i, ToyBackgroundKind kind) const {
    const int coordinate = kind == ToyBackgroundKind::VerticalGradient ? i / size : i % size;
    return (coordinate + 0.5) / size;
  }

  int size;
  std::vector<Rgb> rgb;
};

std::vector<StripeCell> stripe_cells(int size, double phase) {
  std::vector<StripeCell> cells(static_cast<size_t>(size) * size);
  const double width_px = kStripeWidth * size;
  for (int y = 0; y < size; ++y)
    for (int x = 0; x < size; ++x) {
      const double s = stripe_coordinate(x + 0.5, y + 0.5, size) + phase;
      const double band = std::floor(s), within = s - band;
      StripeCell& c = cells[static_cast<size_t>(y) * size + x];
      c.parity = static_cast<uint8_t>(static_cast<long long>(band) & 1);
      c.edge = std::min(within, 1 - within) * width_px < kStripeEdgePixels;
    }
  return cells;
}

double residual(const Model& m, const Pixels& px, int i) {
  const Rgb& p = px.rgb[static_cast<size_t>(i)];
  switch (m.kind) {
    case ToyBackgroundKind::Solid:
      return distance(p, m.a);
    case ToyBackgroundKind::VerticalGradient:
    case ToyBackgroundKind::HorizontalGradient:
      return distance(p, m.a + m.b * px.t(i, m.kind));
    case ToyBackgroundKind::Striped: {
      const StripeCell& c = m.cells[static_cast<size_t>(i)];
      if (c.edge) return distance_to_segment(p, m.a, m.b);
      return distance(p, c.parity ? m.b : m.a);
    }
  }
  return 0;
}

bool fit_eligible(const Model& m, int i) { return m.kind != ToyBackgroundKind::Striped || !m.cells[static_cast<size_t>(i)].edge; }

// Least-squares parameters of the model on the chosen pixels.
void fit(Model& m, const Pixels& px, const std::vector<int>& chosen) {
  if (chosen.empty()) return;
  switch (m.kind) {
    case ToyBackgroundKind::Solid: {
      Rgb sum;
      for (int i : chosen) sum = sum + px.rgb[static_cast<size_t>(i)];
      m.a = sum * (1.0 / chosen.size());
      return;
    }
    case ToyBackgroundKind::VerticalGradient:
    case ToyBackgroundKind::HorizontalGradient: {
      double n = 0, st = 0, stt = 0;
      Rgb sc, stc;
      for (int i : chosen) {
        const double t = px.t(i, m.kind);
        const Rgb& c = px.rgb[static_cast<size_t>(i)];
        n += 1;
        st += t;
        stt += t * t;
        sc = sc + c;
        stc = stc + c * t;
      }
      const double det = n * stt - st * st;
      if (std::fabs(det) < 1e-12) {
        m.a = sc * (1.0 / n);
        m.b = {};
        return;
      }
      m.b = (stc * n - sc * st) * (1.0 / det);
      m.a = (sc - m.b * st) * (1.0 / n);
      return;
    }
    case ToyBackgroundKind::Striped: {
      Rgb sum[2];
      double n[2] = {0, 0};
      for (int i : chosen) {
        const int parity = m.cells[static_cast<size_t>(i)].parity;
        sum[parity] = sum[parity] + px.rgb[static_cast<size_t>(i)];
        n[parity] += 1;
      }
      if (n[0] > 0) m.a = sum[0] * (1.0 / n[0]);
      if (n[1] > 0) m.b = sum[1] * (1.0 / n[1]);
      if (n[0] == 0) m.a = m.b;
      if (n[1] == 0) m.b = m.a;
      return;
    }
  }
}

double quantile(std::vector<double> values, double share) {
  if (values.empty()) return 0;
  const size_t k = std::min(values.size() - 1, static_cast<size_t>(share * static_cast<double>(values.size())));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
  return values[k];
}

// Least trimmed squares by concentration steps; returns the model's cost: the mean over
// all pixels of the residual clipped at kForegroundThreshold. Clipping keeps objects from
// deciding between models (they cost every model the same), while every background pixel
// counts, so a stripe phase off by one pixel loses to the right one.
double fit_robustly(Model& m, const Pixels& px, int steps = kConcentrationSteps) {
  std::vector<int> eligible;
  for (int i = 0; i < px.count(); ++i)
    if (fit_eligible(m, i)) eligible.push_back(i);
  std::vector<int> chosen = eligible;
  for (int step = 0; step < steps; ++step) {
    fit(m, px, chosen);
    std::vector<double> r;
    r.reserve(eligible.size());
    for (int i : eligible) r.push_back(residual(m, px, i));
    const double cut = quantile(r, kInlierShare);
    chosen.clear();
    for (size_t k = 0; k < eligible.size(); ++k)
      if (r[k] <= cut) chosen.push_back(eligible[k]);
  }
  fit(m, px, chosen);
  double sum = 0;
  for (int i = 0; i < px.count(); ++i) sum += std::min(residual(m, px, i), kForegroundThreshold);
  return sum / px.count();
}

// The named colour whose stripes (it and its grey partner) best match the two fitted
// stripe colours, in either order.
ToyColour name_stripes(Rgb even, Rgb odd) {
  ToyColour best = ToyColour::Red;
  double best_error = 1e18;
  for (int c = 0; c < kToyColourCount; ++c) {
    const auto colour = static_cast<ToyColour>(c);
    const Rgb main = toy_rgb(colour), partner = stripe_partner(colour);
    const double error = std::min(distance(even, main) + distance(odd, partner), distance(odd, main) + distance(even, partner));
    if (error < best_error) {
      best_error = error;
      best = colour;
    }
  }
  return best;
}

BackgroundEstimate estimate_background(const Pixels& px, Model& chosen) {
  Model solid;
  const double solid_cost = fit_robustly(solid, px);

  Model best;
  double best_cost = 1e18;
  auto consider = [&](Model m) {
    const double cost = fit_robustly(m, px);
    if (cost < best_cost) {
      best_cost = cost;
      best = std::move(m);
    }
  };
  consider(Model{ToyBackgroundKind::VerticalGradient, {}, {}, {}});
  consider(Model{ToyBackgroundKind::HorizontalGradient, {}, {}, {}});
  // The stripe phase is chosen on a quick fit (one concentration step), then fitted fully.
  Model stripes;
  double stripes_cost = 1e18;
  for (int k = 0; k < kStripePhases; ++k) {
    Model m{ToyBackgroundKind::Striped, {}, {}, stripe_cells(px.size, static_cast<double>(k) / kStripePhases)};
    const double cost = fit_robustly(m, px, 1);
    if (cost < stripes_cost) {
      stripes_cost = cost;
      stripes = std::move(m);
    }
  }
  consider(std::move(stripes));

  BackgroundEstimate e;
  if (best_cost + kComplexityMargin < solid_cost) {
    chosen = std::move(best);
    e.fit_error = best_cost;
  } else {
    chosen = std::move(solid);
    e.fit_error = solid_cost;
  }
  e.kind = chosen.kind;
  switch (chosen.kind) {
    case ToyBackgroundKind::Solid:
      e.first = e.second = chosen.a;
      e.named = {ToyBackgroundKind::Solid, nearest_toy_colour(chosen.a), nearest_toy_colour(chosen.a)};
      break;
    case ToyBackgroundKind::VerticalGradient:
    case ToyBackgroundKind::HorizontalGradient:
      e.first = chosen.a;
      e.second = chosen.a + chosen.b;
      e.named = {chosen.kind, nearest_toy_colour(e.first), nearest_toy_colour(e.second)};
      // A gradient between two shades of one named colour is, in words, that colour.
      if (e.named.first == e.named.second) e.named.kind = ToyBackgroundKind::Solid;
      break;
    case ToyBackgroundKind::Striped: {
      e.first = chosen.a;
      e.second = chosen.b;
      if (distance(chosen.a, chosen.b) < kSameColourDistance) {
        const ToyColour c = nearest_toy_colour(mix(chosen.a, chosen.b, 0.5));
        e.named = {ToyBackgroundKind::Solid, c, c};
      } else {
        const ToyColour c = name_stripes(chosen.a, chosen.b);
        e.named = {ToyBackgroundKind::Striped, c, c};
      }
      break;
    }
  }
  return e;
}

std::vector<std::vector<int>> connected_groups(const std::vector<uint8_t>& mask, int size) {
  std::vector<int> label(mask.size(), -1);
  std::vector<std::vector<int>> groups;
  std::vector<int> stack;
  for (int start = 0; start < static_cast<int>(mask.size()); ++start) {
    if (!mask[static_cast<size_t>(start)] || label[static_cast<size_t>(start)] >= 0) continue;
    const int id = static_cast<int>(groups.size());
    groups.emplace_back();
    stack.push_back(start);
    label[static_cast<size_t>(start)] = id;
    while (!stack.empty()) {
      const int i = stack.back();
      stack.pop_back();
      groups.back().push_back(i);
      const int x = i % size, y = i / size;
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) {
          const int nx = x + dx, ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= size || ny >= size) continue;
          const int j = ny * size + nx;
          if (mask[static_cast<size_t>(j)] && label[static_cast<size_t>(j)] < 0) {
            label[static_cast<size_t>(j)] = id;
            stack.push_back(j);
          }
        }
    }
  }
  return groups;
}

// Intersection over union of the group's pixels with the shape's outline placed at the
// given centre, radius and turn (outline coverage from 2 x 2 sub-samples per pixel).
double outline_match(const std::vector<uint8_t>& in_group, int area, int size, ToyShape shape, const Placement& placement) {
  const UnitFrame frame(placement);
  const double reach = placement.radius * kShapeExtent + 2;
  const int x0 = std::max(0, static_cast<int>(std::floor(placement.centre.x - reach)));
  const int y0 = std::max(0, static_cast<int>(std::floor(placement.centre.y - reach)));
  const int x1 = std::min(size, static_cast<int>(std::ceil(placement.centre.x + reach)));
  const int y1 = std::min(size, static_cast<int>(std::ceil(placement.centre.y + reach)));
  double intersection = 0, union_ = 0, group_inside = 0;
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) {
      double cover = 0;
      constexpr double n = kOutlineSubsamples;
      for (int sy = 0; sy < kOutlineSubsamples; ++sy)
        for (int sx = 0; sx < kOutlineSubsamples; ++sx) {
          const Point u = frame(x + (sx + 0.5) / n, y + (sy + 0.5) / n);
          if (toy_shape_contains(shape, u.x, u.y)) cover += 1 / (n * n);
        }
      const double in = in_group[static_cast<size_t>(y) * size + x];
      group_inside += in;
      intersection += std::min(in, cover);
      union_ += std::max(in, cover);
    }
  // Group pixels outside the searched window count against the match too.
  union_ += area - group_inside;
  return union_ > 0 ? intersection / union_ : 0;
}

ObjectEstimate measure_group(std::vector<int> pixels, const Pixels& px) {
  const int size = px.size;
  const double side = static_cast<double>(size);
  ObjectEstimate o;
  o.area = static_cast<int>(pixels.size());
  std::vector<uint8_t> in_group(static_cast<size_t>(size) * size, 0);
  double sx = 0, sy = 0;
  for (int i : pixels) {
    in_group[static_cast<size_t>(i)] = 1;
    sx += i % size + 0.5;
    sy += i / size + 0.5;
  }
  const Point centre_px = {sx / o.area, sy / o.area};
  o.centre = {centre_px.x / side, centre_px.y / side};

  // Colour: pixels whose four neighbours are in the group too, so mixed edge pixels do not
  // tint it; a group too thin to have any uses all its pixels.
  Rgb inner, all;
  int inner_count = 0;
  for (int i : pixels) {
    const int x = i % size, y = i / size;
    all = all + px.rgb[static_cast<size_t>(i)];
    const bool interior = x > 0 && y > 0 && x + 1 < size && y + 1 < size && in_group[static_cast<size_t>(i - 1)] &&
                          in_group[static_cast<size_t>(i + 1)] && in_group[static_cast<size_t>(i - size)] &&
                          in_group[static_cast<size_t>(i + size)];
    if (interior) {
      inner = inner + px.rgb[static_cast<size_t>(i)];
      ++inner_count;
    }
  }
  o.colour = inner_count > 0 ? inner * (1.0 / inner_count) : all * (1.0 / o.area);
  o.colour_name = nearest_toy_colour(o.colour);

  o.shape_match = -1;
  for (int s = 0; s < kToyPlainShapeCount; ++s) {
    const auto shape = static_cast<ToyShape>(s);
    const double radius_px = std::sqrt(o.area / toy_shape_unit_area(shape));
    const bool round = shape == ToyShape::Circle || shape == ToyShape::Ring;  // turning changes nothing
    double best = -1, best_turn = 0;
    auto try_turn = [&](double turn) {
      const double match = outline_match(in_group, o.area, size, shape, {centre_px, radius_px, turn});
      if (match > best) {
        best = match;
        best_turn = turn;
      }
    };
    if (round) {
      try_turn(0);
    } else {
      for (double turn = -kTurnSearchDegrees; turn <= kTurnSearchDegrees + 1e-9; turn += kCoarseTurnStepDegrees) try_turn(turn);
      const double coarse = best_turn;
      try_turn(coarse - kFineTurnStepDegrees);
      try_turn(coarse + kFineTurnStepDegrees);
    }
    if (best > o.shape_match) {
      o.shape_match = best;
      o.shape = shape;
      o.radius = radius_px / side;
    }
  }
  o.size = o.radius < std::sqrt(kSmallRadius * kLargeRadius) ? ToySize::Small : ToySize::Large;
  o.position = nearest_toy_position(o.centre);
  o.pixels = std::move(pixels);
  return o;
}

}  // namespace

double outline_overlap(const ObjectEstimate& object, int image_size, ToyShape shape, const Placement& placement) {
  std::vector<uint8_t> in_group(static_cast<size_t>(image_size) * image_size, 0);
  for (int i : object.pixels) in_group[static_cast<size_t>(i)] = 1;
  return outline_match(in_group, object.area, image_size, shape, placement);
}

Rgb sample_bilinear(const ImageRGBA8& image, double x, double y) {
  const double fx = std::clamp(x - 0.5, 0.0, static_cast<double>(image.width - 1));
  const double fy = std::clamp(y - 0.5, 0.0, static_cast<double>(image.height - 1));
  const int x0 = static_cast<int>(fx), y0 = static_cast<int>(fy);
  const int x1 = std::min(x0 + 1, image.width - 1), y1 = std::min(y0 + 1, image.height - 1);
  const double ax = fx - x0, ay = fy - y0;
  auto at = [&](int px, int py) {
    const uint8_t* p = image.pixel(px, py);
    return Rgb{static_cast<double>(p[0]), static_cast<double>(p[1]), static_cast<double>(p[2])};
  };
  return mix(mix(at(x0, y0), at(x1, y0), ax), mix(at(x0, y1), at(x1, y1), ax), ay);
}

ToySceneAnalysis analyse_toy_image(const ImageRGBA8& image) {
  if (image.empty() || image.width != image.height)
    throw std::invalid_argument("toy scene analysis: expected a square image, got " + std::to_string(image.width) + " x " +
                                std::to_string(image.height));
  const Pixels px(image);
  ToySceneAnalysis analysis;
  analysis.size = px.size;
  Model model;
  analysis.background = estimate_background(px, model);

  analysis.residual.resize(static_cast<size_t>(px.count()));
  std::vector<uint8_t> foreground(static_cast<size_t>(px.count()), 0);
  for (int i = 0; i < px.count(); ++i) {
    const double r = residual(model, px, i);
    analysis.residual[static_cast<size_t>(i)] = static_cast<float>(r);
    foreground[static_cast<size_t>(i)] = r > kForegroundThreshold;
  }

  std::vector<std::vector<int>> groups = connected_groups(foreground, px.size);
  std::stable_sort(groups.begin(), groups.end(),
                   [](const std::vector<int>& a, const std::vector<int>& b) { return a.size() > b.size(); });
  const size_t min_area = std::max<size_t>(4, static_cast<size_t>(kMinObjectShare * px.count()));
  for (auto& g : groups) {
    if (g.size() < min_area || analysis.objects.size() >= kMaxAnalysedObjects) break;
    analysis.objects.push_back(measure_group(std::move(g), px));
  }
  return analysis;
}

}  // namespace steer::demo
