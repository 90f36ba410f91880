#pragma once
// The Train panel: a designer's photos and a training run's settings in, a personalised
// subject out. The dataset grid (photos, captions, the loader's verdict), the settings
// form, Start / Pause / Resume / Cancel, and the run as it goes: progress with ETA, loss,
// learning rate and throughput, the loss plot, the sample images, the checkpoints. A
// finished run's LoRA file or DreamBooth folder goes to the Compare board in one click.
//
// The run is a job on the engine thread (EngineBridge::train); everything shown comes from
// its TrainingEvents. Cancel writes a checkpoint; Start (or Resume) on the same output
// folder continues from the newest one, which steer::run_training does by itself.
#include <QPointer>
#include <QString>
#include <QWidget>

#include "core/formats/json.h"
#include "core/generation/generation_request.h"
#include "core/training/training_run.h"
#include "core/training/training_settings.h"
#include "ui/widgets/file_chooser.h"

class QLabel;
class QProgressBar;
class QPushButton;

namespace steer::ui {

class DatasetGrid;
class EngineBridge;
class LossPlot;
class TrainingSampleStrip;
class TrainingSettingsForm;

class TrainPanel : public QWidget {
  Q_OBJECT
 public:
  explicit TrainPanel(EngineBridge& engine, QWidget* parent = nullptr);
  // Cancels the panel's run if the bridge still exists (it writes a checkpoint).
  ~TrainPanel() override;

  // The settings as edited, the dataset grid's folder included.
  steer::TrainingSettings settings() const;
  // Shows `settings` in the form and the grid (no run is started).
  void setSettings(const steer::TrainingSettings& settings);

  // Checks the settings (TrainingSettings::validate) and submits the run; false, with the
  // reason beside Start, when they are refused or a run is going.
  bool start();
  // Pause waits after the current step; Resume continues a paused run, or starts again a
  // cancelled or interrupted one from its newest checkpoint.
  void pause();
  void resume();
  // Stops after the current step; the run writes a checkpoint first.
  void cancel();

  bool isTraining() const { return job_ != 0; }
  bool isPaused() const { return paused_; }
  quint64 currentJob() const { return job_; }
  // The most recent run's job id, also after it ended (0 before any).
  quint64 lastJob() const { return last_job_; }
  // The settings of the most recent run.
  const steer::TrainingSettings& lastRunSettings() const { return submitted_; }
  // The last finished run's LoRA file or DreamBooth folder ("" before one finished).
  QString resultPath() const { return result_; }
  // Opens the board for the last result (what the Compare button does).
  void requestCompare();

  // The model the app has loaded becomes the default base model.
  void setLoadedModel(const QString& folder);
  void setFileChooser(FileChooser chooser);

  TrainingSettingsForm* form() const { return form_; }
  DatasetGrid* datasetGrid() const { return dataset_; }
  LossPlot* lossPlot() const { return loss_plot_; }
  TrainingSampleStrip* sampleStrip() const { return samples_; }
  QProgressBar* progressBar() const { return progress_; }
  // The message beside Start ("" when none is shown).
  QString validationText() const;

 Q_SIGNALS:
  // The Compare button: attach `subject` (a LoRA or a fine-tuned folder) and compare CFG
  // with PG for it. `prompts` are the run's sample prompts (or its instance prompt).
  void compareRequested(const steer::SubjectSpec& subject, const QStringList& prompts);
  void trainingChanged(bool training);
  // A setting or the dataset folder changed (projects save themselves from this).
  void settingsEdited();
  // Lines for the app's log: the run's submission, checkpoints, resumption, end.
  void info(const QString& text);
  void warning(const QString& text);

 private:
  QWidget* createSettingsColumn();
  QWidget* createRunColumn();
  void connectEngine();
  void onTrainingEvent(quint64 job, const steer::TrainingEvent& event);
  void showStep(const steer::TrainingEvent& event);
  void jobEnded(quint64 job, const QString& outcome, const QString& failure);
  void updateButtons();
  void updateDatasetOptions();
  void showValidationError(const QString& message);
  void clearValidationError();
  void addLogLine(const QString& text);
  bool hasResumableCheckpoint() const;

  EngineBridge& engine_;
  QPointer<EngineBridge> engine_alive_;

  TrainingSettingsForm* form_ = nullptr;
  DatasetGrid* dataset_ = nullptr;
  QLabel* validation_ = nullptr;
  QLabel* resume_note_ = nullptr;
  QPushButton* start_ = nullptr;
  QPushButton* pause_ = nullptr;
  QPushButton* resume_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QLabel* status_ = nullptr;
  LossPlot* loss_plot_ = nullptr;
  TrainingSampleStrip* samples_ = nullptr;
  QPushButton* compare_ = nullptr;
  QLabel* result_label_ = nullptr;

  quint64 job_ = 0;
  quint64 last_job_ = 0;
  bool paused_ = false;
  bool cancelling_ = false;
  steer::TrainingSettings submitted_;
  QString plotted_run_;  // the output folder whose steps the plot and strip show
  QString result_;
  bool result_is_lora_ = true;
  int last_step_ = 0;
};

}  // namespace steer::ui
