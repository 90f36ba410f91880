#include "ui/main_window.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QShortcut>
#include <QSpinBox>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>
#include <algorithm>

#include "core/training/training_settings.h"
#include "ui/board/board_plan.h"
#include "ui/board/compare_board.h"
#include "ui/board/subject_comparison.h"
#include "ui/engine/engine_thread.h"
#include "ui/folder_names.h"
#include "ui/getting_started.h"
#include "ui/panels/generate_panel.h"
#include "ui/panels/omega_schedule_editor.h"
#include "ui/panels/seed_spin_box.h"
#include "ui/panels/train_panel.h"
#include "ui/path_text.h"
#include "ui/project/project_store.h"
#include "ui/widgets/log_view.h"
#include "ui/widgets/model_summary_view.h"
#include "ui/widgets/subject_panel.h"

namespace steer::ui {

namespace {

const QString kGeometryKey = QStringLiteral("mainWindow/geometry");
const QString kStateKey = QStringLiteral("mainWindow/state");
const QString kModelSplitterKey = QStringLiteral("mainWindow/modelSplitter");
const QString kCurrentTabKey = QStringLiteral("mainWindow/currentTab");
const QString kLastDirectoryKey = QStringLiteral("mainWindow/lastOpenDirectory");
const QString kLastSubjectDirectoryKey = QStringLiteral("mainWindow/lastSubjectDirectory");

// What a drop means. One local path: a .safetensors file is a LoRA subject; a folder with
// project.json (or that file) a project; a folder with model_index.json (or that file) a
// model; any other folder is tried as a model (the error says what is missing).
struct Dropped {
  enum class Kind { Nothing, Lora, Project, Model, Folder };
  Kind kind = Kind::Nothing;
  QString path;
};

Dropped classify_drop(const QMimeData* mime) {
  if (!mime || !mime->hasUrls() || mime->urls().size() != 1) return {};
  const QUrl url = mime->urls().constFirst();
  if (!url.isLocalFile()) return {};
  const QFileInfo info(url.toLocalFile());
  if (info.isFile()) {
    if (info.suffix().compare(QLatin1String("safetensors"), Qt::CaseInsensitive) == 0)
      return {Dropped::Kind::Lora, info.absoluteFilePath()};
    if (info.fileName() == kProjectFileName) return {Dropped::Kind::Project, info.absolutePath()};
    if (info.fileName() == QLatin1String("model_index.json")) return {Dropped::Kind::Model, info.absolutePath()};
    return {};
  }
  if (!info.isDir()) return {};
  const QString folder = info.absoluteFilePath();
  if (is_project_folder(folder)) return {Dropped::Kind::Project, folder};
  if (QFileInfo(QDir(folder).filePath(QStringLiteral("model_index.json"))).isFile()) return {Dropped::Kind::Model, folder};
  return {Dropped::Kind::Folder, folder};
}

// Calls `slot` whenever any editing control under `root` changes value. The panels have
// no single "settings changed" signal; their controls are standard widgets.
template <class Slot>
void connect_edits(QWidget* root, QObject* context, Slot slot) {
  for (auto* w : root->findChildren<QLineEdit*>()) QObject::connect(w, &QLineEdit::textChanged, context, slot);
  for (auto* w : root->findChildren<QPlainTextEdit*>())
    if (!w->isReadOnly()) QObject::connect(w, &QPlainTextEdit::textChanged, context, slot);
  for (auto* w : root->findChildren<QSpinBox*>()) QObject::connect(w, &QSpinBox::valueChanged, context, slot);
  for (auto* w : root->findChildren<QDoubleSpinBox*>()) QObject::connect(w, &QDoubleSpinBox::valueChanged, context, slot);
  for (auto* w : root->findChildren<SeedSpinBox*>()) QObject::connect(w, &SeedSpinBox::valueChanged, context, slot);
  for (auto* w : root->findChildren<QComboBox*>()) QObject::connect(w, &QComboBox::currentIndexChanged, context, slot);
  for (auto* w : root->findChildren<QAbstractButton*>())
    if (w->isCheckable()) QObject::connect(w, &QAbstractButton::toggled, context, slot);
  for (auto* w : root->findChildren<OmegaScheduleEditor*>())
    QObject::connect(w, &OmegaScheduleEditor::scheduleChanged, context, slot);
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), engine_(std::make_unique<EngineBridge>()) {
  setObjectName(QStringLiteral("mainWindow"));
  setAcceptDrops(true);
  setDockOptions(dockOptions() | QMainWindow::AllowNestedDocks);

  // Before the tabs: the first board asks it where to save its images.
  project_ = new ProjectController(*this, this);

  createTabs();
  createLogDock();
  connectProject();

  busy_indicator_ = new QProgressBar(this);
  busy_indicator_->setRange(0, 0);  // indeterminate: loads report no progress
  busy_indicator_->setMaximumWidth(160);
  busy_indicator_->setTextVisible(false);
  busy_indicator_->hide();
  statusBar()->addPermanentWidget(busy_indicator_);
  statusBar()->showMessage(tr("Ready"));

  createActions();
  createMenus();
  updateModelActions();
  connectEngine();

  resize(1180, 760);
  restoreWindowState();
  updateTitle();
  log_view_->addInfo(tr("Steer Studio %1 started.").arg(QApplication::applicationVersion()));
}

MainWindow::~MainWindow() {
  // A change not written yet (the window closed without closeEvent, or within the
  // autosave delay) still reaches the project, while the boards it records still exist.
  project_->writeBeforeDestruction();
  // The panels and boards cancel their jobs on the engine when they go, so they go while
  // it still exists; then engine_ joins the engine thread.
  delete takeCentralWidget();
  engine_.reset();
}

// ---- Construction ---------------------------------------------------------------------

void MainWindow::createTabs() {
  tabs_ = new QTabWidget(this);
  tabs_->setObjectName(QStringLiteral("mainTabs"));
  tabs_->setDocumentMode(true);

  // Model: what is loaded, and the subject beside it.
  model_splitter_ = new QSplitter(Qt::Horizontal, tabs_);
  model_splitter_->setObjectName(QStringLiteral("modelSplitter"));
  summary_view_ = new ModelSummaryView(model_splitter_);
  auto* subject_column = new QWidget(model_splitter_);
  auto* subject_layout = new QVBoxLayout(subject_column);
  subject_panel_ = new SubjectPanel(subject_column);
  subject_layout->addWidget(subject_panel_);
  subject_layout->addStretch(1);
  model_splitter_->addWidget(summary_view_);
  model_splitter_->addWidget(subject_column);
  model_splitter_->setStretchFactor(0, 3);
  model_splitter_->setStretchFactor(1, 2);
  tabs_->addTab(model_splitter_, tr("&Model"));

  train_panel_ = new TrainPanel(*engine_, tabs_);
  train_panel_->setFileChooser(file_chooser_);
  tabs_->addTab(train_panel_, tr("&Train"));

  generate_panel_ = new GeneratePanel(*engine_, tabs_);
  tabs_->addTab(generate_panel_, tr("&Generate"));
  // The window owns Ctrl+Return and Esc (they work from every tab); the panel's own
  // copies of those keys would make each press ambiguous, so they step aside here.
  for (QShortcut* shortcut : generate_panel_->findChildren<QShortcut*>()) {
    const QKeySequence key = shortcut->key();
    if (key == QKeySequence(Qt::CTRL | Qt::Key_Return) || key == QKeySequence(Qt::CTRL | Qt::Key_Enter) ||
        key == QKeySequence(Qt::Key_Escape))
      shortcut->setEnabled(false);
  }

  boards_ = new QTabWidget(tabs_);
  boards_->setObjectName(QStringLiteral("boardTabs"));
  boards_->setDocumentMode(true);
  auto* new_board = new QToolButton(boards_);
  new_board->setObjectName(QStringLiteral("newBoardButton"));
  new_board->setText(tr("New Board"));
  new_board->setToolTip(tr("Add another compare board to this project."));
  connect(new_board, &QToolButton::clicked, this, [this] {
    addBoard(nullptr);
    boards_->setCurrentIndex(boards_->count() - 1);
    project_->scheduleAutosave();
  });
  boards_->setCornerWidget(new_board, Qt::TopRightCorner);
  connect(boards_, &QTabWidget::currentChanged, project_, &ProjectController::scheduleAutosave);
  tabs_->addTab(boards_, tr("&Compare"));
  addBoard(nullptr);

  setCentralWidget(tabs_);

  // The boards start from the Generate panel's settings: keep them in step.
  connect_edits(generate_panel_, this, [this] {
    const steer::GenerationRequest request = generate_panel_->request();
    for (int i = 0; i < boardCount(); ++i) board(i)->setBaseRequest(request);
    project_->scheduleAutosave();
  });
  connect(tabs_, &QTabWidget::currentChanged, this, [this](int index) {
    if (index != CompareTab) return;
    const steer::GenerationRequest request = generate_panel_->request();
    for (int i = 0; i < boardCount(); ++i) board(i)->setBaseRequest(request);
  });

  connect(subject_panel_, &SubjectPanel::attachLoraRequested, this, &MainWindow::chooseLoraFile);
  connect(subject_panel_, &SubjectPanel::attachFineTunedRequested, this, &MainWindow::chooseFineTunedFolder);
  connect(subject_panel_, &SubjectPanel::detachRequested, this, &MainWindow::detachSubject);
  connect(subject_panel_, &SubjectPanel::recentSubjectRequested, this, [this](const QString& path) {
    steer::SubjectSpec subject;
    subject.kind = QFileInfo(path).isDir() ? steer::SubjectSpec::Kind::FineTuned : steer::SubjectSpec::Kind::Lora;
    subject.path = to_path(path);
    subject.multiplier = subject_panel_->loraStrength();
    attachSubject(subject);
  });
  connect(subject_panel_, &SubjectPanel::loraStrengthEdited, this, [this](double multiplier) {
    steer::SubjectSpec subject = subject_panel_->attached();
    subject.multiplier = multiplier;
    attachSubject(subject);
  });
  subject_panel_->setModelLoaded(false);

  connect(subject_panel_, &SubjectPanel::triggerWordsChanged, this, &MainWindow::showSubjectWords);
  connect(generate_panel_, &GeneratePanel::imageGenerated, project_, &ProjectController::keepGeneratedImage);
  connect(generate_panel_, &GeneratePanel::imageSaved, this,
          [this](const QString& path) { log_view_->addInfo(tr("Saved %1").arg(QDir::toNativeSeparators(path))); });

  connect(train_panel_, &TrainPanel::settingsEdited, project_, &ProjectController::scheduleAutosave);
  connect(train_panel_, &TrainPanel::compareRequested, this, &MainWindow::compareTrainedSubject);
  connect(train_panel_, &TrainPanel::info, this, [this](const QString& text) { log_view_->addInfo(text); });
  connect(train_panel_, &TrainPanel::warning, this, [this](const QString& text) { log_view_->addWarning(text); });
}

void MainWindow::setFileChooser(FileChooser chooser) {
  file_chooser_ = std::move(chooser);
  train_panel_->setFileChooser(file_chooser_);
  generate_panel_->setFileChooser(file_chooser_);
  project_->setFileChooser(file_chooser_);
}

void MainWindow::createLogDock() {
  log_dock_ = new QDockWidget(tr("Log"), this);
  log_dock_->setObjectName(QStringLiteral("logDock"));
  log_view_ = new LogView(log_dock_);
  log_dock_->setWidget(log_view_);
  addDockWidget(Qt::BottomDockWidgetArea, log_dock_);
}

void MainWindow::createActions() {
  generate_action_ = new QAction(tr("&Generate"), this);
  generate_action_->setObjectName(QStringLiteral("generateAction"));
  generate_action_->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)});
  generate_action_->setStatusTip(tr("Generate one image, or run the board when the Compare tab is shown."));
  connect(generate_action_, &QAction::triggered, this, &MainWindow::generate);

  cancel_action_ = new QAction(tr("&Cancel"), this);
  cancel_action_->setObjectName(QStringLiteral("cancelAction"));
  cancel_action_->setShortcut(QKeySequence(Qt::Key_Escape));
  cancel_action_->setStatusTip(tr("Stop the generation or the board run in progress."));
  connect(cancel_action_, &QAction::triggered, this, &MainWindow::cancelJobs);

  next_cell_action_ = new QAction(tr("&Next Cell"), this);
  next_cell_action_->setObjectName(QStringLiteral("nextCellAction"));
  next_cell_action_->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Right), QKeySequence(Qt::Key_BracketRight)});
  connect(next_cell_action_, &QAction::triggered, this, &MainWindow::selectNextCell);

  previous_cell_action_ = new QAction(tr("&Previous Cell"), this);
  previous_cell_action_->setObjectName(QStringLiteral("previousCellAction"));
  previous_cell_action_->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Left), QKeySequence(Qt::Key_BracketLeft)});
  connect(previous_cell_action_, &QAction::triggered, this, &MainWindow::selectPreviousCell);

  export_action_ = new QAction(tr("&Export Board\u2026"), this);
  export_action_->setObjectName(QStringLiteral("exportAction"));
  export_action_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
  export_action_->setStatusTip(tr("Export the current board's images, sidecars and grid."));
  connect(export_action_, &QAction::triggered, this, &MainWindow::showExportDialog);
}

