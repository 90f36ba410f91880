#pragma once
// The life of a Steer Studio project, apart from the window that shows it: which project
// folder is open; the record of its model and subject; project.json written by Save, by
// Save As (a session without a project becomes one), 2 s after the last edit and on close;
// opening a project (its settings and boards back, then its model and subject, asking to
// locate whichever moved); the Generate panel's images kept in outputs/generated; and the
// recent projects.
//
// The window keeps the widgets and lends them through ProjectWorkspace, so the controller
// never reaches into a panel or a tab, and the window never touches a project file. What the
// controller has to say (log lines, the status bar, error dialogs, the title) it says with
// signals.
#include <QObject>
#include <QString>
#include <QStringList>
#include <string>
#include <utility>
#include <vector>

#include "core/generation/generation_request.h"
#include "ui/export/kept_image.h"
#include "ui/project/project.h"
#include "ui/project/recent_list.h"
#include "ui/widgets/file_chooser.h"

class QTimer;
class QWidget;

namespace steer::ui {

// What the project controller needs from the window that shows a project: the settings and
// boards it records and restores, and the engine's model and subject. The main window
// implements it.
class ProjectWorkspace {
 public:
  virtual ~ProjectWorkspace() = default;

  // ---- Settings and boards ----
  // Copies what the window shows into `project`: the Generate panel's request, every
  // board's toJson() in tab order, the current board and the Train panel's settings.
  virtual void collectSettings(Project& project) const = 0;
  // Shows `project`'s request, training settings and boards (replacing every board). The
  // controller does not count the changes this makes as edits.
  virtual void showSettings(const Project& project) = 0;
  // Replaces every board with one empty board: a new project starts with a clean Compare tab.
  virtual void startEmptyBoards() = 0;
  // Points every board at its folder under the project now open (ProjectController::
  // boardOutputFolder), or at none without a project.
  virtual void updateBoardFolders() = 0;
  // Whether any board holds a finished image (lost when the window closes without a project).
  virtual bool boardsHoldImages() const = 0;
  // Stops the Generate panel's image in progress: another project is being opened.
  virtual void cancelGeneration() = 0;

  // ---- The engine's model and subject ----
  // The loaded model's folder; empty when none is loaded.
  virtual QString loadedModelFolder() const = 0;
  // Whether a model load is queued and not answered yet.
  virtual bool isLoadingModel() const = 0;
  // Queues loading the project's model (restoreSubject is called once it has loaded).
  virtual void loadProjectModel(const QString& folder) = 0;
  // The subject the engine has attached (Kind::None: none).
  virtual SubjectSpec attachedSubject() const = 0;
  // Queues attaching `subject` (Kind::None detaches).
  virtual void attachSubject(const SubjectSpec& subject) = 0;
  // The subject panel: a subject the project remembers but has not attached (with why),
  // or none.
  virtual void showSubjectPending(const SubjectSpec& subject, const QString& why) = 0;
  virtual void showSubjectDetached() = 0;
};

class ProjectController : public QObject {
  Q_OBJECT
 public:
  // Quiet time after the last change before the project is written.
  static constexpr int kAutosaveDelayMs = 2000;

  // Dialogs (missing files, Save As, closing) are window-modal on `dialog_parent`.
  ProjectController(ProjectWorkspace& workspace, QWidget* dialog_parent);
  ~ProjectController() override;

  // Every file or folder question goes through `chooser` (tests answer them).
  void setFileChooser(FileChooser chooser) { file_chooser_ = std::move(chooser); }

  // ---- The project folder ----
  const QString& folder() const { return folder_; }
  bool hasProject() const { return !folder_.isEmpty(); }
  bool hasUnsavedChanges() const { return dirty_; }
  // outputs/board-N of the project for board `index`; empty without a project (the board
  // keeps its images in memory until the first save).
  QString boardOutputFolder(int index) const;

