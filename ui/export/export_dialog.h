#pragma once
// Exports a compare board's cells as a sweep folder, the files `steer sweep` writes: one
// image and sidecar per cell, index.json / index.csv and the labelled grid.png. The user
// picks the destination, the set's name, the file-name template (with a live example of
// the names it writes; a bad token is an error naming it), which cells (all, favourites,
// selection), the format, and whether to write the grid and the sidecars. The export runs
// on a worker thread (QtConcurrent) with a progress bar and can be cancelled; at the end
// "Open folder" shows the set.
#include <QDialog>
#include <QFutureWatcher>
#include <QStringList>
#include <atomic>
#include <memory>

#include "ui/board/compare_board.h"
#include "ui/export/board_export.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace steer::ui {

class ExportDialog : public QDialog {
  Q_OBJECT
 public:
  // The board must outlive the dialog (the board opens it as its child).
  explicit ExportDialog(const CompareBoard& board, QWidget* parent = nullptr);
  ~ExportDialog() override;  // cancels a running export and waits for it

  // The same as the Export button: false, with errorText(), when a setting is not valid.
  bool startExport();
  void cancelExport();
  bool isExporting() const;

  // The options the widgets describe now.
  SweepExportOptions exportOptions() const;
  CellChoice cellChoice() const;
  // The file names the export would write for the chosen cells, in order (exactly the
  // exporter's names: the cells' own indices, padded for the whole grid). Empty when the
  // template is not valid.
  QStringList exampleNames() const;

  QString errorText() const;
  // The set's folder after a successful export.
  QString exportedFolder() const { return exported_folder_; }

 Q_SIGNALS:
  void exportFinished(const QString& folder);
  void exportFailed(const QString& message);

 private:
  void buildUi();
  void refreshCounts();
  void refreshExample();
  void refreshButtons();
  void chooseFolder();
  void exportEnded();
  void showError(const QString& message);

  const CompareBoard& board_;
  QLineEdit* folder_edit_ = nullptr;
  QPushButton* browse_button_ = nullptr;
  QLineEdit* set_name_edit_ = nullptr;
  QLineEdit* template_edit_ = nullptr;
  QLabel* example_label_ = nullptr;
  QLabel* template_error_ = nullptr;
  QComboBox* cells_combo_ = nullptr;
  QComboBox* format_combo_ = nullptr;
  QCheckBox* grid_check_ = nullptr;
  QSpinBox* grid_upscale_spin_ = nullptr;  // SweepExportOptions::grid_upscale
  QCheckBox* sidecar_check_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QLabel* status_label_ = nullptr;
  QPushButton* export_button_ = nullptr;
  QPushButton* open_folder_button_ = nullptr;
  QPushButton* close_button_ = nullptr;

  QFutureWatcher<BoardExportResult> watcher_;
  std::shared_ptr<std::atomic<bool>> cancel_flag_;
  QString exported_folder_;
  QString error_;
  bool template_valid_ = true;
};

}  // namespace steer::ui
