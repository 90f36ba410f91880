#include "ui/project/project_controller.h"

#include <QAbstractButton>
#include <QDir>
#include <QFileInfo>
#include <QMessageBox>
#include <QPushButton>
#include <QTimer>
#include <QWidget>
#include <exception>

#include "ui/folder_names.h"
#include "ui/path_text.h"
#include "ui/project/project_store.h"
#include "ui/widgets/subject_panel.h"

namespace steer::ui {

namespace {

// The key predates the controller (the window asked these questions): kept, so an updated
// app still starts in the folder the user last used.
const QString kLastProjectDirectoryKey = QStringLiteral("mainWindow/lastProjectDirectory");

// The one text every "the project changed" comparison uses: what project.json would hold.
std::string project_text(const Project& project, const QString& folder) {
  return project_to_json(project, to_path(folder)).dump(2);
}

// Where a file question about `path` starts: the folder that holds it, or the nearest
// one that still exists (the path itself may be gone).
QString start_folder_for(const QString& path) {
  QDir dir = QFileInfo(path).absoluteDir();
  while (!dir.exists() && dir.cdUp()) {
  }
  return dir.exists() ? dir.absolutePath() : QDir::homePath();
}

}  // namespace

ProjectController::ProjectController(ProjectWorkspace& workspace, QWidget* dialog_parent)
    : QObject(dialog_parent), workspace_(workspace), dialog_parent_(dialog_parent) {
  autosave_timer_ = new QTimer(this);
  autosave_timer_->setSingleShot(true);
  autosave_timer_->setInterval(kAutosaveDelayMs);
  connect(autosave_timer_, &QTimer::timeout, this, &ProjectController::autosave);
}

ProjectController::~ProjectController() = default;

QString ProjectController::ask(FileQuestion::Kind kind, const QString& purpose, const QString& title, const QString& start,
                               const QString& filter) {
  FileQuestion question;
  question.kind = kind;
  question.purpose = purpose;
  question.title = title;
  question.start = start;
  question.filter = filter;
  return file_chooser_ ? file_chooser_(dialog_parent_, question) : QString();
}

void ProjectController::reportError(const QString& object_name, const QString& title, const QString& text, const QString& reason,
                                    const QString& details) {
  Q_EMIT errorReported(object_name, title, text, reason, details);
}

QString ProjectController::boardOutputFolder(int index) const {
  return folder_.isEmpty() ? QString() : board_output_folder(folder_, index);
}

// ---- New, open, save ----------------------------------------------------------------------

void ProjectController::chooseNewProject() {
  const QString folder = ask(FileQuestion::Kind::NewFolder, QStringLiteral("new-project"), tr("New Project Folder"),
                             remembered_folder(kLastProjectDirectoryKey, QDir::homePath()));
  if (folder.isEmpty()) return;
  remember_folder_of(kLastProjectDirectoryKey, folder);
  newProject(folder);
}

void ProjectController::chooseProjectToOpen() {
  const QString folder = ask(FileQuestion::Kind::ExistingFolder, QStringLiteral("open-project"), tr("Open Project"),
                             remembered_folder(kLastProjectDirectoryKey, QDir::homePath()));
  if (folder.isEmpty()) return;
  remember_folder_of(kLastProjectDirectoryKey, folder);
  openProject(folder);
}

bool ProjectController::newProject(const QString& folder) {
  const QString absolute = clean_absolute(folder);
  if (is_project_folder(absolute)) {
    reportError(QStringLiteral("projectErrorDialog"), tr("Could not create project"),
                tr("%1 already holds a project.").arg(absolute),
                tr("Open it with File \u2192 Open Project, or choose another folder."));
    return false;
  }
  // A fresh project: what is loaded and the settings stay, the boards start empty.
  if (!folder_.isEmpty()) writeProject(false);
  const QString previous = folder_;
  folder_ = absolute;  // before the board is made: it saves into the new project's outputs
  workspace_.startEmptyBoards();
  if (!writeProject(true)) {
    folder_ = previous;
    Q_EMIT folderChanged();
    return false;
  }
  setFolder(absolute);
  writeUnsavedImages();
  Q_EMIT info(tr("New project %1").arg(absolute));
  return true;
}

bool ProjectController::saveProject() {
  if (!folder_.isEmpty()) return writeProject(true);
  const QString folder = ask(FileQuestion::Kind::NewFolder, QStringLiteral("save-project"), tr("Save Project As"),
                             remembered_folder(kLastProjectDirectoryKey, QDir::homePath()));
  if (folder.isEmpty()) return false;
  remember_folder_of(kLastProjectDirectoryKey, folder);
  const QString absolute = clean_absolute(folder);
  if (is_project_folder(absolute)) {
    reportError(QStringLiteral("projectErrorDialog"), tr("Could not save project"),
                tr("%1 already holds a project.").arg(absolute), tr("Choose a new or empty folder."));
    return false;
  }
  // Keeps the boards: their images are written into the project's outputs now.
  folder_ = absolute;
  workspace_.updateBoardFolders();
  if (!writeProject(true)) {
    folder_.clear();
    workspace_.updateBoardFolders();
    return false;
  }
  setFolder(absolute);
  writeUnsavedImages();
  Q_EMIT info(tr("Saved the session as project %1").arg(absolute));
  return true;
}

bool ProjectController::openProject(const QString& folder) {
  const QString absolute = clean_absolute(folder);
  Project project;
  try {
    project = read_project(absolute);
  } catch (const std::exception& e) {
    if (!is_project_folder(absolute)) recent_projects_.remove(absolute);
    reportError(QStringLiteral("projectErrorDialog"), tr("Could not open project"),
                tr("Could not open the project %1").arg(absolute), QString::fromStdString(e.what()),
                tr("Project file: %1\n\n%2").arg(project_file_path(absolute), QString::fromStdString(e.what())));
    return false;
  }
  if (!folder_.isEmpty() && folder_ != absolute) writeProject(false);
  autosave_timer_->stop();
  workspace_.cancelGeneration();

  project_ = std::move(project);
  folder_ = absolute;
  applyProject();
  setFolder(absolute);
  Q_EMIT info(tr("Opened project %1").arg(absolute));
  return true;
}

// ---- Writing ------------------------------------------------------------------------------

Project ProjectController::collectProject() const {
  Project project = project_;
  workspace_.collectSettings(project);
  return project;
}

bool ProjectController::writeProject(bool interactive) {
  if (folder_.isEmpty()) return false;
  autosave_timer_->stop();
  try {
    const Project project = collectProject();
    write_project(folder_, project);
    last_written_ = project_text(project, folder_);
    last_autosave_error_.clear();
    dirty_ = false;
    Q_EMIT modifiedChanged(false);
    return true;
  } catch (const std::exception& e) {
    const QString message = QString::fromStdString(e.what());
    Q_EMIT statusMessage(tr("Could not save the project"), 0);
    // An autosave that keeps failing (a full disk) says so once, not every two seconds.
    if (interactive || message != last_autosave_error_)
      reportError(QStringLiteral("projectErrorDialog"), tr("Could not save project"),
                  tr("Could not save the project %1").arg(folder_), message,
                  tr("Project file: %1\n\n%2").arg(project_file_path(folder_), message));
    last_autosave_error_ = message;
    return false;
  }
}

void ProjectController::scheduleAutosave() {
  if (restoring_ || folder_.isEmpty()) return;
  dirty_ = true;
  Q_EMIT modifiedChanged(true);
  autosave_timer_->start();  // restarts: kAutosaveDelayMs after the last change
}

void ProjectController::autosave() {
  if (folder_.isEmpty()) return;
  // Only real changes reach the disk (a control touched and set back writes nothing).
  if (project_text(collectProject(), folder_) == last_written_) {
    dirty_ = false;
    Q_EMIT modifiedChanged(false);
    return;
  }
  dirty_ = true;
  if (writeProject(false)) Q_EMIT statusMessage(tr("Project saved"), 2000);
}

void ProjectController::setFolder(const QString& folder) {
  folder_ = folder;
  recent_projects_.add(folder);
  Q_EMIT folderChanged();
}

void ProjectController::writeBeforeDestruction() noexcept {
  if (folder_.isEmpty()) return;
  try {
    const Project project = collectProject();
    if (project_text(project, folder_) != last_written_) write_project(folder_, project);
  } catch (const std::exception&) {
    // Nobody is left to tell; the previous project.json is intact (atomic write).
  }
}

// ---- Generated images and closing ---------------------------------------------------------

void ProjectController::keepGeneratedImage(const KeptImage& image) {
  if (folder_.isEmpty()) {
    unsaved_images_.push_back(image);
    return;
  }
  try {
    const QString file = save_generated_image(folder_, image);
    Q_EMIT info(tr("Saved %1").arg(file));
  } catch (const std::exception& e) {
    reportError(QStringLiteral("projectErrorDialog"), tr("Could not save image"),
                tr("Could not save the generated image in the project %1").arg(folder_), QString::fromStdString(e.what()));
  }
}

void ProjectController::writeUnsavedImages() {
  const auto images = std::move(unsaved_images_);
  unsaved_images_.clear();
  for (const KeptImage& image : images) keepGeneratedImage(image);
}

bool ProjectController::prepareToClose() {
  if (folder_.isEmpty() && !confirmCloseWithoutProject()) return false;
  if (!folder_.isEmpty()) writeProject(false);  // also right after Save As: the latest settings
  return true;
}

bool ProjectController::confirmCloseWithoutProject() {
  // Without a project, finished images would be lost on close: offer to save them.
  if (unsaved_images_.empty() && !workspace_.boardsHoldImages()) return true;
  QMessageBox box(QMessageBox::Question, tr("Save as a project?"), tr("This session's images are not in a project yet."),
                  QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, dialog_parent_);
  box.setObjectName(QStringLiteral("saveSessionDialog"));
  box.setInformativeText(tr("Save them with the settings and boards as a project, or close without saving?"));
  box.setDefaultButton(QMessageBox::Save);
  switch (box.exec()) {
    case QMessageBox::Save:
      return saveProject();
    case QMessageBox::Discard:
      return true;
    default:
      return false;
  }
}

// ---- Restoring a project's model and subject ----------------------------------------------

void ProjectController::applyProject() {
  const bool engine_has_subject = workspace_.attachedSubject().kind != SubjectSpec::Kind::None;
  restoring_ = true;
  workspace_.showSettings(project_);
  restoring_ = false;
  last_written_ = project_text(collectProject(), folder_);
  dirty_ = false;

  if (hasSubject())
    workspace_.showSubjectPending(project_.subject, tr("The project's subject is attached once its model has loaded."));
  else
    workspace_.showSubjectDetached();

  const QString loaded = workspace_.loadedModelFolder();
  if (!project_.model) {
    // A project that never had a model takes the one loaded now, if any.
    if (!loaded.isEmpty()) {
      project_.model = ProjectModel{to_path(loaded), identify_model_folder(loaded)};
      scheduleAutosave();
    }
    return;
  }
  const QString model_folder = to_qstring(project_.model->folder);
  // The project's model is the one loaded already (switching between projects on the same
  // model): no reload, only the subject changes.
  if (!loaded.isEmpty() && !workspace_.isLoadingModel() && QFileInfo(model_folder).isDir() &&
      clean_absolute(loaded) == clean_absolute(model_folder)) {
    project_.model->identity = identify_model_folder(model_folder);
    Q_EMIT info(tr("The project's model %1 is loaded already.").arg(model_folder));
    if (hasSubject())
      restoreSubject();
    else if (engine_has_subject)
      workspace_.attachSubject(SubjectSpec{});
    return;
  }
  if (QFileInfo(model_folder).isDir()) {
    const ModelFolderIdentity now = identify_model_folder(model_folder);
    if (!(now == project_.model->identity))
      Q_EMIT warning(tr("The model folder %1 is not as the project saw it (model_index.json changed, or the folder was "
                        "renamed).")
                         .arg(model_folder));
    loadModel();
  } else {
    askForMissingModel();
  }
}

void ProjectController::recordModel(const QString& folder) {
  const ModelFolderIdentity identity = identify_model_folder(folder);
  if (project_.model && project_.model->folder == to_path(folder) && !(project_.model->identity == identity))
    Q_EMIT warning(tr("The model folder %1 changed since the project was saved (model_index.json differs).").arg(folder));
  project_.model = ProjectModel{to_path(folder), identity};
}

void ProjectController::loadModel() { workspace_.loadProjectModel(clean_absolute(to_qstring(project_.model->folder))); }

void ProjectController::askForMissingModel() {
  const QString missing = to_qstring(project_.model->folder);
  Q_EMIT warning(tr("The project's model folder %1 is missing.").arg(missing));
  auto* box =
      new QMessageBox(QMessageBox::Warning, tr("Model folder missing"),
                      tr("The project's model folder is missing:\n%1").arg(missing), QMessageBox::NoButton, dialog_parent_);
  box->setObjectName(QStringLiteral("missingModelDialog"));
  box->setInformativeText(
      tr("If it moved, locate it and the project will remember the new place. Without a "
         "model the project's boards and settings still open, but nothing can be generated."));
  box->setDetailedText(tr("Project: %1\nModel folder: %2\nFolder name: %3")
                           .arg(folder_, missing, to_qstring(project_.model->identity.folder_name)));
  QPushButton* locate = box->addButton(tr("&Locate\u2026"), QMessageBox::AcceptRole);
  locate->setObjectName(QStringLiteral("locateButton"));
  QPushButton* skip = box->addButton(tr("&Continue without Model"), QMessageBox::RejectRole);
  skip->setObjectName(QStringLiteral("continueWithoutButton"));
  box->setDefaultButton(locate);
  box->setAttribute(Qt::WA_DeleteOnClose);
  connect(box, &QMessageBox::buttonClicked, this, [this, locate, missing](QAbstractButton* clicked) {
    if (clicked != locate) {
      Q_EMIT info(tr("Continuing without the project's model."));
      if (hasSubject())
        workspace_.showSubjectPending(project_.subject, tr("Waiting for a model: the project's subject is attached "
                                                           "once its model loads."));
      return;
    }
    // Deferred: the box is still closing, and the chooser may be modal.
    QTimer::singleShot(0, this, [this, missing] {
      const QString chosen = ask(FileQuestion::Kind::ExistingFolder, QStringLiteral("locate-model"),
                                 tr("Locate Model Folder %1").arg(folder_name(missing)), start_folder_for(missing));
      if (chosen.isEmpty()) {
        askForMissingModel();  // the question is still open
        return;
      }
      const ModelFolderIdentity found = identify_model_folder(chosen);
      const ModelFolderIdentity& expected = project_.model->identity;
      if (found.model_index_size != expected.model_index_size || found.folder_name != expected.folder_name)
        Q_EMIT warning(tr("%1 may not be the project's model (%2): its name or model_index.json differ.")
                           .arg(chosen, to_qstring(expected.folder_name)));
      Q_EMIT info(tr("The project's model is now %1").arg(clean_absolute(chosen)));
      project_.model->folder = to_path(clean_absolute(chosen));
      scheduleAutosave();
      loadModel();
    });
  });
  box->open();
}

void ProjectController::restoreSubject() {
  const SubjectSpec subject = project_.subject;
  if (subject.kind == SubjectSpec::Kind::None) return;
  if (QFileInfo::exists(to_qstring(subject.path)))
    workspace_.attachSubject(subject);
  else
    askForMissingSubject();
}

void ProjectController::askForMissingSubject() {
  const SubjectSpec subject = project_.subject;
  const QString missing = to_qstring(subject.path);
  const bool is_lora = subject.kind == SubjectSpec::Kind::Lora;
  Q_EMIT warning(tr("The project's subject %1 is missing.").arg(missing));
  workspace_.showSubjectPending(subject, tr("The project's subject is missing: %1").arg(missing));
  auto* box = new QMessageBox(
      QMessageBox::Warning, tr("Subject missing"),
      (is_lora ? tr("The project's LoRA file is missing:\n%1") : tr("The project's fine-tuned model folder is missing:\n%1"))
          .arg(missing),
      QMessageBox::NoButton, dialog_parent_);
  box->setObjectName(QStringLiteral("missingSubjectDialog"));
  box->setInformativeText(
      tr("If it moved, locate it and the project will remember the new place; or continue "
         "with the base model alone."));
  box->setDetailedText(tr("Project: %1\nSubject: %2").arg(folder_, SubjectPanel::describe(subject)));
  QPushButton* locate = box->addButton(tr("&Locate\u2026"), QMessageBox::AcceptRole);
  locate->setObjectName(QStringLiteral("locateButton"));
  QPushButton* skip = box->addButton(tr("&Continue without Subject"), QMessageBox::RejectRole);
  skip->setObjectName(QStringLiteral("continueWithoutButton"));
  box->setDefaultButton(locate);
  box->setAttribute(Qt::WA_DeleteOnClose);
  connect(box, &QMessageBox::buttonClicked, this, [this, locate, missing, is_lora](QAbstractButton* clicked) {
    if (clicked != locate) {
      Q_EMIT info(tr("Continuing without the project's subject."));
      return;
    }
    QTimer::singleShot(0, this, [this, missing, is_lora] {
      const QString chosen = is_lora ? ask(FileQuestion::Kind::ExistingFile, QStringLiteral("locate-subject"),
                                           tr("Locate LoRA %1").arg(folder_name(missing)), start_folder_for(missing),
                                           tr("LoRA weights (*.safetensors);;All files (*)"))
                                     : ask(FileQuestion::Kind::ExistingFolder, QStringLiteral("locate-subject"),
                                           tr("Locate Fine-tuned Model %1").arg(folder_name(missing)), start_folder_for(missing));
      if (chosen.isEmpty()) {
        askForMissingSubject();
        return;
      }
      project_.subject.path = to_path(clean_absolute(chosen));
      Q_EMIT info(tr("The project's subject is now %1").arg(clean_absolute(chosen)));
      scheduleAutosave();
      workspace_.attachSubject(project_.subject);
    });
  });
  box->open();
}

}  // namespace steer::ui
