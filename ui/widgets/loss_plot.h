#pragma once
// The training loss as it arrives: each step's raw loss as a faint dot, the smoothed loss
// (the trainer's bias-corrected moving average) as a line, with a few labelled ticks on
// both axes. Points are appended one per step; a repaint costs O(width) once there are
// more steps than pixel columns (each column draws its lowest and highest raw loss and its
// last smoothed value), so a 10 000-step run repaints as cheaply as a 500-step one.
#include <QWidget>
#include <vector>

namespace steer::ui {

class LossPlot : public QWidget {
  Q_OBJECT
 public:
  struct Point {
    int step = 0;
    double loss = 0;
    double smoothed = 0;
  };

  explicit LossPlot(QWidget* parent = nullptr);

  // Appends a step's losses. A step at or before the last one plotted first drops the
  // points from that step on: a resumed run repeats the steps after its checkpoint.
  void addPoint(int step, double loss, double smoothed);
  // Drops the points after `step` (a run resumed from the checkpoint at `step`).
  void truncateAfter(int step);
  void clear();
  // The x axis runs to at least this step (the run's total), so the plot does not rescale
  // at every step.
  void setTotalSteps(int total);

  int pointCount() const { return static_cast<int>(points_.size()); }
  const std::vector<Point>& points() const { return points_; }

  QSize sizeHint() const override { return {420, 180}; }
  QSize minimumSizeHint() const override { return {200, 110}; }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  void updateRange();
  void updateToolTip();

  std::vector<Point> points_;
  int total_steps_ = 0;
  double low_ = 0, high_ = 1;  // the loss range drawn (raw and smoothed)
};

// "Nice" tick values (1, 2 or 5 times a power of ten apart) covering [low, high], at most
// about `count` of them.
std::vector<double> nice_ticks(double low, double high, int count);

}  // namespace steer::ui
