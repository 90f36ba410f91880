#include "ui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QSettings>
#include <QStatusBar>
#include <QUrl>

#include "ui/engine/engine_thread.h"
#include "ui/path_text.h"
#include "ui/widgets/model_summary_view.h"

namespace steer::ui {

namespace {

const QString kGeometryKey = QStringLiteral("mainWindow/geometry");
const QString kStateKey = QStringLiteral("mainWindow/state");
const QString kLastDirectoryKey = QStringLiteral("mainWindow/lastOpenDirectory");

// The model folder a drop means: one local folder, or the model_index.json inside one.
QString dropped_model_folder(const QMimeData* mime) {
  if (!mime || !mime->hasUrls() || mime->urls().size() != 1) return {};
  const QUrl url = mime->urls().constFirst();
  if (!url.isLocalFile()) return {};
  const QFileInfo info(url.toLocalFile());
  if (info.isDir()) return info.absoluteFilePath();
  if (info.isFile() && info.fileName() == QLatin1String("model_index.json")) return info.absolutePath();
  return {};
}

QString folder_name(const QString& folder) {
  const QString name = QFileInfo(QDir::cleanPath(folder)).fileName();
  return name.isEmpty() ? folder : name;
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), engine_(std::make_unique<EngineBridge>()) {
  setObjectName(QStringLiteral("mainWindow"));
  setWindowTitle(QApplication::applicationDisplayName());
  setAcceptDrops(true);

  summary_view_ = new ModelSummaryView(this);
  setCentralWidget(summary_view_);

  busy_indicator_ = new QProgressBar(this);
  busy_indicator_->setRange(0, 0);  // indeterminate: inspection reports no progress
  busy_indicator_->setMaximumWidth(160);
  busy_indicator_->setTextVisible(false);
  busy_indicator_->hide();
  statusBar()->addPermanentWidget(busy_indicator_);
  statusBar()->showMessage(tr("Ready"));

  createMenus();

  connect(engine_.get(), &EngineBridge::modelLoaded, this, &MainWindow::showModel);
  connect(engine_.get(), &EngineBridge::modelLoadFailed, this, &MainWindow::showLoadError);
  connect(engine_.get(), &EngineBridge::busyChanged, this, &MainWindow::showBusy);

  resize(1000, 680);
  restoreWindowState();
}

// engine_ goes first (it joins the engine thread) while the widgets still exist.
MainWindow::~MainWindow() = default;

void MainWindow::createMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* open = file->addAction(tr("&Open Model Folder\u2026"), this, &MainWindow::chooseModelFolder);
  open->setShortcut(QKeySequence::Open);
  open->setObjectName(QStringLiteral("openModelFolderAction"));

  recent_menu_ = file->addMenu(tr("Recent &Models"));
  recent_menu_->setObjectName(QStringLiteral("recentModelsMenu"));
  connect(recent_menu_, &QMenu::aboutToShow, this, &MainWindow::rebuildRecentMenu);
  rebuildRecentMenu();

  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);
  quit->setMenuRole(QAction::QuitRole);

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  QAction* about = help->addAction(tr("&About Steer Studio"), this, &MainWindow::showAbout);
  about->setMenuRole(QAction::AboutRole);
  QAction* about_qt = help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
  about_qt->setMenuRole(QAction::AboutQtRole);
}

void MainWindow::rebuildRecentMenu() {
  recent_menu_->clear();
  const QStringList folders = recent_models_.folders();
  for (int i = 0; i < folders.size(); ++i) {
    const QString folder = folders[i];
    // "&1 name" gives keyboard access; the full path is in the status tip.
    QAction* action = recent_menu_->addAction(QStringLiteral("&%1 %2").arg(i + 1).arg(folder_name(folder)),
                                              this, [this, folder] { openModelFolder(folder); });
    action->setStatusTip(folder);
    action->setToolTip(folder);
  }
  if (folders.isEmpty()) recent_menu_->addAction(tr("No recent models"))->setEnabled(false);
  recent_menu_->addSeparator();
  QAction* clear = recent_menu_->addAction(tr("&Clear List"), this, [this] { recent_models_.clear(); });
  clear->setEnabled(!folders.isEmpty());
}