void MainWindow::createMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* new_project = file->addAction(tr("&New Project\u2026"), project_, &ProjectController::chooseNewProject);
  new_project->setObjectName(QStringLiteral("newProjectAction"));
  new_project->setShortcut(QKeySequence::New);
  QAction* open_project = file->addAction(tr("Open &Project\u2026"), project_, &ProjectController::chooseProjectToOpen);
  open_project->setObjectName(QStringLiteral("openProjectAction"));
  open_project->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
  recent_projects_menu_ = file->addMenu(tr("Recent P&rojects"));
  recent_projects_menu_->setObjectName(QStringLiteral("recentProjectsMenu"));
  connect(recent_projects_menu_, &QMenu::aboutToShow, this, &MainWindow::rebuildRecentProjectsMenu);
  rebuildRecentProjectsMenu();
  QAction* save = file->addAction(tr("&Save Project"), this, [this] { saveProject(); });
  save->setObjectName(QStringLiteral("saveProjectAction"));
  save->setShortcut(QKeySequence::Save);
  save->setStatusTip(tr("Projects also save themselves two seconds after every change."));

  file->addSeparator();
  QAction* open = file->addAction(tr("&Open Model Folder\u2026"), this, &MainWindow::chooseModelFolder);
  open->setShortcut(QKeySequence::Open);
  open->setObjectName(QStringLiteral("openModelFolderAction"));
  recent_models_menu_ = file->addMenu(tr("Recent &Models"));
  recent_models_menu_->setObjectName(QStringLiteral("recentModelsMenu"));
  connect(recent_models_menu_, &QMenu::aboutToShow, this, &MainWindow::rebuildRecentModelsMenu);
  rebuildRecentModelsMenu();
  attach_lora_action_ = file->addAction(tr("Attach &LoRA\u2026"), this, &MainWindow::chooseLoraFile);
  attach_lora_action_->setObjectName(QStringLiteral("attachLoraAction"));
  attach_fine_tuned_action_ = file->addAction(tr("Attach &Fine-tuned Model\u2026"), this, &MainWindow::chooseFineTunedFolder);
  attach_fine_tuned_action_->setObjectName(QStringLiteral("attachFineTunedAction"));
  detach_action_ = file->addAction(tr("&Detach Subject"), this, &MainWindow::detachSubject);
  detach_action_->setObjectName(QStringLiteral("detachSubjectAction"));

  file->addSeparator();
  file->addAction(export_action_);
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);
  quit->setMenuRole(QAction::QuitRole);

  QMenu* run = menuBar()->addMenu(tr("&Run"));
  run->addAction(generate_action_);
  run->addAction(cancel_action_);
  run->addSeparator();
  run->addAction(next_cell_action_);
  run->addAction(previous_cell_action_);

  QMenu* view = menuBar()->addMenu(tr("&View"));
  const QStringList tab_names = {tr("&Model"), tr("&Train"), tr("&Generate"), tr("&Compare")};
  for (int i = 0; i < tab_names.size(); ++i) {
    QAction* show_tab = view->addAction(tab_names[i], this, [this, i] { tabs_->setCurrentIndex(i); });
    show_tab->setShortcut(QKeySequence(Qt::CTRL | (Qt::Key_1 + i)));
  }
  view->addSeparator();
  QAction* toggle_log = log_dock_->toggleViewAction();
  toggle_log->setObjectName(QStringLiteral("toggleLogAction"));
  toggle_log->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
  view->addAction(toggle_log);

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  QAction* getting_started = help->addAction(tr("&Getting Started"), this, [this] { open_getting_started(this); });
  getting_started->setObjectName(QStringLiteral("gettingStartedAction"));
  getting_started->setStatusTip(tr("A short page on the first steps: model, subject, Generate and Compare."));
  help->addSeparator();
  QAction* about = help->addAction(tr("&About Steer Studio"), this, &MainWindow::showAbout);
  about->setMenuRole(QAction::AboutRole);
  QAction* about_qt = help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
  about_qt->setMenuRole(QAction::AboutQtRole);
}

