#pragma once
// A small plot of PG's ω over the sampling steps (one point per step, the values the
// engine will use: OmegaSchedule::values). Drawn from the palette, so it follows light
// and dark themes.
#include <QWidget>
#include <vector>

#include "core/guidance/omega_schedule.h"

namespace steer::ui {

class OmegaSchedulePlot : public QWidget {
  Q_OBJECT
 public:
  explicit OmegaSchedulePlot(QWidget* parent = nullptr);

  void setSchedule(const steer::OmegaSchedule& schedule, int steps);
  // The plotted ω per step (for tests and tooltips).
  const std::vector<double>& values() const { return values_; }

  QSize sizeHint() const override { return {260, 96}; }
  QSize minimumSizeHint() const override { return {140, 64}; }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  std::vector<double> values_;
};

}  // namespace steer::ui
