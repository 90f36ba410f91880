#pragma once
// Steer Studio's main window: opens a diffusers model folder (menu, recent list, drag and
// drop or the command line), has the engine thread inspect it, and shows the summary.
#include <QMainWindow>
#include <QStringList>
#include <memory>

#include "core/engine/model_inspection.h"
#include "ui/recent_models.h"

class QLabel;
class QMenu;
class QProgressBar;

namespace steer::ui {

class EngineBridge;
class ModelSummaryView;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Queues `folder` for loading on the engine thread and returns at once; the summary,
  // or an error dialog, follows. The menu, the recent list, drops and the command line
  // all come through here.
  void openModelFolder(const QString& folder);

  ModelSummaryView* summaryView() const { return summary_view_; }
  const EngineBridge& engine() const { return *engine_; }

 protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void createMenus();
  void rebuildRecentMenu();
  void chooseModelFolder();
  void showAbout();
  void showModel(const steer::ModelSummary& summary);
  void showLoadError(const QString& folder, const QString& message);
  void showBusy(bool busy);
  void restoreWindowState();
  void saveWindowState() const;

  std::unique_ptr<EngineBridge> engine_;
  RecentModels recent_models_;
  ModelSummaryView* summary_view_ = nullptr;
  QMenu* recent_menu_ = nullptr;
  QProgressBar* busy_indicator_ = nullptr;
  QStringList loading_;  // folders submitted and not yet answered, oldest first
};

}  // namespace steer::ui