void MainWindow::connectEngine() {
  connect(engine_.get(), &EngineBridge::modelLoaded, this, &MainWindow::showModel);
  connect(engine_.get(), &EngineBridge::modelLoadFailed, this, &MainWindow::showLoadError);
  connect(engine_.get(), &EngineBridge::busyChanged, this, &MainWindow::showBusy);
  connect(engine_.get(), &EngineBridge::subjectChanged, this, &MainWindow::showSubjectAttached);
  connect(engine_.get(), &EngineBridge::subjectFailed, this, &MainWindow::showSubjectError);
  connect(engine_.get(), &EngineBridge::jobStarted, this, [this](quint64 job) {
    if (job == train_panel_->lastJob()) return;  // the Train panel logged its run when it submitted it
    if (job != generate_panel_->currentJob()) {
      log_view_->addInfo(tr("Job %1 started (board).").arg(job));
      return;
    }
    const steer::GenerationRequest r = generate_panel_->request();
    log_view_->addInfo(tr("Job %1 started: %2, %3 %4 steps, %5×%6.")
                           .arg(job)
                           .arg(to_qstring(r.guidance.describe()), to_qstring(r.sampler))
                           .arg(r.steps)
                           .arg(r.width)
                           .arg(r.height));
  });
  connect(engine_.get(), &EngineBridge::jobFinished, this,
          [this](quint64 job) { log_view_->addInfo(tr("Job %1 finished.").arg(job)); });
  connect(engine_.get(), &EngineBridge::jobCancelled, this,
          [this](quint64 job) { log_view_->addInfo(tr("Job %1 cancelled.").arg(job)); });
  connect(engine_.get(), &EngineBridge::jobFailed, this, &MainWindow::showJobFailed);
}

