#include "ui/panels/omega_schedule_plot.h"

#include <QPainter>
#include <QPainterPath>
#include <algorithm>

namespace steer::ui {

OmegaSchedulePlot::OmegaSchedulePlot(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("omegaSchedulePlot"));
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
  setFixedHeight(sizeHint().height());
}

void OmegaSchedulePlot::setSchedule(const steer::OmegaSchedule& schedule, int steps) {
  values_ = schedule.values(std::max(steps, 1));
  QString tip = tr("ω over %n step(s): %1. Lower ω = more subject; 1 = CFG.", nullptr, static_cast<int>(values_.size()))
                    .arg(QString::fromStdString(schedule.to_string()));
  setToolTip(tip);
  update();
}

void OmegaSchedulePlot::paintEvent(QPaintEvent* /*event*/) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  const QPalette& pal = palette();
  p.fillRect(rect(), pal.color(QPalette::Base));

  const QFontMetrics fm = fontMetrics();
  const int left = fm.horizontalAdvance(QStringLiteral("0.5")) + 8;
  const int bottom = fm.height() + 4;
  const QRectF area(left, 6, std::max(10, width() - left - 8), std::max(10, height() - bottom - 6));
  auto y_of = [&](double omega) { return area.bottom() - omega * area.height(); };
  const int n = static_cast<int>(values_.size());
  auto x_of = [&](int i) { return n <= 1 ? area.center().x() : area.left() + area.width() * i / (n - 1); };

  // Grid at ω = 0, 0.5, 1 with labels; step range below.
  QColor grid = pal.color(QPalette::Mid);
  grid.setAlpha(110);
  p.setFont(font());
  for (double level : {0.0, 0.5, 1.0}) {
    p.setPen(QPen(grid, 1, level == 0.5 ? Qt::DashLine : Qt::SolidLine));
    p.drawLine(QPointF(area.left(), y_of(level)), QPointF(area.right(), y_of(level)));
    p.setPen(pal.color(QPalette::PlaceholderText));
    const QString label = level == 0.5 ? QStringLiteral("0.5") : QString::number(static_cast<int>(level));
    p.drawText(QRectF(0, y_of(level) - fm.height() / 2.0, left - 4, fm.height()), Qt::AlignRight | Qt::AlignVCenter, label);
  }
  // The two ends in words (docs/guidance.md): ω = 1 is CFG, lower ω adds more subject.
  p.setPen(pal.color(QPalette::PlaceholderText));
  p.drawText(QRectF(area.left(), y_of(1.0) + 1, area.width() - 2, fm.height()), Qt::AlignRight | Qt::AlignTop, tr("1 = CFG"));
  p.drawText(QRectF(area.left(), y_of(0.0) - fm.height() - 1, area.width() - 2, fm.height()), Qt::AlignRight | Qt::AlignBottom,
             tr("0 = most subject"));
  const QRectF axis(area.left(), area.bottom() + 2, area.width(), fm.height());
  p.drawText(axis, Qt::AlignLeft | Qt::AlignTop, tr("step 1"));
  if (n > 1) p.drawText(axis, Qt::AlignRight | Qt::AlignTop, tr("step %1").arg(n));
  p.drawText(axis, Qt::AlignHCenter | Qt::AlignTop, QStringLiteral("ω"));
  if (values_.empty()) return;

  const QColor line = pal.color(QPalette::Highlight);
  QPainterPath path;
  for (int i = 0; i < n; ++i) {
    const QPointF point(x_of(i), y_of(values_[static_cast<size_t>(i)]));
    if (i == 0)
      path.moveTo(point);
    else
      path.lineTo(point);
  }
  p.setPen(QPen(line, 2));
  p.drawPath(path);
  // One dot per step while they stay distinguishable: ω is a per-step value, not a curve.
  if (n <= 80) {
    p.setPen(Qt::NoPen);
    p.setBrush(line);
    const double r = n <= 30 ? 2.5 : 1.6;
    for (int i = 0; i < n; ++i) p.drawEllipse(QPointF(x_of(i), y_of(values_[static_cast<size_t>(i)])), r, r);
  }
}

}  // namespace steer::ui
