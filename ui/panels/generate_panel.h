#pragma once
// The generation panel: every setting of a GenerationRequest, Generate / Cancel, a live
// preview after every step (guided result or either guidance branch), progress from the
// engine's step events, and a history of this session's images whose exact settings can
// be taken back. Everything it shows comes from the engine's events.
#include <QImage>
#include <QPointer>
#include <QWidget>
#include <optional>

#include "core/generation/generation_request.h"
#include "ui/export/kept_image.h"
#include "ui/widgets/file_chooser.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace steer::ui {

class EngineBridge;
class HistoryStrip;
class LatentSizeSpinBox;
class OmegaScheduleEditor;
class PreviewView;
class SeedSpinBox;

class GeneratePanel : public QWidget {
  Q_OBJECT
 public:
  // Which image the preview shows while generating: the guided x0 estimate, or the
  // strong / weak branch's alone (asks the engine for branch previews).
  enum class Branch { Guided, Strong, Weak };

  explicit GeneratePanel(EngineBridge& engine, QWidget* parent = nullptr);
  // Cancels the panel's job, if the bridge still exists (a main window may destroy its
  // bridge before its child widgets).
  ~GeneratePanel() override;

  // The settings as edited (the seed box's seed even when "random" is on).
  steer::GenerationRequest request() const;
  // Shows `request` in every control; settings the panel has no control for (clip skip,
  // device noise, batching) are kept and sent back unchanged. Turns "random seed" off so
  // the seed stays exact.
  void setRequest(const steer::GenerationRequest& request);
  // The last generated image, or the history entry chosen since; null before any.
  QImage currentImage() const { return current_image_; }

  // Validates the settings and submits them; false (with the reason shown under the
  // buttons) when they are refused or a job is already running.
  bool generate();
  void cancel();
  bool isGenerating() const { return job_ != 0; }
  // The job running now, or 0.
  quint64 currentJob() const { return job_; }

  Branch branch() const;
  void setBranch(Branch branch);

  // The attached subject's trigger words ("sks emblem"; core/training/subject_trigger.h):
  // the prompt's placeholder uses them. Empty: a generic example.
  void setSubjectWords(const QString& words);

  // The loaded model's image geometry (steer::ModelSummary): its native side (the size it was
  // trained at; 0 unknown) and pixels per latent cell (0 unknown: SD's 8). The size boxes step
  // by the factor and take only its multiples, the presets offer the native size first, and a
  // note under the size says when the size is far from native (issue 11, item 3). The size
  // itself is kept (the main window moves it to the new native size).
  void setModelGeometry(int native_side, int latent_factor);
  int nativeSide() const { return native_side_; }

  // The history entry shown in the preview (the newest result, or the one chosen), or -1.
  int shownEntry() const { return shown_entry_; }
  // "Save Image…": asks for a file through the file chooser (purpose "save-image") and saves
  // the shown entry; returns the path written, or "" when cancelled or refused (the reason is
  // shown under the buttons).
  QString saveShownImage();
  // Saves history entry `index` at `path` (or path-2, ...) with the exporter `steer generate`
  // uses; returns the path written, or "" with the reason shown.
  QString saveEntryTo(int index, const QString& path);
  // Where "Save Image…" asks (tests answer; the app uses QFileDialog).
  void setFileChooser(FileChooser chooser) { file_chooser_ = std::move(chooser); }

  PreviewView* previewView() const { return preview_; }
  HistoryStrip* historyStrip() const { return history_; }

 Q_SIGNALS:
  void imageGenerated(const steer::ui::KeptImage& image);
  // "Save Image…" wrote `path` (the main window logs it).
  void imageSaved(const QString& path);
  void generatingChanged(bool generating);

 private:
  QWidget* createSettings();
  QWidget* createSubmitRow(QWidget* parent);
  QWidget* createResults();
  void connectEngine();
  void samplerChanged();
  void methodChanged();
  void sizeChanged();
  void branchChanged();
  void showValidationError(const QString& message);
  void clearValidationError();
  // Clears a "Not generated" refusal once the settings pass the checks again.
  void recheckRefusal();
  void setRunning(bool running);
  void showStep(quint64 job, int cell, const steer::StepEvent& event);
  void showResult(quint64 job, int cell, const steer::GenerationResult& result);
  void jobEnded(quint64 job, const QString& outcome);
  void showHistoryEntry(int index);
  void showEventPreview(const steer::StepEvent& event, qint64 stamp);
  void showSeedUsed(qint64 seed);
  // The context menu of the preview (entry -1: the shown one) or of a history entry.
  void showImageMenu(QWidget* source, const QPoint& position, int entry);
  QString askAndSave(int index);
  // Throws steer::InputError naming the setting when the request must be refused.
  void check(const steer::GenerationRequest& request) const;
  // The size presets: the model's native size first (when known), then the usual SD sizes.
  void fillSizePresets();

  EngineBridge& engine_;
  QPointer<EngineBridge> engine_alive_;
  steer::GenerationRequest base_;  // carries the settings without a control here

  QPlainTextEdit* prompt_ = nullptr;
  QPlainTextEdit* negative_ = nullptr;
  SeedSpinBox* seed_ = nullptr;
  QCheckBox* random_seed_ = nullptr;
  LatentSizeSpinBox* width_ = nullptr;
  LatentSizeSpinBox* height_ = nullptr;
  QLabel* size_note_ = nullptr;  // far from the native size; hidden otherwise
  QComboBox* size_preset_ = nullptr;
  int native_side_ = 0;    // the model's, 0 unknown
  int latent_factor_ = 0;  // the model's, 0 unknown
  QSpinBox* steps_ = nullptr;
  QComboBox* sampler_ = nullptr;
  QCheckBox* karras_ = nullptr;
  QDoubleSpinBox* eta_ = nullptr;
  QComboBox* method_ = nullptr;
  QDoubleSpinBox* lambda_ = nullptr;
  OmegaScheduleEditor* omega_ = nullptr;
  QWidget* omega_group_ = nullptr;
  QComboBox* weak_ = nullptr;
  QDoubleSpinBox* weak_omega_ = nullptr;
  QWidget* weak_group_ = nullptr;
  QCheckBox* interval_ = nullptr;
  QDoubleSpinBox* sigma_low_ = nullptr;
  QDoubleSpinBox* sigma_high_ = nullptr;
  QCheckBox* sigma_high_unbounded_ = nullptr;
  QDoubleSpinBox* rescale_ = nullptr;
  QLabel* validation_ = nullptr;
  QPushButton* generate_ = nullptr;
  QPushButton* cancel_ = nullptr;

  QComboBox* branch_ = nullptr;
  QLabel* branch_note_ = nullptr;
  QLabel* seed_used_ = nullptr;
  PreviewView* preview_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QLabel* progress_label_ = nullptr;
  HistoryStrip* history_ = nullptr;
  QPushButton* use_settings_ = nullptr;
  QPushButton* save_image_ = nullptr;
  int shown_entry_ = -1;
  bool refusal_shown_ = false;  // the validation message is a refusal of the settings
  FileChooser file_chooser_ = ask_with_file_dialog;

  quint64 job_ = 0;
  steer::GenerationRequest submitted_;  // the request of job_ (seed as used)
  std::optional<steer::StepEvent> last_event_;
  bool have_result_ = false;  // job_'s (or the last job's) final image is shown
  double result_seconds_ = 0;
  QImage current_image_;
};

}  // namespace steer::ui