void MainWindow::connectProject() {
  connect(project_, &ProjectController::folderChanged, this, &MainWindow::updateTitle);
  connect(project_, &ProjectController::modifiedChanged, this, &QWidget::setWindowModified);
  connect(project_, &ProjectController::info, this, [this](const QString& text) { log_view_->addInfo(text); });
  connect(project_, &ProjectController::warning, this, [this](const QString& text) { log_view_->addWarning(text); });
  connect(project_, &ProjectController::statusMessage, this,
          [this](const QString& text, int timeout_ms) { statusBar()->showMessage(text, timeout_ms); });
  connect(project_, &ProjectController::errorReported, this,
          [this](const QString& object_name, const QString& title, const QString& text, const QString& reason,
                 const QString& details) { showError(object_name, title, text, reason, details); });
}

void MainWindow::rebuildRecentModelsMenu() {
  recent_models_menu_->clear();
  const QStringList folders = recent_models_.folders();
  for (int i = 0; i < folders.size(); ++i) {
    const QString folder = folders[i];
    // "&1 name" gives keyboard access; the full path is in the status tip.
    QAction* action = recent_models_menu_->addAction(QStringLiteral("&%1 %2").arg(i + 1).arg(folder_name(folder)), this,
                                                     [this, folder] { openModelFolder(folder); });
    action->setStatusTip(folder);
    action->setToolTip(folder);
  }
  if (folders.isEmpty()) recent_models_menu_->addAction(tr("No recent models"))->setEnabled(false);
  recent_models_menu_->addSeparator();
  QAction* clear = recent_models_menu_->addAction(tr("&Clear List"), this, [this] { recent_models_.clear(); });
  clear->setEnabled(!folders.isEmpty());
}

void MainWindow::rebuildRecentProjectsMenu() {
  recent_projects_menu_->clear();
  const QStringList folders = project_->recentProjects();
  for (int i = 0; i < folders.size(); ++i) {
    const QString folder = folders[i];
    QAction* action = recent_projects_menu_->addAction(QStringLiteral("&%1 %2").arg(i + 1).arg(folder_name(folder)), this,
                                                       [this, folder] { openProject(folder); });
    action->setStatusTip(folder);
    action->setToolTip(folder);
  }
  if (folders.isEmpty()) recent_projects_menu_->addAction(tr("No recent projects"))->setEnabled(false);
  recent_projects_menu_->addSeparator();
  QAction* clear = recent_projects_menu_->addAction(tr("&Clear List"), project_, &ProjectController::clearRecentProjects);
  clear->setEnabled(!folders.isEmpty());
}

// ---- Questions and commands -------------------------------------------------------------

QString MainWindow::ask(FileQuestion::Kind kind, const QString& purpose, const QString& title, const QString& start,
                        const QString& filter) {
  FileQuestion question;
  question.kind = kind;
  question.purpose = purpose;
  question.title = title;
  question.start = start;
  question.filter = filter;
  return file_chooser_ ? file_chooser_(this, question) : QString();
}

void MainWindow::chooseModelFolder() {
  const QString folder = ask(FileQuestion::Kind::ExistingFolder, QStringLiteral("model"), tr("Open Model Folder"),
                             remembered_folder(kLastDirectoryKey, QDir::homePath()));
  if (folder.isEmpty()) return;
  remember_folder_of(kLastDirectoryKey, folder);
  openModelFolder(folder);
}

void MainWindow::chooseLoraFile() {
  const QString file =
      ask(FileQuestion::Kind::ExistingFile, QStringLiteral("subject-lora"), tr("Attach LoRA"),
          remembered_folder(kLastSubjectDirectoryKey, QDir::homePath()), tr("LoRA weights (*.safetensors);;All files (*)"));
  if (file.isEmpty()) return;
  remember_folder_of(kLastSubjectDirectoryKey, file);
  steer::SubjectSpec subject;
  subject.kind = steer::SubjectSpec::Kind::Lora;
  subject.path = to_path(QFileInfo(file).absoluteFilePath());
  subject.multiplier = subject_panel_->loraStrength();
  attachSubject(subject);
}

void MainWindow::chooseFineTunedFolder() {
  const QString folder = ask(FileQuestion::Kind::ExistingFolder, QStringLiteral("subject-fine-tuned"),
                             tr("Attach Fine-tuned Model"), remembered_folder(kLastSubjectDirectoryKey, QDir::homePath()));
  if (folder.isEmpty()) return;
  remember_folder_of(kLastSubjectDirectoryKey, folder);
  steer::SubjectSpec subject;
  subject.kind = steer::SubjectSpec::Kind::FineTuned;
  subject.path = to_path(clean_absolute(folder));
  attachSubject(subject);
}

void MainWindow::showExportDialog() {
  CompareBoard* board = currentBoard();
  if (!board) return;
  tabs_->setCurrentIndex(CompareTab);
  board->openExportDialog();
}

void MainWindow::generate() {
  if (tabs_->currentIndex() == CompareTab) {
    if (CompareBoard* board = currentBoard()) {
      board->setBaseRequest(generate_panel_->request());
      board->run();
    }
    return;
  }
  tabs_->setCurrentIndex(GenerateTab);
  generate_panel_->generate();
}

void MainWindow::cancelJobs() {
  if (generate_panel_->isGenerating()) generate_panel_->cancel();
  for (int i = 0; i < boardCount(); ++i)
    if (board(i)->isRunning()) board(i)->cancel();
}

void MainWindow::selectNextCell() {
  CompareBoard* board = currentBoard();
  if (!board) return;
  tabs_->setCurrentIndex(CompareTab);
  if (board->currentCell() < 0 && board->cellCount() > 0)
    board->selectCell(0);
  else
    board->moveCurrent(1, 0);
}

