#include "ui/widgets/loss_plot.h"

#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>
#include <limits>

namespace steer::ui {

std::vector<double> nice_ticks(double low, double high, int count) {
  if (!std::isfinite(low) || !std::isfinite(high) || !(high > low) || count < 1) return {low};
  const double raw = (high - low) / count;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double factor : {1.0, 2.0, 5.0, 10.0}) {
    step = factor * magnitude;
    if (step >= raw) break;
  }
  // Ticks as first + i·step with a bounded count: accumulating t += step never advances when
  // step is below the ulp of t (a range far narrower than its magnitude).
  const double first = std::ceil(low / step) * step;
  std::vector<double> ticks;
  for (int i = 0; i <= 2 * count + 2; ++i) {
    const double t = first + i * step;
    if (t > high + step * 1e-9) break;
    ticks.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
  }
  if (ticks.empty()) ticks.push_back(low);
  return ticks;
}

namespace {

QString tick_text(double value, double spacing) {
  // As many decimals as the tick spacing needs, never exponent notation for losses.
  const int decimals = spacing >= 1 ? 0 : std::min(6, static_cast<int>(std::ceil(-std::log10(spacing))));
  return QString::number(value, 'f', decimals);
}

}  // namespace

LossPlot::LossPlot(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("lossPlot"));
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  setAttribute(Qt::WA_OpaquePaintEvent);
  updateToolTip();
}

void LossPlot::addPoint(int step, double loss, double smoothed) {
  if (!points_.empty() && step <= points_.back().step) truncateAfter(step - 1);
  points_.push_back({step, loss, smoothed});
  if (std::isfinite(loss) && std::isfinite(smoothed)) {
    if (points_.size() == 1) {
      low_ = std::min(loss, smoothed);
      high_ = std::max(loss, smoothed);
    } else {
      low_ = std::min({low_, loss, smoothed});
      high_ = std::max({high_, loss, smoothed});
    }
  }
  updateToolTip();
  update();
}

void LossPlot::truncateAfter(int step) {
  const auto first_after = std::find_if(points_.begin(), points_.end(), [step](const Point& p) { return p.step > step; });
  if (first_after == points_.end()) return;
  points_.erase(first_after, points_.end());
  updateRange();
  updateToolTip();
  update();
}

void LossPlot::clear() {
  points_.clear();
  updateRange();
  updateToolTip();
  update();
}

void LossPlot::setTotalSteps(int total) {
  if (total == total_steps_) return;
  total_steps_ = total;
  update();
}

void LossPlot::updateRange() {
  low_ = 0;
  high_ = 1;
  bool first = true;
  for (const Point& p : points_) {
    if (!std::isfinite(p.loss) || !std::isfinite(p.smoothed)) continue;
    const double lo = std::min(p.loss, p.smoothed), hi = std::max(p.loss, p.smoothed);
    low_ = first ? lo : std::min(low_, lo);
    high_ = first ? hi : std::max(high_, hi);
    first = false;
  }
}

void LossPlot::updateToolTip() {
  if (points_.empty()) {
    setToolTip(tr("Training loss per step: dots are each step's loss, the line its moving average."));
    return;
  }
  const Point& last = points_.back();
  setToolTip(tr("Step %1: loss %2, smoothed %3\nDots: each step's loss. Line: its moving average.")
                 .arg(last.step)
                 .arg(last.loss, 0, 'g', 4)
                 .arg(last.smoothed, 0, 'g', 4));
}

