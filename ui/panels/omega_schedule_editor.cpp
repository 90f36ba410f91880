#include "ui/panels/omega_schedule_editor.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include "ui/guidance_words.h"
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

QLabel* note_label(QWidget* parent, const char* name) {
  auto* label = new QLabel(parent);
  label->setObjectName(QString::fromLatin1(name));
  label->setForegroundRole(QPalette::PlaceholderText);
  // Room for the note from the start: the row does not shift when it appears.
  label->setMinimumWidth(label->fontMetrics().horizontalAdvance(omega_is_cfg_note()) + 4);
  return label;
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
  kind_->setToolTip(tr("How ω changes over the sampling steps: one value, a ramp from start to end, or a "
                       "value inside part of the run (ω = 1, i.e. CFG, outside it).") +
                    omega_tooltip());
  start_ = unit_spin_box(this, "omegaStart", 0.5);
  end_ = unit_spin_box(this, "omegaEnd", 0.5);
  start_->setToolTip(omega_tooltip());
  end_->setToolTip(omega_tooltip());
  start_note_ = note_label(this, "omegaStartNote");
  end_note_ = note_label(this, "omegaEndNote");
  start_row_ = new QHBoxLayout;
  start_row_->addWidget(start_, 1);
  start_row_->addWidget(start_note_);
  end_row_ = new QHBoxLayout;
  end_row_->addWidget(end_, 1);
  end_row_->addWidget(end_note_);
  interval_begin_ = unit_spin_box(this, "omegaIntervalBegin", 0.0);
  interval_end_ = unit_spin_box(this, "omegaIntervalEnd", 1.0);
  interval_begin_->setToolTip(tr("Where the interval starts, as a fraction of the run (0 = first step)"));
  interval_end_->setToolTip(tr("Where the interval ends, as a fraction of the run (1 = last step); outside it ω = 1"));

  form_->addRow(tr("ω schedule"), kind_);
  form_->addRow(tr("ω"), start_row_);
  form_->addRow(tr("ω at the end"), end_row_);
  // The scale's two ends in words: which way is more subject.
  auto* ends = new QLabel(tr("0 = most subject · 1 = CFG (no extra subject)"), this);
  ends->setObjectName(QStringLiteral("omegaEndsLabel"));
  ends->setForegroundRole(QPalette::PlaceholderText);
  ends->setToolTip(omega_tooltip());
  form_->addRow(QString(), ends);
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
  if (auto* label = qobject_cast<QLabel*>(form_->labelForField(start_row_)))
    label->setText(ramp ? tr("ω at the start") : interval ? tr("ω inside") : tr("ω"));
  form_->setRowVisible(end_row_, ramp);
  form_->setRowVisible(interval_begin_, interval);
  form_->setRowVisible(interval_end_, interval);
}

void OmegaScheduleEditor::refreshNotes() {
  start_note_->setText(start_->value() == 1.0 ? omega_is_cfg_note() : QString());
  end_note_->setText(end_->value() == 1.0 ? omega_is_cfg_note() : QString());
}

void OmegaScheduleEditor::refresh() {
  refreshNotes();
  if (updating_) return;
  plot_->setSchedule(schedule(), steps_);
  Q_EMIT scheduleChanged();
}

}  // namespace steer::ui