void MainWindow::selectPreviousCell() {
  CompareBoard* board = currentBoard();
  if (!board) return;
  tabs_->setCurrentIndex(CompareTab);
  if (board->currentCell() < 0 && board->cellCount() > 0)
    board->selectCell(board->cellCount() - 1);
  else
    board->moveCurrent(-1, 0);
}

void MainWindow::showAbout() {
  QMessageBox::about(
      this, tr("About Steer Studio"),
      tr("<h3>Steer Studio %1</h3>"
         "<p>Personalise Stable Diffusion models on your own images.</p>"
         "<p>Built with Qt %2, running on Qt %3.</p>")
          .arg(QApplication::applicationVersion(), QStringLiteral(QT_VERSION_STR), QString::fromLatin1(qVersion())));
}

// ---- Model and subject ------------------------------------------------------------------

void MainWindow::openModelFolder(const QString& folder) {
  const QString absolute = clean_absolute(folder);
  loading_.push_back({absolute, false});
  engine_->loadModel(absolute);
  statusBar()->showMessage(tr("Loading %1\u2026").arg(loading_.front().folder));
  log_view_->addInfo(tr("Loading model %1").arg(absolute));
}

void MainWindow::showModel(const steer::ModelSummary& summary) {
  PendingLoad load{to_qstring(summary.folder), false};
  if (!loading_.empty()) {
    load = loading_.front();
    loading_.pop_front();
  }
  const QString folder = load.folder;
  const bool had_subject = subject_panel_->hasSubject();
  // The size boxes take the new model's latent cells, and the far-from-native notes its
  // native size (issue 11, item 3).
  generate_panel_->setModelGeometry(summary.native_resolution, summary.latent_factor);
  for (int i = 0; i < boardCount(); ++i) board(i)->setNativeSide(summary.native_resolution);
  // A new model's native size replaces the image size while that size is still the previous
  // model's native one (or the 512 default): the designer's own choice is kept.
  if (summary.native_resolution > 0) {
    steer::GenerationRequest r = generate_panel_->request();
    if (r.width == native_resolution_ && r.height == native_resolution_ && summary.native_resolution != native_resolution_) {
      r.width = r.height = summary.native_resolution;
      generate_panel_->setRequest(r);
    }
    native_resolution_ = summary.native_resolution;
  }
  summary_view_->showSummary(summary);
  model_name_ = folder_name(folder);
  recent_models_.add(folder);

  // The project now records this model, as it is now.
  project_->recordModel(folder);

  // Loading a model drops the engine's subject.
  subject_panel_->setModelLoaded(true);
  updateModelActions();
  for (int i = 0; i < boardCount(); ++i) board(i)->setSubject({});
  // The project's subject follows its model; so does a subject the project remembers but
  // could not attach yet (its model was missing and the designer opened it by hand).
  if ((load.for_project || !had_subject) && project_->hasSubject()) {
    project_->restoreSubject();
  } else {
    if (had_subject) log_view_->addInfo(tr("The subject was detached: it belonged to the previous model."));
    subject_panel_->showDetached();
    if (!load.for_project) project_->recordSubject({});
  }

  log_view_->addInfo(
      tr("Loaded %1: %2, %3 parameters.")
          .arg(folder, to_qstring(summary.family), to_qstring(format_parameter_count(summary.total_parameters()))));
  if (loading_.empty())
    statusBar()->showMessage(
        tr("Loaded %1 (%2 parameters)").arg(folder, to_qstring(format_parameter_count(summary.total_parameters()))));
  else
    statusBar()->showMessage(tr("Loading %1\u2026").arg(loading_.front().folder));
  updateTitle();
  project_->scheduleAutosave();
  // The command line's subject follows the start-up model (after the project's own subject).
  if (startup_subject_ && !startup_subject_->submitted && loading_.empty()) submitStartupSubject();
}

void MainWindow::showLoadError(const QString& folder, const QString& message) {
  if (!loading_.empty()) loading_.pop_front();
  // A folder that is gone should not stay in the recent list.
  if (!QFileInfo(folder).isDir()) recent_models_.remove(folder);
  statusBar()->showMessage(loading_.empty() ? tr("Could not load %1").arg(folder)
                                            : tr("Loading %1\u2026").arg(loading_.front().folder));
  if (project_->hasSubject() && !subject_panel_->hasSubject() && !engine_->hasModel())
    subject_panel_->showPending(project_->subject(), tr("Waiting for a model: the project's subject is attached once "
                                                        "its model loads."));
  showError(QStringLiteral("modelLoadErrorDialog"), tr("Could not open model folder"),
            tr("Could not open the model folder %1").arg(folder), message, tr("Folder: %1\n\n%2").arg(folder, message));
  // The command line's subject waited for this model: it has nothing to attach to now
  // (submitStartupSubject says so) unless an earlier model is still loaded.
  if (startup_subject_ && !startup_subject_->submitted && loading_.empty()) submitStartupSubject();
}

void MainWindow::attachSubject(const steer::SubjectSpec& subject) {
  if (!engine_->hasModel() && loading_.empty()) {
    const QString text = tr("Open a model first: a subject is attached to a loaded base model.");
    statusBar()->showMessage(text);
    log_view_->addWarning(text);
    return;
  }
  attaching_.push_back(subject);
  if (subject.kind == steer::SubjectSpec::Kind::None) {
    log_view_->addInfo(tr("Detaching the subject."));
  } else {
    subject_panel_->showAttaching(subject);
    log_view_->addInfo(tr("Attaching %1").arg(SubjectPanel::describe(subject)));
    statusBar()->showMessage(tr("Attaching %1\u2026").arg(folder_name(to_qstring(subject.path))));
  }
  engine_->setSubject(subject);
}

void MainWindow::updateModelActions() {
  // What needs a model says so by being disabled until one is loaded (the Generate and
  // Compare buttons explain it in their own notes).
  const bool model = engine_->hasModel();
  generate_action_->setEnabled(model);
  attach_lora_action_->setEnabled(model);
  attach_fine_tuned_action_->setEnabled(model);
  detach_action_->setEnabled(model && (subject_panel_->hasSubject() || project_->hasSubject()));
}