void LossPlot::paintEvent(QPaintEvent* /*event*/) {
  QPainter p(this);
  const QPalette& pal = palette();
  p.fillRect(rect(), pal.color(QPalette::Base));
  const QFontMetrics fm = fontMetrics();
  if (points_.empty()) {
    // Before the first step there is nothing to scale the axes to: say what will be here
    // rather than draw an axis with made-up ticks.
    p.setPen(pal.color(QPalette::PlaceholderText));
    p.drawText(rect().adjusted(12, 8, -12, -8), Qt::AlignCenter | Qt::TextWordWrap,
               tr("The training loss appears here, step by step, once a run starts."));
    return;
  }

  // The y range with a little room, and its ticks.
  double low = low_, high = high_;
  if (!(high > low)) {
    const double pad = std::max(std::abs(high) * 0.1, 1e-3);
    low -= pad;
    high += pad;
  } else {
    const double pad = (high - low) * 0.06;
    low = std::max(0.0, low - pad);
    high += pad;
  }
  const std::vector<double> y_ticks = nice_ticks(low, high, 4);
  const double y_spacing = y_ticks.size() > 1 ? y_ticks[1] - y_ticks[0] : high - low;
  int label_width = fm.horizontalAdvance(QStringLiteral("0.00"));
  for (double t : y_ticks) label_width = std::max(label_width, fm.horizontalAdvance(tick_text(t, y_spacing)));

  const int last_step = points_.empty() ? 0 : points_.back().step;
  const int x_max = std::max({total_steps_, last_step, 1});
  const QRectF area(label_width + 10, 8, std::max(10, width() - label_width - 18), std::max(10, height() - fm.height() - 16));
  auto x_of = [&](double step) { return area.left() + area.width() * step / x_max; };
  auto y_of = [&](double loss) { return area.bottom() - area.height() * (loss - low) / (high - low); };

  // Axes and labelled ticks.
  QColor grid = pal.color(QPalette::Mid);
  grid.setAlpha(90);
  const QColor text = pal.color(QPalette::PlaceholderText);
  for (double t : y_ticks) {
    const double y = y_of(t);
    if (y < area.top() - 0.5 || y > area.bottom() + 0.5) continue;
    p.setPen(QPen(grid, 1, Qt::DotLine));
    p.drawLine(QPointF(area.left(), y), QPointF(area.right(), y));
    p.setPen(text);
    p.drawText(QRectF(0, y - fm.height() / 2.0, label_width + 4, fm.height()), Qt::AlignRight | Qt::AlignVCenter,
               tick_text(t, y_spacing));
  }
  for (double t : nice_ticks(0, x_max, 5)) {
    const double x = x_of(t);
    p.setPen(QPen(grid, 1, Qt::DotLine));
    p.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()));
    p.setPen(text);
    const QString label = QString::number(static_cast<long long>(std::llround(t)));
    const double w = fm.horizontalAdvance(label);
    p.drawText(QRectF(std::clamp(x - w / 2, 0.0, width() - w), area.bottom() + 4, w + 1, fm.height()), Qt::AlignCenter, label);
  }
  p.setPen(pal.color(QPalette::Mid));
  p.drawLine(area.bottomLeft(), area.bottomRight());
  p.drawLine(area.bottomLeft(), area.topLeft());
  if (points_.empty()) {
    p.setPen(text);
    p.drawText(area, Qt::AlignCenter, tr("The loss appears here as the run trains."));
    return;
  }

  // Per pixel column: the lowest and highest raw loss and the last smoothed value, so the
  // drawing work is bounded by the width, not the number of steps.
  const int columns = std::max(1, static_cast<int>(area.width()));
  struct Column {
    double low = std::numeric_limits<double>::infinity();
    double high = -std::numeric_limits<double>::infinity();
    double smoothed = 0;
    double x = 0;
    bool used = false;
  };
  std::vector<Column> bins(static_cast<size_t>(columns) + 1);
  for (const Point& point : points_) {
    if (!std::isfinite(point.loss) || !std::isfinite(point.smoothed)) continue;
    const double x = x_of(point.step);
    const size_t c = static_cast<size_t>(std::clamp(static_cast<int>(x - area.left()), 0, columns));
    Column& bin = bins[c];
    bin.low = std::min(bin.low, point.loss);
    bin.high = std::max(bin.high, point.loss);
    bin.smoothed = point.smoothed;
    bin.x = x;
    bin.used = true;
  }

  p.setRenderHint(QPainter::Antialiasing);
  p.setClipRect(area.adjusted(-3, -3, 3, 3));
  QColor dot = pal.color(QPalette::Text);
  dot.setAlpha(70);
  p.setPen(Qt::NoPen);
  p.setBrush(dot);
  const double r = points_.size() <= 200 ? 2.2 : 1.4;
  for (const Column& bin : bins) {
    if (!bin.used) continue;
    p.drawEllipse(QPointF(bin.x, y_of(bin.low)), r, r);
    if (bin.high != bin.low) p.drawEllipse(QPointF(bin.x, y_of(bin.high)), r, r);
  }
  QPainterPath smoothed;
  bool started = false;
  for (const Column& bin : bins) {
    if (!bin.used) continue;
    const QPointF point(bin.x, y_of(bin.smoothed));
    if (!started)
      smoothed.moveTo(point);
    else
      smoothed.lineTo(point);
    started = true;
  }
  p.setBrush(Qt::NoBrush);
  p.setPen(QPen(pal.color(QPalette::Highlight), 2));
  p.drawPath(smoothed);
}

}  // namespace steer::ui
