#pragma once
// Edits PG's ω schedule (docs/guidance.md, "ω schedules": constant, linear from/to, cosine, a step interval)
// and plots ω over the steps the request will run.
#include <QWidget>

#include "core/guidance/omega_schedule.h"

class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QHBoxLayout;
class QLabel;

namespace steer::ui {

class OmegaSchedulePlot;

class OmegaScheduleEditor : public QWidget {
  Q_OBJECT
 public:
  explicit OmegaScheduleEditor(QWidget* parent = nullptr);

  steer::OmegaSchedule schedule() const;
  void setSchedule(const steer::OmegaSchedule& schedule);
  // The number of sampling steps the plot shows.
  void setSteps(int steps);

  OmegaSchedulePlot* plot() const { return plot_; }

 Q_SIGNALS:
  void scheduleChanged();

 private:
  void showRowsForKind();
  void refresh();
  void refreshNotes();

  QFormLayout* form_ = nullptr;
  QComboBox* kind_ = nullptr;
  QDoubleSpinBox* start_ = nullptr;  // ω (constant, interval) or ω at the first step
  QDoubleSpinBox* end_ = nullptr;    // ω at the last step (linear, cosine)
  // "= CFG" beside a spin box that holds 1 (docs/guidance.md: PG at ω = 1 is CFG).
  QLabel* start_note_ = nullptr;
  QLabel* end_note_ = nullptr;
  QHBoxLayout* start_row_ = nullptr;
  QHBoxLayout* end_row_ = nullptr;
  QDoubleSpinBox* interval_begin_ = nullptr;
  QDoubleSpinBox* interval_end_ = nullptr;
  OmegaSchedulePlot* plot_ = nullptr;
  int steps_ = 30;
  bool updating_ = false;
};

}  // namespace steer::ui