void MainWindow::detachSubject() {
  if (subject_panel_->hasSubject()) {
    attachSubject(steer::SubjectSpec{});
    return;
  }
  // A subject the project remembers but could not attach: forget it.
  if (project_->hasSubject()) {
    project_->recordSubject({});
    subject_panel_->showDetached();
    log_view_->addInfo(tr("The project no longer has a subject."));
    project_->scheduleAutosave();
  }
}

void MainWindow::attachSubjectAtStart(const QString& path, const QStringList& compare_prompts) {
  StartupSubject start;
  start.path = path;
  start.compare_prompts = compare_prompts;
  // As the Model tab's attach makes it: a folder is a fine-tuned subject; a file (the
  // attach dialog asks for *.safetensors) a LoRA at the panel's strength.
  if (QFileInfo(path).isDir()) {
    start.subject.kind = steer::SubjectSpec::Kind::FineTuned;
    start.subject.path = to_path(clean_absolute(path));
  } else {
    start.subject.kind = steer::SubjectSpec::Kind::Lora;
    start.subject.path = to_path(QFileInfo(path).absoluteFilePath());
    start.subject.multiplier = subject_panel_->loraStrength();
  }
  startup_subject_ = std::move(start);
  if (loading_.empty()) {
    submitStartupSubject();
    return;
  }
  subject_panel_->showPending(startup_subject_->subject, tr("Attached once the model has loaded."));
  log_view_->addInfo(tr("%1 is attached once the model has loaded.").arg(SubjectPanel::describe(startup_subject_->subject)));
}

void MainWindow::submitStartupSubject() {
  StartupSubject& start = *startup_subject_;
  if (!engine_->hasModel()) {
    const QString text = tr("%1 was not attached: no model is loaded.").arg(SubjectPanel::describe(start.subject));
    log_view_->addWarning(text);
    statusBar()->showMessage(text);
    if (!start.compare_prompts.isEmpty()) log_view_->addWarning(tr("No Compare board was set up for it."));
    subject_panel_->showDetached();
    startup_subject_.reset();
    Q_EMIT startupSubjectFailed(text);
    return;
  }
  start.submitted = true;
  attachSubject(start.subject);
}

void MainWindow::finishStartupSubject(const steer::SubjectSpec& subject, bool attached, const QString& message) {
  if (!startup_subject_ || !startup_subject_->submitted) return;
  // Another attach answered first (the project's subject, say): keep waiting.
  if (subject.kind != startup_subject_->subject.kind || subject.path != startup_subject_->subject.path) return;
  const StartupSubject start = std::move(*startup_subject_);
  startup_subject_.reset();
  if (!attached) {
    if (!start.compare_prompts.isEmpty())
      log_view_->addWarning(tr("No Compare board was set up: %1 is not attached.").arg(start.path));
    Q_EMIT startupSubjectFailed(message);
    return;
  }
  if (!start.compare_prompts.isEmpty()) setUpCompareBoard(subject, start.compare_prompts);
  Q_EMIT startupSubjectAttached();
}

void MainWindow::showSubjectAttached(const QString& note) {
  steer::SubjectSpec subject;
  if (!attaching_.empty()) {
    subject = attaching_.front();
    attaching_.pop_front();
  }
  subject_panel_->showAttached(subject, note);
  updateModelActions();
  project_->recordSubject(subject);
  for (int i = 0; i < boardCount(); ++i) board(i)->setSubject(subject);
  if (subject.kind == steer::SubjectSpec::Kind::None) {
    log_view_->addInfo(tr("Subject detached."));
    statusBar()->showMessage(tr("Subject detached"));
  } else {
    log_view_->addInfo(note.isEmpty() ? tr("Attached %1.").arg(SubjectPanel::describe(subject))
                                      : tr("Attached %1: %2").arg(SubjectPanel::describe(subject), note));
    statusBar()->showMessage(tr("Attached %1").arg(folder_name(to_qstring(subject.path))));
  }
  updateTitle();
  project_->scheduleAutosave();
  finishStartupSubject(subject, true, {});
}

void MainWindow::showSubjectWords() {
  const QString words = subject_panel_->triggerWords();
  generate_panel_->setSubjectWords(words);
  for (int i = 0; i < boardCount(); ++i) board(i)->setSubjectWords(words);
}

void MainWindow::showSubjectError(const QString& message, const steer::SubjectSpec& still_attached) {
  steer::SubjectSpec subject;
  if (!attaching_.empty()) {
    subject = attaching_.front();
    attaching_.pop_front();
  }
  subject_panel_->showFailed(subject, message, still_attached);
  updateModelActions();
  // The boards keep comparing with the subject the engine kept.
  for (int i = 0; i < boardCount(); ++i) board(i)->setSubject(still_attached);
  // The project keeps its record (the next open tries again); a subject the user just
  // chose replaces nothing.
  statusBar()->showMessage(tr("Could not attach %1").arg(folder_name(to_qstring(subject.path))));
  showError(QStringLiteral("subjectErrorDialog"), tr("Could not attach subject"),
            tr("Could not attach %1").arg(to_qstring(subject.path)), message,
            tr("Subject: %1\nModel: %2\n\n%3").arg(SubjectPanel::describe(subject), engine_->modelFolder(), message));
  finishStartupSubject(subject, false, message);
}

void MainWindow::showJobFailed(quint64 job, const QString& message) {
  if (job == train_panel_->lastJob()) {
    const steer::TrainingSettings run = train_panel_->lastRunSettings();
    showError(QStringLiteral("trainingErrorDialog"), tr("Training failed"), tr("Training job %1 failed.").arg(job), message,
              tr("Base model: %1\nPhotos: %2\nRun folder: %3\n\n%4")
                  .arg(to_qstring(run.base_model), to_qstring(run.dataset), to_qstring(run.output), message));
    return;
  }
  showError(QStringLiteral("jobErrorDialog"), tr("Generation failed"), tr("Job %1 failed.").arg(job), message,
            tr("Model: %1\nSubject: %2\n\n%3")
                .arg(engine_->modelFolder(),
                     subject_panel_->hasSubject() ? SubjectPanel::describe(subject_panel_->attached()) : tr("none"), message));
}

void MainWindow::showBusy(bool busy) {
  // Only the indicator: the window stays fully usable while the engine works.
  busy_indicator_->setVisible(busy);
}

