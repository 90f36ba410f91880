#include "ui/panels/omega_schedule_editor.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include "ui/panels/omega_schedule_plot.h"

namespace steer::ui {

using Kind = steer::OmegaSchedule::Kind;

namespace {

QDoubleSpinBox* unit_spin_box(QWidget* parent, const char* name, double value) {
  auto* box = new QDoubleSpinBox(parent);
  box->setObjectName(QString::fromLatin1(name));
  box->setRange(0.0, 1.0);
  box->setDecimals(3);
  box->setSingleStep(0.05);
  box->setValue(value);
  return box;
}

}  // namespace

OmegaScheduleEditor::OmegaScheduleEditor(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("omegaScheduleEditor"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  form_ = new QFormLayout;
  form_->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(form_);

  kind_ = new QComboBox(this);
  kind_->setObjectName(QStringLiteral("omegaKind"));
  kind_->addItem(tr("Constant"), static_cast<int>(Kind::Constant));
  kind_->addItem(tr("Linear"), static_cast<int>(Kind::Linear));
  kind_->addItem(tr("Cosine"), static_cast<int>(Kind::Cosine));
  kind_->addItem(tr("Step interval"), static_cast<int>(Kind::Interval));
  kind_->setToolTip(
      tr("How ω changes over the sampling steps. 0 = the pre-trained model as the weak term, "
         "1 = plain CFG on the subject model."));
  start_ = unit_spin_box(this, "omegaStart", 1.0);
  end_ = unit_spin_box(this, "omegaEnd", 1.0);
  interval_begin_ = unit_spin_box(this, "omegaIntervalBegin", 0.0);
  interval_end_ = unit_spin_box(this, "omegaIntervalEnd", 1.0);
  interval_begin_->setToolTip(tr("Where the interval starts, as a fraction of the run (0 = first step)"));
  interval_end_->setToolTip(tr("Where the interval ends, as a fraction of the run (1 = last step); outside it ω = 1"));

  form_->addRow(tr("ω schedule"), kind_);
  form_->addRow(tr("ω"), start_);
  form_->addRow(tr("ω at the end"), end_);
  form_->addRow(tr("From (fraction of run)"), interval_begin_);
  form_->addRow(tr("To (fraction of run)"), interval_end_);

  plot_ = new OmegaSchedulePlot(this);
  layout->addWidget(plot_);

  connect(kind_, &QComboBox::currentIndexChanged, this, [this] {
    showRowsForKind();
    refresh();
  });
  for (QDoubleSpinBox* box : {start_, end_, interval_begin_, interval_end_})
    connect(box, &QDoubleSpinBox::valueChanged, this, &OmegaScheduleEditor::refresh);
  showRowsForKind();
  refresh();
}

steer::OmegaSchedule OmegaScheduleEditor::schedule() const {
  steer::OmegaSchedule s;
  s.kind = static_cast<Kind>(kind_->currentData().toInt());
  s.start = start_->value();
  // Constant and interval schedules hold one ω (OmegaSchedule::parse sets end = start).
  s.end = (s.kind == Kind::Linear || s.kind == Kind::Cosine) ? end_->value() : s.start;
  if (s.kind == Kind::Interval) {
    s.interval_begin = interval_begin_->value();
    s.interval_end = interval_end_->value();
  }
  return s;
}

void OmegaScheduleEditor::setSchedule(const steer::OmegaSchedule& schedule) {
  {
    updating_ = true;
    const QSignalBlocker b1(kind_), b2(start_), b3(end_), b4(interval_begin_), b5(interval_end_);
    kind_->setCurrentIndex(kind_->findData(static_cast<int>(schedule.kind)));
    start_->setValue(schedule.start);
    end_->setValue(schedule.end);
    interval_begin_->setValue(schedule.kind == Kind::Interval ? schedule.interval_begin : 0.0);
    interval_end_->setValue(schedule.kind == Kind::Interval ? schedule.interval_end : 1.0);
    updating_ = false;
  }
  showRowsForKind();
  refresh();
}

void OmegaScheduleEditor::setSteps(int steps) {
  if (steps == steps_) return;
  steps_ = steps;
  plot_->setSchedule(schedule(), steps_);
}

void OmegaScheduleEditor::showRowsForKind() {
  const auto kind = static_cast<Kind>(kind_->currentData().toInt());
  const bool ramp = kind == Kind::Linear || kind == Kind::Cosine;
  const bool interval = kind == Kind::Interval;
  if (auto* label = qobject_cast<QLabel*>(form_->labelForField(start_)))
    label->setText(ramp ? tr("ω at the start") : interval ? tr("ω inside") : tr("ω"));
  form_->setRowVisible(end_, ramp);
  form_->setRowVisible(interval_begin_, interval);
  form_->setRowVisible(interval_end_, interval);
}

void OmegaScheduleEditor::refresh() {
  if (updating_) return;
  plot_->setSchedule(schedule(), steps_);
  Q_EMIT scheduleChanged();
}

}  // namespace steer::ui
