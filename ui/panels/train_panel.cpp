#include "ui/panels/train_panel.h"

#include <QDir>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QVBoxLayout>
#include <cmath>
#include <exception>
#include <system_error>

#include "core/common/error.h"
#include "ui/engine/engine_thread.h"
#include "ui/panels/image_conversion.h"
#include "ui/panels/training_settings_form.h"
#include "ui/path_text.h"
#include "ui/widgets/column_scroll_area.h"
#include "ui/widgets/dataset_grid.h"
#include "ui/widgets/loss_plot.h"
#include "ui/widgets/training_sample_strip.h"

namespace steer::ui {

namespace {

// "45 s", "3 min 05 s", "1 h 02 min".
QString duration_text(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return QStringLiteral("?");
  const long long s = std::llround(seconds);
  if (s < 60) return QObject::tr("%1 s").arg(s);
  if (s < 3600) return QObject::tr("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
  return QObject::tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
}

QPushButton* button(QWidget* parent, const char* name, const QString& text, const QString& tip) {
  auto* b = new QPushButton(text, parent);
  b->setObjectName(QString::fromLatin1(name));
  b->setToolTip(tip);
  return b;
}

}  // namespace

TrainPanel::TrainPanel(EngineBridge& engine, QWidget* parent) : QWidget(parent), engine_(engine), engine_alive_(&engine) {
  setObjectName(QStringLiteral("trainPanel"));
  auto* splitter = new QSplitter(Qt::Horizontal, this);
  splitter->setObjectName(QStringLiteral("trainSplitter"));
  splitter->setChildrenCollapsible(false);
  splitter->addWidget(createSettingsColumn());
  splitter->addWidget(createRunColumn());
  splitter->setStretchFactor(0, 0);
  splitter->setStretchFactor(1, 1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(splitter);

  connect(form_, &TrainingSettingsForm::edited, this, [this] {
    updateDatasetOptions();
    updateButtons();
    Q_EMIT settingsEdited();
  });
  connect(dataset_, &DatasetGrid::folderChanged, this, [this] {
    updateButtons();
    Q_EMIT settingsEdited();
  });
  connectEngine();
  if (engine_.hasModel()) setLoadedModel(engine_.modelFolder());
  updateDatasetOptions();
  updateButtons();
}

TrainPanel::~TrainPanel() {
  if (job_ != 0 && engine_alive_) engine_alive_->cancel(job_);
}

QWidget* TrainPanel::createSettingsColumn() {
  auto* left = new QWidget;
  auto* column = new QVBoxLayout(left);
  column->setContentsMargins(0, 0, 0, 0);
  auto* scroll = new ColumnScrollArea(left);
  scroll->setObjectName(QStringLiteral("trainSettingsScroll"));
  form_ = new TrainingSettingsForm;
  scroll->setColumn(form_);
  column->addWidget(scroll, 1);

  auto* submit = new QWidget(left);
  auto* submit_column = new QVBoxLayout(submit);
  submit_column->setContentsMargins(9, 0, 9, 9);
  validation_ = new QLabel(submit);
  validation_->setObjectName(QStringLiteral("trainValidationMessage"));
  validation_->setWordWrap(true);
  validation_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  validation_->hide();
  submit_column->addWidget(validation_);
  resume_note_ = new QLabel(submit);
  resume_note_->setObjectName(QStringLiteral("resumeNote"));
  resume_note_->setWordWrap(true);
  resume_note_->setForegroundRole(QPalette::PlaceholderText);
  resume_note_->hide();
  submit_column->addWidget(resume_note_);
  start_ = button(submit, "startButton", tr("Start"),
                  tr("Start training (an output folder with checkpoints "
                     "continues from the newest one)"));
  start_->setDefault(true);
  pause_ = button(submit, "pauseButton", tr("Pause"), tr("Wait after the current step; the run keeps its memory"));
  resume_ =
      button(submit, "resumeButton", tr("Resume"), tr("Continue the paused run, or a cancelled run from its newest checkpoint"));
  cancel_ = button(submit, "cancelTrainingButton", tr("Cancel"),
                   tr("Stop after the current step and write a checkpoint; Resume continues it"));
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(start_, 2);
  buttons->addWidget(pause_, 1);
  buttons->addWidget(resume_, 1);
  buttons->addWidget(cancel_, 1);
  submit_column->addLayout(buttons);
  column->addWidget(submit);
  connect(start_, &QPushButton::clicked, this, [this] { start(); });
  connect(pause_, &QPushButton::clicked, this, &TrainPanel::pause);
  connect(resume_, &QPushButton::clicked, this, &TrainPanel::resume);
  connect(cancel_, &QPushButton::clicked, this, &TrainPanel::cancel);
  return left;
}

QWidget* TrainPanel::createRunColumn() {
  // Photos above, the run below; the designer moves the border between them.
  auto* right = new QSplitter(Qt::Vertical);
  right->setObjectName(QStringLiteral("trainRunSplitter"));
  right->setChildrenCollapsible(false);

  auto* photos = new QGroupBox(tr("Subject photos"), right);
  auto* photos_layout = new QVBoxLayout(photos);
  dataset_ = new DatasetGrid(photos);
  photos_layout->addWidget(dataset_);
  right->addWidget(photos);

  auto* run = new QGroupBox(tr("Run"), right);
  auto* run_layout = new QVBoxLayout(run);
  progress_ = new QProgressBar(run);
  progress_->setObjectName(QStringLiteral("trainingProgress"));
  progress_->setRange(0, 1);
  progress_->setValue(0);
  progress_->setFormat(tr("step %v/%m"));
  // No "step 0/1" before a run: the bar appears with the run's real step count.
  progress_->hide();
  run_layout->addWidget(progress_);
  status_ = new QLabel(tr("Not started."), run);
  status_->setObjectName(QStringLiteral("trainingStatus"));
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  status_->setWordWrap(true);
  run_layout->addWidget(status_);
  loss_plot_ = new LossPlot(run);
  run_layout->addWidget(loss_plot_, 1);
  run_layout->addWidget(new QLabel(tr("Samples"), run));
  samples_ = new TrainingSampleStrip(run);
  run_layout->addWidget(samples_);

  auto* result_row = new QHBoxLayout;
  result_label_ = new QLabel(run);
  result_label_->setObjectName(QStringLiteral("resultPath"));
  result_label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  result_label_->setWordWrap(true);
  compare_ = button(run, "compareButton", tr("Compare on the Board"),
                    tr("Attach the result as the subject and open a CFG vs PG board for it"));
  compare_->setEnabled(false);
  result_row->addWidget(result_label_, 1);
  result_row->addWidget(compare_);
  run_layout->addLayout(result_row);
  connect(compare_, &QPushButton::clicked, this, &TrainPanel::requestCompare);
  // The run's parts scroll inside their group when the window is short (1024x640 holds:
  // tests/ui/test_first_hour.cpp), rather than forcing the window taller.
  auto* run_scroll = new QScrollArea(right);
  run_scroll->setObjectName(QStringLiteral("trainRunScroll"));
  run_scroll->setWidgetResizable(true);
  run_scroll->setFrameShape(QFrame::NoFrame);
  run_scroll->setWidget(run);
  run_scroll->setMinimumHeight(160);
  right->addWidget(run_scroll);
  right->setStretchFactor(0, 2);
  right->setStretchFactor(1, 3);
  return right;
}

void TrainPanel::connectEngine() {
  connect(&engine_, &EngineBridge::trainingEvent, this, &TrainPanel::onTrainingEvent);
  connect(&engine_, &EngineBridge::jobStarted, this, [this](quint64 job) {
    if (job == job_) status_->setText(tr("Loading the base model and preparing the photos\u2026"));
  });
  connect(&engine_, &EngineBridge::jobFinished, this, [this](quint64 job) { jobEnded(job, tr("finished"), {}); });
  connect(&engine_, &EngineBridge::jobCancelled, this, [this](quint64 job) { jobEnded(job, tr("cancelled"), {}); });
  connect(&engine_, &EngineBridge::jobFailed, this,
          [this](quint64 job, const QString& message) { jobEnded(job, tr("failed"), message); });
  connect(&engine_, &EngineBridge::modelLoaded, this, [this](const steer::ModelSummary& summary) {
    dataset_->setNativeSide(summary.native_resolution);
    if (job_ == 0)
      form_->fitToModel(to_qstring(summary.folder), summary.native_resolution);
    else
      setLoadedModel(to_qstring(summary.folder));
  });
}

steer::TrainingSettings TrainPanel::settings() const {
  steer::TrainingSettings s = form_->settings();
  s.dataset = to_path(dataset_->folder());
  return s;
}

void TrainPanel::setSettings(const steer::TrainingSettings& settings) {
  form_->setSettings(settings);
  dataset_->setFolder(to_qstring(settings.dataset));
  updateDatasetOptions();
  updateButtons();
}

void TrainPanel::setLoadedModel(const QString& folder) { form_->setLoadedModel(folder); }

void TrainPanel::setFileChooser(FileChooser chooser) {
  form_->setFileChooser(chooser);
  dataset_->setFileChooser(std::move(chooser));
}

void TrainPanel::updateDatasetOptions() {
  const steer::TrainingSettings s = form_->settings();
  steer::SubjectDatasetOptions options;
  options.resolution = s.resolution;
  options.instance_prompt = s.instance_prompt;
  options.center_crop = s.center_crop;
  options.buckets = s.buckets;
  for (int i = 0; i < 3; ++i) options.background[i] = s.background[i];
  options.minimum_images = s.minimum_images;
  options.seed = s.seed;
  dataset_->setOptions(options);
}

bool TrainPanel::hasResumableCheckpoint() const {
  const steer::TrainingSettings s = settings();
  if (s.output.empty()) return false;
  try {
    std::error_code ec;
    // A finished run's folder holds its result; only an interrupted one is resumed.
    return steer::latest_checkpoint(s.output).has_value() && !std::filesystem::exists(s.result_path(), ec);
  } catch (const std::exception&) {
    return false;
  }
}

bool TrainPanel::start() {
  if (job_ != 0) return false;
  const steer::TrainingSettings s = settings();
  try {
    if (const QString error = form_->inputError(); !error.isEmpty()) throw steer::InputError(error.toStdString());
    if (s.dataset.empty())
      throw steer::InputError(tr("choose the folder of subject photos, or drop photos onto the grid").toStdString());
    if (s.output.empty()) throw steer::InputError(tr("choose an output folder for the run").toStdString());
    if (s.base_model.empty()) throw steer::InputError(tr("choose the base model folder").toStdString());
    s.validate();
  } catch (const std::exception& e) {
    showValidationError(tr("Not started: %1").arg(QString::fromStdString(e.what())));
    return false;
  }
  clearValidationError();

  // A new run folder starts a new plot; the same folder continues it (a resumed run
  // replaces the steps after its checkpoint as they arrive).
  const QString run = QDir::cleanPath(to_qstring(s.output));
  if (run != plotted_run_) {
    loss_plot_->clear();
    samples_->clearSamples();
    plotted_run_ = run;
  }
  loss_plot_->setTotalSteps(s.max_steps);
  progress_->setRange(0, s.max_steps);
  progress_->show();
  submitted_ = s;
  result_.clear();
  result_label_->clear();
  last_step_ = loss_plot_->pointCount() > 0 ? loss_plot_->points().back().step : 0;
  paused_ = false;
  cancelling_ = false;
  status_->setText(tr("Waiting for the engine\u2026"));
  job_ = engine_.train(s);
  last_job_ = job_;
  addLogLine(tr("job %1 submitted: %2, %3 steps at %4 px into %5")
                 .arg(job_)
                 .arg(s.method == steer::TrainingMethod::Lora ? tr("LoRA rank %1").arg(s.rank) : tr("DreamBooth"))
                 .arg(s.max_steps)
                 .arg(s.resolution)
                 .arg(QDir::toNativeSeparators(run)));
  updateButtons();
  Q_EMIT trainingChanged(true);
  return true;
}

void TrainPanel::pause() {
  if (job_ == 0 || paused_) return;
  engine_.setPaused(job_, true);
  paused_ = true;
  status_->setText(status_->text() + tr(" · pausing after this step"));
  updateButtons();
}

void TrainPanel::resume() {
  if (job_ != 0) {
    if (!paused_) return;
    engine_.setPaused(job_, false);
    paused_ = false;
    status_->setText(tr("Resuming after step %1\u2026").arg(last_step_));
    updateButtons();
    return;
  }
  // An interrupted run: the same settings on the same folder continue its newest checkpoint.
  start();
}

void TrainPanel::cancel() {
  if (job_ == 0) return;
  engine_.cancel(job_);
  paused_ = false;
  cancelling_ = true;
  status_->setText(tr("Cancelling after step %1: writing a checkpoint\u2026").arg(last_step_));
  updateButtons();
}

void TrainPanel::onTrainingEvent(quint64 job, const steer::TrainingEvent& event) {
  if (job != job_) return;
  using Kind = steer::TrainingEvent::Kind;
  switch (event.kind) {
    case Kind::Preparing: {
      QString text = tr("Preparing: %1").arg(QString::fromStdString(event.text));
      if (event.total > 0) text += QStringLiteral(" (%1/%2)").arg(event.done).arg(event.total);
      status_->setText(text);
      break;
    }
    case Kind::Warning:
      Q_EMIT warning(tr("Training: %1").arg(QString::fromStdString(event.text)));
      break;
    case Kind::Step:
      showStep(event);
      break;
    case Kind::CheckpointWritten:
      addLogLine(tr("Checkpoint at step %1: %2").arg(event.step).arg(QDir::toNativeSeparators(to_qstring(event.path))));
      break;
    case Kind::Sample:
      samples_->add({to_qimage(event.image), event.step, QString::fromStdString(event.sample_prompt), event.sample_seed,
                     to_qstring(event.path)});
      break;
    case Kind::Paused:
      status_->setText(
          tr("Paused after step %1/%2. Resume continues; Cancel writes a checkpoint.").arg(event.step).arg(event.total_steps));
      break;
    case Kind::Resumed:
      // Also sent when a run continues a checkpoint: the steps after it are trained again.
      loss_plot_->truncateAfter(event.step);
      samples_->removeAfter(event.step);
      last_step_ = event.step;
      if (event.total_steps > 0) progress_->setRange(0, event.total_steps);
      progress_->setValue(event.step);
      addLogLine(QString::fromStdString(event.text.empty() ? "resumed" : event.text));
      break;
    case Kind::Finished:
      result_ = to_qstring(event.path);
      result_is_lora_ = submitted_.method == steer::TrainingMethod::Lora;
      addLogLine(tr("Finished: %1").arg(QString::fromStdString(event.text)));
      break;
    case Kind::Cancelled:
      addLogLine(event.path.empty() ? tr("Cancelled after step %1.").arg(event.step)
                                    : tr("Cancelled after step %1; checkpoint %2").arg(event.step).arg(to_qstring(event.path)));
      break;
  }
}

void TrainPanel::showStep(const steer::TrainingEvent& e) {
  last_step_ = e.step;
  loss_plot_->setTotalSteps(e.total_steps);
  loss_plot_->addPoint(e.step, e.loss, e.smoothed_loss);
  progress_->setRange(0, e.total_steps);
  progress_->setValue(e.step);
  QStringList parts{tr("step %1/%2").arg(e.step).arg(e.total_steps)};
  if (e.step < e.total_steps && e.eta_seconds > 0) parts << tr("ETA %1").arg(duration_text(e.eta_seconds));
  parts << tr("loss %1 (smoothed %2)").arg(e.loss, 0, 'f', 4).arg(e.smoothed_loss, 0, 'f', 4);
  if (e.prior_loss) parts << tr("prior %1").arg(*e.prior_loss, 0, 'f', 4);
  parts << tr("lr %1").arg(e.learning_rate, 0, 'g', 3);
  if (e.samples_per_second > 0) parts << tr("%1 images/s").arg(e.samples_per_second, 0, 'f', 2);
  if (paused_) parts << tr("pausing after this step");
  if (cancelling_) parts << tr("cancelling");
  status_->setText(parts.join(QStringLiteral(" \u00b7 ")));
}

void TrainPanel::jobEnded(quint64 job, const QString& outcome, const QString& failure) {
  if (job != job_) return;
  job_ = 0;
  paused_ = false;
  cancelling_ = false;
  if (!failure.isEmpty()) {
    showValidationError(tr("Training failed: %1").arg(failure));
    status_->setText(tr("Failed after step %1.").arg(last_step_));
    addLogLine(tr("Failed: %1").arg(failure));
  } else if (!result_.isEmpty()) {
    progress_->setValue(progress_->maximum());
    status_->setText(loss_plot_->pointCount() > 0 ? tr("Finished %1 steps; smoothed loss %2.")
                                                        .arg(submitted_.max_steps)
                                                        .arg(loss_plot_->points().back().smoothed, 0, 'f', 4)
                                                  : tr("Finished %1 steps.").arg(submitted_.max_steps));
    result_label_->setText(tr("Result: %1").arg(QDir::toNativeSeparators(result_)));
  } else {
    status_->setText(tr("%1 after step %2/%3. Resume (or Start) continues from the checkpoint.")
                         .arg(outcome)
                         .arg(last_step_)
                         .arg(submitted_.max_steps));
  }
  updateButtons();
  Q_EMIT trainingChanged(false);
}

void TrainPanel::requestCompare() {
  if (result_.isEmpty() || job_ != 0) return;
  steer::SubjectSpec subject;
  subject.kind = result_is_lora_ ? steer::SubjectSpec::Kind::Lora : steer::SubjectSpec::Kind::FineTuned;
  subject.path = to_path(result_);
  QStringList prompts;
  for (const std::string& prompt : submitted_.sample_prompts) prompts << QString::fromStdString(prompt);
  if (prompts.isEmpty() && !submitted_.instance_prompt.empty()) prompts << QString::fromStdString(submitted_.instance_prompt);
  Q_EMIT compareRequested(subject, prompts);
}

void TrainPanel::updateButtons() {
  const bool running = job_ != 0;
  const bool resumable = !running && hasResumableCheckpoint();
  start_->setEnabled(!running);
  pause_->setEnabled(running && !paused_ && !cancelling_);
  resume_->setEnabled((running && paused_) || resumable);
  cancel_->setEnabled(running && !cancelling_);
  compare_->setEnabled(!running && !result_.isEmpty() && QFileInfo::exists(result_));
  resume_note_->setText(resumable ? tr("This output folder holds an unfinished run: Start or Resume continues from "
                                       "its newest checkpoint (the settings must match).")
                                  : QString());
  resume_note_->setVisible(resumable);
}

void TrainPanel::showValidationError(const QString& message) {
  validation_->setText(message);
  validation_->setStyleSheet(
      QStringLiteral("color: palette(bright-text); background: #b3261e; padding: 6px; border-radius: 4px;"));
  validation_->show();
}

void TrainPanel::clearValidationError() {
  validation_->clear();
  validation_->hide();
}

QString TrainPanel::validationText() const { return validation_->isHidden() ? QString() : validation_->text(); }

void TrainPanel::addLogLine(const QString& text) { Q_EMIT info(tr("Training: %1").arg(text)); }

}  // namespace steer::ui