QMessageBox* MainWindow::showError(const QString& object_name, const QString& title, const QString& text, const QString& reason,
                                   const QString& details) {
  log_view_->addError(text, reason);
  // Window-modal and non-blocking: no nested event loop inside a signal handler, and the
  // engine's results keep arriving while the dialog is up.
  auto* box = new QMessageBox(QMessageBox::Critical, title, text, QMessageBox::Ok, this);
  box->setObjectName(object_name);
  box->setInformativeText(reason);
  if (!details.isEmpty()) box->setDetailedText(details);
  box->setTextInteractionFlags(Qt::TextSelectableByMouse);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();
  return box;
}

void MainWindow::compareTrainedSubject(const steer::SubjectSpec& trained, const QStringList& prompts) {
  steer::SubjectSpec subject = trained;
  if (subject.kind == steer::SubjectSpec::Kind::Lora) subject.multiplier = subject_panel_->loraStrength();
  const QString base = clean_absolute(to_qstring(train_panel_->lastRunSettings().base_model));
  const bool base_loaded = engine_->hasModel() && loading_.empty() && clean_absolute(engine_->modelFolder()) == base;
  if (base_loaded) {
    attachSubject(subject);
  } else {
    // A subject fits the model it was trained from: load that one first. Loading it as the
    // project's model makes showModel attach the project's subject, which is this one.
    project_->recordSubject(subject);
    loading_.push_back({base, true});
    engine_->loadModel(base);
    subject_panel_->showPending(subject, tr("Attached once its base model %1 has loaded.").arg(folder_name(base)));
    statusBar()->showMessage(tr("Loading %1\u2026").arg(base));
    log_view_->addInfo(tr("Loading %1, the model the subject was trained from").arg(base));
  }
  setUpCompareBoard(subject, prompts);
}

void MainWindow::setUpCompareBoard(const steer::SubjectSpec& subject, const QStringList& prompts) {
  // A board that already holds a comparison is kept; the new one goes on a fresh board.
  CompareBoard* target = currentBoard();
  if (!target || target->hasPlan() || target->isRunning()) {
    addBoard(nullptr);
    boards_->setCurrentIndex(boards_->count() - 1);
    target = currentBoard();
  }
  // CFG against PG at ω below 1 (at ω = 1 PG is CFG), at the model's λ: subject_comparison.h.
  // The model the board runs on: the one loading now (Compare after training loads the
  // subject's base first), else the loaded one.
  const QString model = loading_.empty() ? engine_->modelFolder() : loading_.back().folder;
  const BoardAxisTexts texts = subject_comparison_axes(target->axisTexts(), prompts, model);
  target->setAxisTexts(texts);
  target->setBaseRequest(generate_panel_->request());
  tabs_->setCurrentIndex(CompareTab);
  log_view_->addInfo(tr("Compare board for the subject %1: CFG vs PG at ω %2. Press Run to fill it.")
                         .arg(to_qstring(subject.path), QString::fromLatin1(kFirstComparisonOmegas)));
  project_->scheduleAutosave();
}

// ---- Drag and drop ----------------------------------------------------------------------

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (classify_drop(event->mimeData()).kind != Dropped::Kind::Nothing) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  const Dropped dropped = classify_drop(event->mimeData());
  switch (dropped.kind) {
    case Dropped::Kind::Nothing:
      return;
    case Dropped::Kind::Lora: {
      event->acceptProposedAction();
      steer::SubjectSpec subject;
      subject.kind = steer::SubjectSpec::Kind::Lora;
      subject.path = to_path(dropped.path);
      subject.multiplier = subject_panel_->loraStrength();
      attachSubject(subject);
      return;
    }
    case Dropped::Kind::Project:
      event->acceptProposedAction();
      openProject(dropped.path);
      return;
    case Dropped::Kind::Model:
    case Dropped::Kind::Folder:
      event->acceptProposedAction();
      handleDroppedFolder(dropped.path);
      return;
  }
}

void MainWindow::handleDroppedFolder(const QString& folder) {
  const bool is_model = QFileInfo(QDir(folder).filePath(QStringLiteral("model_index.json"))).isFile();
  // With a model loaded, a diffusers folder may be the subject (a fine-tuned copy) as
  // well as a new base: ask which.
  if (is_model && engine_->hasModel())
    askOpenOrAttach(folder);
  else
    openModelFolder(folder);
}

void MainWindow::askOpenOrAttach(const QString& folder) {
  auto* box = new QMessageBox(QMessageBox::Question, tr("Model folder dropped"),
                              tr("What should %1 be?").arg(folder_name(folder)), QMessageBox::NoButton, this);
  box->setObjectName(QStringLiteral("dropFolderChoiceDialog"));
  box->setInformativeText(tr("Open it as the base model (replacing %1), or attach it as the fine-tuned subject "
                             "compared against the base?")
                              .arg(model_name_.isEmpty() ? tr("the loaded model") : model_name_));
  QPushButton* open_button = box->addButton(tr("Open as &Base Model"), QMessageBox::AcceptRole);
  open_button->setObjectName(QStringLiteral("openAsBaseButton"));
  QPushButton* attach_button = box->addButton(tr("Attach as &Fine-tuned Subject"), QMessageBox::ActionRole);
  attach_button->setObjectName(QStringLiteral("attachAsSubjectButton"));
  box->addButton(QMessageBox::Cancel);
  box->setDefaultButton(attach_button);
  box->setAttribute(Qt::WA_DeleteOnClose);
  connect(box, &QMessageBox::buttonClicked, this, [this, folder, open_button, attach_button](QAbstractButton* b) {
    if (b == open_button) {
      openModelFolder(folder);
    } else if (b == attach_button) {
      steer::SubjectSpec subject;
      subject.kind = steer::SubjectSpec::Kind::FineTuned;
      subject.path = to_path(folder);
      attachSubject(subject);
    }
  });
  box->open();
}

// ---- Boards ------------------------------------------------------------------------------

int MainWindow::boardCount() const { return boards_ ? boards_->count() : 0; }

