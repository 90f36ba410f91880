#pragma once
// Steer Studio's main window. Four tabs (Model: the summary and the subject; Train: a
// subject trained from the designer's photos; Generate: one image with live preview;
// Compare: boards of guidance settings side by side), an engine log dock, and the project that holds them: every setting, board
// and image is saved to a project folder, 2 s after each change and on close.
//
// The window is the one place that decides: panels ask (attach a subject, export a
// board), the window asks the user for files through its FileChooser, talks to the
// engine and reports errors (a dialog with details, and the log). The project's life
// (save, open, autosave, locating moved files, recent projects) is its ProjectController's,
// which reaches the panels and boards through the window's ProjectWorkspace side.
#include <QMainWindow>
#include <QStringList>
#include <deque>
#include <memory>
#include <optional>

#include "core/generation/generation_request.h"
#include "core/pipeline/model_inspection.h"
#include "ui/project/project_controller.h"
#include "ui/recent_models.h"
#include "ui/widgets/file_chooser.h"

class QAction;
class QDockWidget;
class QMenu;
class QMessageBox;
class QProgressBar;
class QSplitter;
class QTabWidget;

namespace steer::ui {

class CompareBoard;
class EngineBridge;
class GeneratePanel;
class LogView;
class ModelSummaryView;
class SubjectPanel;
class TrainPanel;

class MainWindow : public QMainWindow, private ProjectWorkspace {
  Q_OBJECT
 public:
  // The tabs, in order.
  enum Tab { ModelTab = 0, TrainTab = 1, GenerateTab = 2, CompareTab = 3 };
  // Quiet time after the last change before the project is written.
  static constexpr int kAutosaveDelayMs = ProjectController::kAutosaveDelayMs;

  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Queues `folder` for loading on the engine thread and returns at once; the summary,
  // or an error dialog, follows. The menu, the recent list, drops and the command line
  // all come through here.
  void openModelFolder(const QString& folder);

  // Queues attaching `subject` (a LoRA file or a fine-tuned folder) to the loaded model;
  // the subject panel shows the engine's answer, an error dialog a failure.
  // (Also the project controller's way to attach: ProjectWorkspace.)
  void attachSubject(const steer::SubjectSpec& subject) override;
  void detachSubject();

  // The command line's --subject and --compare-prompts. Once the model loading now has
  // loaded (at once when none is loading), attaches `path` as the Model tab's attach does:
  // a .safetensors file (any file) is a LoRA at the panel's strength, a folder a fine-tuned
  // subject; a failure shows the same error dialog. Once it is attached, and when
  // `compare_prompts` is not empty, sets up a CFG vs PG board for it on these prompts (as
  // the Train panel's Compare does) and shows the Compare tab; the board is not run.
  // Ends with startupSubjectAttached or startupSubjectFailed.
  void attachSubjectAtStart(const QString& path, const QStringList& compare_prompts = {});

  // Projects, through the ProjectController (ui/project/project_controller.h).
  // Starts a project in `folder` (created if needed; it must not hold a project yet) with
  // what is loaded now and one empty board. False, with an error dialog, on failure.
  bool newProject(const QString& folder) { return project_->newProject(folder); }
  // Opens the project in `folder` and restores its settings, boards, model and subject.
  // A missing model folder or subject file asks to locate it. False, with an error
  // dialog, when project.json cannot be read.
  bool openProject(const QString& folder) { return project_->openProject(folder); }
  // Writes project.json now; without a project, asks for a folder first (keeping the
  // boards). False when cancelled or failed (with an error dialog).
  bool saveProject() { return project_->saveProject(); }
  const QString& projectFolder() const { return project_->folder(); }
  bool hasUnsavedChanges() const { return project_->hasUnsavedChanges(); }

  // Every file or folder question goes through `chooser` (tests answer them; the app
  // uses QFileDialog), the Train panel's included.
  void setFileChooser(FileChooser chooser);

  ModelSummaryView* summaryView() const { return summary_view_; }
  SubjectPanel* subjectPanel() const { return subject_panel_; }
  GeneratePanel* generatePanel() const { return generate_panel_; }
  TrainPanel* trainPanel() const { return train_panel_; }
  LogView* logView() const { return log_view_; }
  QTabWidget* tabs() const { return tabs_; }
  int boardCount() const;
  CompareBoard* board(int index) const;
  CompareBoard* currentBoard() const;
  const EngineBridge& engine() const { return *engine_; }
  EngineBridge& engine() { return *engine_; }

 Q_SIGNALS:
  // The end of attachSubjectAtStart: the subject is attached (and its board set up), or
  // it could not be (the error is shown already; `message` says why).
  void startupSubjectAttached();
  void startupSubjectFailed(const QString& message);

 protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  // One model load in flight; FIFO, like the engine thread's answers.
  struct PendingLoad {
    QString folder;
    bool for_project = false;  // the project's model: attach its subject afterwards
  };