  // Starts a project in `folder` (created if needed; it must not hold a project yet) with
  // what is loaded now and one empty board. False, with an error dialog, on failure.
  bool newProject(const QString& folder);
  // Opens the project in `folder` and restores its settings, boards, model and subject. A
  // missing model folder or subject file asks to locate it. False, with an error dialog,
  // when project.json cannot be read.
  bool openProject(const QString& folder);
  // Writes project.json now; without a project, asks for a folder first (Save As, keeping
  // the boards). False when cancelled or failed (with an error dialog).
  bool saveProject();
  // File → New Project / Open Project: ask for the folder, then as above.
  void chooseNewProject();
  void chooseProjectToOpen();

  // ---- What the project records about model and subject ----
  // Kept while they are missing; replaced when the user loads or attaches something else.
  const SubjectSpec& subject() const { return project_.subject; }
  bool hasSubject() const { return project_.subject.kind != SubjectSpec::Kind::None; }
  // `folder` is loaded now: the project records it as it is now (a warning when it is the
  // project's folder but its model_index.json changed).
  void recordModel(const QString& folder);
  void recordSubject(const SubjectSpec& subject) { project_.subject = subject; }
  // Attaches the recorded subject, or asks to locate it when its file is gone.
  void restoreSubject();

  // ---- Recent projects, most recent first ----
  QStringList recentProjects() const { return recent_projects_.paths(); }
  void clearRecentProjects() { recent_projects_.clear(); }

  // ---- Images and closing ----
  // A Generate-panel image: into outputs/generated, or kept until the first save.
  void keepGeneratedImage(const KeptImage& image);
  // The window is closing: without a project, offers to save this session's images
  // (false: the user cancelled, the window stays); with one, writes it.
  bool prepareToClose();
  // Writes project.json if it differs from the last write, reporting nothing: the window is
  // being destroyed (it may not have had a closeEvent, or closed within the autosave delay).
  // Call it while the workspace still holds its boards.
  void writeBeforeDestruction() noexcept;

 public Q_SLOTS:
  // Something the project records changed: project.json is written kAutosaveDelayMs after
  // the last such change.
  void scheduleAutosave();

 Q_SIGNALS:
  // The project folder changed (the window title shows it).
  void folderChanged();
  // Whether there are changes not written yet (the title's [*]).
  void modifiedChanged(bool modified);
  // For the log, and the status bar (timeout_ms 0: until replaced).
  void info(const QString& text);
  void warning(const QString& text);
  void statusMessage(const QString& text, int timeout_ms);
  // A failure for an error dialog named `object_name`: `text`, the `reason` as informative
  // text, and `details` (paths, the full message) behind "Show Details…".
  void errorReported(const QString& object_name, const QString& title, const QString& text, const QString& reason,
                     const QString& details);

 private:
  QString ask(FileQuestion::Kind kind, const QString& purpose, const QString& title, const QString& start,
              const QString& filter = {});
  void reportError(const QString& object_name, const QString& title, const QString& text, const QString& reason,
                   const QString& details = {});

  // What project.json would hold now: the record with the window's settings.
  Project collectProject() const;
  bool writeProject(bool interactive);
  void autosave();
  void setFolder(const QString& folder);  // the open project's folder: recent list and title
  void writeUnsavedImages();
  bool confirmCloseWithoutProject();

  // Opening: the settings first, then the model (loaded, kept, or located), then its subject.
  void applyProject();
  void loadModel();
  void askForMissingModel();
  void askForMissingSubject();

  ProjectWorkspace& workspace_;
  QWidget* dialog_parent_;
  FileChooser file_chooser_ = ask_with_file_dialog;
  RecentList recent_projects_{QStringLiteral("recentProjects")};

  Project project_;
  QString folder_;
  bool restoring_ = false;  // applying a project: its own widget changes are not edits
  bool dirty_ = false;
  QString last_autosave_error_;
  // Generate-panel images made before the project existed, written by the first save.
  std::vector<KeptImage> unsaved_images_;
  std::string last_written_;  // project.json's text as last written, to skip writes that change nothing
  QTimer* autosave_timer_ = nullptr;
};

}  // namespace steer::ui