void MainWindow::chooseModelFolder() {
  QSettings settings;
  const QString start = settings.value(kLastDirectoryKey, QDir::homePath()).toString();
  const QString folder = QFileDialog::getExistingDirectory(this, tr("Open Model Folder"), start);
  if (folder.isEmpty()) return;
  settings.setValue(kLastDirectoryKey, QFileInfo(folder).absolutePath());
  openModelFolder(folder);
}

void MainWindow::openModelFolder(const QString& folder) {
  const QString absolute = QDir::cleanPath(QDir(folder).absolutePath());
  loading_.append(absolute);
  engine_->loadModel(absolute);
  statusBar()->showMessage(tr("Loading %1\u2026").arg(loading_.constFirst()));
}

void MainWindow::showModel(const steer::ModelSummary& summary) {
  const QString folder = loading_.isEmpty() ? to_qstring(summary.folder) : loading_.takeFirst();
  summary_view_->showSummary(summary);
  setWindowTitle(QStringLiteral("%1 \u2014 %2").arg(folder_name(folder), QApplication::applicationDisplayName()));
  recent_models_.add(folder);
  if (loading_.isEmpty())
    statusBar()->showMessage(tr("Loaded %1 (%2 parameters)")
                                 .arg(folder, to_qstring(format_parameter_count(summary.total_parameters()))));
  else
    statusBar()->showMessage(tr("Loading %1\u2026").arg(loading_.constFirst()));
}

void MainWindow::showLoadError(const QString& folder, const QString& message) {
  if (!loading_.isEmpty()) loading_.removeFirst();
  // A folder that is gone should not stay in the recent list.
  if (!QFileInfo(folder).isDir()) recent_models_.remove(folder);
  statusBar()->showMessage(loading_.isEmpty() ? tr("Could not load %1").arg(folder)
                                              : tr("Loading %1\u2026").arg(loading_.constFirst()));

  // Window-modal and non-blocking: no nested event loop inside a signal handler, and the
  // engine's results keep arriving while the dialog is up.
  auto* box = new QMessageBox(QMessageBox::Critical, tr("Could not open model folder"),
                              tr("Could not open the model folder %1").arg(folder), QMessageBox::Ok, this);
  box->setObjectName(QStringLiteral("modelLoadErrorDialog"));
  box->setInformativeText(message);
  box->setTextInteractionFlags(Qt::TextSelectableByMouse);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();
}

void MainWindow::showBusy(bool busy) {
  // Only the indicator: the window stays fully usable while the engine works.
  busy_indicator_->setVisible(busy);
}

void MainWindow::showAbout() {
  QMessageBox::about(
      this, tr("About Steer Studio"),
      tr("<h3>Steer Studio %1</h3>"
         "<p>Personalise Stable Diffusion models on your own images.</p>"
         "<p>Built with Qt %2, running on Qt %3.</p>")
          .arg(QApplication::applicationVersion(), QStringLiteral(QT_VERSION_STR), QString::fromLatin1(qVersion())));
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (!dropped_model_folder(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  const QString folder = dropped_model_folder(event->mimeData());
  if (folder.isEmpty()) return;
  event->acceptProposedAction();
  openModelFolder(folder);
}

void MainWindow::closeEvent(QCloseEvent* event) {
  saveWindowState();
  QMainWindow::closeEvent(event);
}

void MainWindow::restoreWindowState() {
  QSettings settings;
  restoreGeometry(settings.value(kGeometryKey).toByteArray());
  restoreState(settings.value(kStateKey).toByteArray());
}

void MainWindow::saveWindowState() const {
  QSettings settings;
  settings.setValue(kGeometryKey, saveGeometry());
  settings.setValue(kStateKey, saveState());
}

}  // namespace steer::ui