  void createTabs();
  void createLogDock();
  void createActions();
  void createMenus();
  void connectEngine();
  void connectProject();
  void rebuildRecentModelsMenu();
  void rebuildRecentProjectsMenu();

  QString ask(FileQuestion::Kind kind, const QString& purpose, const QString& title, const QString& start,
              const QString& filter = {});
  void chooseModelFolder();
  void chooseLoraFile();
  void chooseFineTunedFolder();
  void showExportDialog();
  void generate();
  void cancelJobs();
  void selectNextCell();
  void selectPreviousCell();
  void showAbout();

  void showModel(const steer::ModelSummary& summary);
  void showLoadError(const QString& folder, const QString& message);
  void showSubjectAttached(const QString& note);
  void showSubjectError(const QString& message, const steer::SubjectSpec& still_attached);
  // Enables the actions that need a model (and a subject, for Detach) as things stand.
  void updateModelActions();
  // The subject's trigger words in the prompt placeholders of Generate and every board.
  void showSubjectWords();
  void showJobFailed(quint64 job, const QString& message);
  void showBusy(bool busy);
  // A non-blocking (window-modal, open()) error box: the text, the reason as informative
  // text, and `details` (paths, the full engine message) behind "Show Details…". Logged.
  QMessageBox* showError(const QString& object_name, const QString& title, const QString& text, const QString& reason,
                         const QString& details = {});

  // The Train panel's result as the subject (loading the model it was trained from when
  // another one is loaded), and a CFG vs PG board for it on the Compare tab.
  void compareTrainedSubject(const steer::SubjectSpec& subject, const QStringList& prompts);
  // A CFG vs PG board for `subject` on `prompts` (the Generate panel's prompt when empty):
  // on the current board unless that one holds a comparison already, else on a new one;
  // shows the Compare tab. Not run.
  void setUpCompareBoard(const steer::SubjectSpec& subject, const QStringList& prompts);

  // attachSubjectAtStart's subject: attached once the start-up model has loaded.
  void submitStartupSubject();
  void finishStartupSubject(const steer::SubjectSpec& subject, bool attached, const QString& message);

  void handleDroppedFolder(const QString& folder);
  void askOpenOrAttach(const QString& folder);

  // Boards: one tab each, saving into the project's outputs/board-N (memory without one).
  void addBoard(const steer::json::Value* state);
  void removeAllBoards();
  void updateTitle();

  // ProjectWorkspace: what the project controller reads and restores through the window.
  void collectSettings(Project& project) const override;
  void showSettings(const Project& project) override;
  void startEmptyBoards() override;
  void updateBoardFolders() override;
  bool boardsHoldImages() const override;
  void cancelGeneration() override;
  QString loadedModelFolder() const override;
  bool isLoadingModel() const override;
  void loadProjectModel(const QString& folder) override;
  steer::SubjectSpec attachedSubject() const override;
  void showSubjectPending(const steer::SubjectSpec& subject, const QString& why) override;
  void showSubjectDetached() override;

  void restoreWindowState();
  void saveWindowState() const;

  std::unique_ptr<EngineBridge> engine_;
  ProjectController* project_ = nullptr;
  RecentModels recent_models_;
  FileChooser file_chooser_ = ask_with_file_dialog;

  QTabWidget* tabs_ = nullptr;
  QSplitter* model_splitter_ = nullptr;
  ModelSummaryView* summary_view_ = nullptr;
  SubjectPanel* subject_panel_ = nullptr;
  GeneratePanel* generate_panel_ = nullptr;
  TrainPanel* train_panel_ = nullptr;
  QTabWidget* boards_ = nullptr;
  QDockWidget* log_dock_ = nullptr;
  LogView* log_view_ = nullptr;
  QMenu* recent_models_menu_ = nullptr;
  QMenu* recent_projects_menu_ = nullptr;
  QProgressBar* busy_indicator_ = nullptr;
  QAction* generate_action_ = nullptr;
  QAction* attach_lora_action_ = nullptr;
  QAction* attach_fine_tuned_action_ = nullptr;
  QAction* detach_action_ = nullptr;
  QAction* cancel_action_ = nullptr;
  QAction* export_action_ = nullptr;
  QAction* next_cell_action_ = nullptr;
  QAction* previous_cell_action_ = nullptr;

  std::deque<PendingLoad> loading_;           // submitted, not yet answered
  std::deque<steer::SubjectSpec> attaching_;  // submitted subjects, not yet answered
  // The command line's --subject: waiting for its model (not submitted yet), then for the
  // engine's answer; its --compare-prompts board is set up once it is attached.
  struct StartupSubject {
    QString path;
    QStringList compare_prompts;
    steer::SubjectSpec subject;  // what was submitted
    bool submitted = false;
  };
  std::optional<StartupSubject> startup_subject_;
  QString model_name_;           // the loaded model's folder name, for the title
  int native_resolution_ = 512;  // the loaded model's native image side (GenerationRequest's default before any)
};

}  // namespace steer::ui