namespace {
// Each board sits in a scroll area: its controls and grid need more height than a laptop
// screen has room for beside the log.
CompareBoard* board_in(QWidget* page) {
  auto* scroll = qobject_cast<QScrollArea*>(page);
  return scroll ? qobject_cast<CompareBoard*>(scroll->widget()) : nullptr;
}
}  // namespace

CompareBoard* MainWindow::board(int index) const { return board_in(boards_->widget(index)); }

CompareBoard* MainWindow::currentBoard() const { return board_in(boards_->currentWidget()); }

void MainWindow::addBoard(const steer::json::Value* state) {
  const int index = boards_->count();
  auto* scroll = new QScrollArea(boards_);
  scroll->setObjectName(QStringLiteral("boardScroll%1").arg(index + 1));
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  auto* board = new CompareBoard(*engine_, scroll);
  board->setObjectName(QStringLiteral("compareBoard%1").arg(index + 1));
  board->setNativeSide(generate_panel_->nativeSide());
  board->setBaseRequest(generate_panel_->request());
  board->setSubject(subject_panel_->attached());
  board->setSubjectWords(subject_panel_->triggerWords());
  // Before a project exists the cells stay in memory; the first save writes them.
  board->setOutputFolder(to_path(project_->boardOutputFolder(index)));
  if (state) {
    try {
      board->fromJson(*state);
    } catch (const std::exception& e) {
      log_view_->addError(tr("Board %1 of the project could not be restored:").arg(index + 1), QString::fromStdString(e.what()));
    }
  }
  connect(board, &CompareBoard::changed, project_, &ProjectController::scheduleAutosave);
  scroll->setWidget(board);
  boards_->addTab(scroll, tr("Board %1").arg(index + 1));
}

void MainWindow::removeAllBoards() {
  while (boards_->count() > 0) {
    QWidget* w = boards_->widget(0);
    boards_->removeTab(0);
    delete w;
  }
}

// ---- What the project controller sees of the window (ProjectWorkspace) --------------------

void MainWindow::collectSettings(Project& project) const {
  project.request = generate_panel_->request();
  project.boards.clear();
  for (int i = 0; i < boardCount(); ++i) project.boards.push_back(board(i)->toJson());
  project.current_board = boards_->currentIndex() < 0 ? 0 : boards_->currentIndex();
  project.training = train_panel_->settings().to_json();
}

void MainWindow::showSettings(const Project& project) {
  generate_panel_->setRequest(project.request);
  // A run in progress keeps its settings on screen: they are what it is training with.
  if (!train_panel_->isTraining()) {
    steer::TrainingSettings training;
    if (project.training.is_object()) {
      try {
        training = steer::TrainingSettings::from_json(project.training, "project.json \"training\"");
      } catch (const std::exception& e) {
        log_view_->addError(tr("The project's training settings could not be restored:"), QString::fromStdString(e.what()));
      }
    }
    train_panel_->setSettings(training);
    if (engine_->hasModel()) train_panel_->setLoadedModel(engine_->modelFolder());
  }
  removeAllBoards();
  for (const steer::json::Value& state : project.boards) addBoard(&state);
  if (boards_->count() == 0) addBoard(nullptr);
  boards_->setCurrentIndex(std::clamp(project.current_board, 0, boards_->count() - 1));
}

void MainWindow::startEmptyBoards() {
  removeAllBoards();
  addBoard(nullptr);
}

void MainWindow::updateBoardFolders() {
  for (int i = 0; i < boardCount(); ++i) board(i)->setOutputFolder(to_path(project_->boardOutputFolder(i)));
}

bool MainWindow::boardsHoldImages() const {
  for (int i = 0; i < boardCount(); ++i)
    for (int c = 0; c < board(i)->cellCount(); ++c)
      if (board(i)->cell(c).hasImage()) return true;
  return false;
}

void MainWindow::cancelGeneration() {
  if (generate_panel_->isGenerating()) generate_panel_->cancel();
}

QString MainWindow::loadedModelFolder() const { return engine_->hasModel() ? engine_->modelFolder() : QString(); }

bool MainWindow::isLoadingModel() const { return !loading_.empty(); }

void MainWindow::loadProjectModel(const QString& folder) {
  loading_.push_back({folder, true});
  engine_->loadModel(folder);
  statusBar()->showMessage(tr("Loading %1\u2026").arg(folder));
  log_view_->addInfo(tr("Loading the project's model %1").arg(folder));
}

steer::SubjectSpec MainWindow::attachedSubject() const { return subject_panel_->attached(); }

void MainWindow::showSubjectPending(const steer::SubjectSpec& subject, const QString& why) {
  subject_panel_->showPending(subject, why);
}

void MainWindow::showSubjectDetached() { subject_panel_->showDetached(); }

// ---- The title, closing and the window's layout -------------------------------------------

void MainWindow::updateTitle() {
  QStringList parts;
  if (project_->hasProject()) parts << folder_name(project_->folder());
  if (!model_name_.isEmpty()) parts << model_name_;
  if (parts.isEmpty()) {
    setWindowTitle(QApplication::applicationDisplayName() + QStringLiteral("[*]"));
    return;
  }
  setWindowTitle(
      QStringLiteral("%1[*] \u2014 %2").arg(parts.join(QStringLiteral(" \u00b7 ")), QApplication::applicationDisplayName()));
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (!project_->prepareToClose()) {
    event->ignore();
    return;
  }
  saveWindowState();
  QMainWindow::closeEvent(event);
}

void MainWindow::restoreWindowState() {
  QSettings settings;
  restoreGeometry(settings.value(kGeometryKey).toByteArray());
  // The first start: a log a few lines high, the rest for the work.
  if (!restoreState(settings.value(kStateKey).toByteArray())) resizeDocks({log_dock_}, {120}, Qt::Vertical);
  model_splitter_->restoreState(settings.value(kModelSplitterKey).toByteArray());
  tabs_->setCurrentIndex(std::clamp(settings.value(kCurrentTabKey, 0).toInt(), 0, tabs_->count() - 1));
}

void MainWindow::saveWindowState() const {
  QSettings settings;
  settings.setValue(kGeometryKey, saveGeometry());
  settings.setValue(kStateKey, saveState());
  settings.setValue(kModelSplitterKey, model_splitter_->saveState());
  settings.setValue(kCurrentTabKey, tabs_->currentIndex());
}

}  // namespace steer::ui
