#pragma once
// The subject photos a run trains on: a dataset folder, its images as thumbnails, the
// caption of the selected image (its .txt sidecar, written atomically), and what the
// trainer's dataset loader says about the set (warnings, or the refusal naming the files),
// found off the UI thread after every change. Images dropped onto the grid are copied
// into the folder; without a folder the designer is asked for one first.
#include <QFutureWatcher>
#include <QString>
#include <QStringList>
#include <QWidget>

#include "core/dataset/subject_dataset.h"
#include "ui/widgets/dataset_scan.h"
#include "ui/widgets/file_chooser.h"

class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QScrollArea;
class QTimer;

namespace steer::ui {

class DatasetGrid : public QWidget {
  Q_OBJECT
 public:
  explicit DatasetGrid(QWidget* parent = nullptr);
  ~DatasetGrid() override;

  QString folder() const;
  // Shows `folder` (a folder of images, or a list file) and scans it.
  void setFolder(const QString& folder);
  // The loader options the verdict is given for (resolution, instance prompt, minimum
  // count, background); a change scans again after a short quiet time.
  void setOptions(const steer::SubjectDatasetOptions& options);
  void setFileChooser(FileChooser chooser) { chooser_ = std::move(chooser); }
  // The loaded model's native image side (0 unknown): a warning about photos smaller than the
  // training size says how that size compares with it (issue 11, item 3).
  void setNativeSide(int native_side);

  // Copies image files into the dataset folder (asking for one when none is set) and
  // scans again. Returns the copies' paths; skipped files are reported under the grid.
  QStringList addImages(const QStringList& files);
  // Scans the folder again now (also after files changed behind the panel's back).
  void rescan();

  bool isScanning() const;
  // The last finished scan.
  const DatasetScan& scan() const { return scan_; }
  int imageCount() const { return static_cast<int>(scan_.images.size()); }
  // True when the last scan found a set the trainer accepts.
  bool isUsable() const { return !scan_.source.isEmpty() && scan_.refusal.isEmpty() && scan_.examples > 0; }

  // The image whose caption is being edited (-1: none).
  int selectedImage() const;
  void selectImage(int index);
  // Saves the caption editor's text as the selected image's sidecar. False, with the
  // reason under the grid, when it could not be written.
  bool saveCaption();

  QListWidget* thumbnails() const { return thumbnails_; }

 Q_SIGNALS:
  void folderChanged(const QString& folder);
  // A scan finished (scan() holds it).
  void scanned();

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void chooseFolder();
  void startScan();
  void showScan();
  void showSelected();
  // The refusal or the warnings of the last scan under the grid.
  void showMessages();
  void showNote(const QString& text, bool is_error);
  QString askForFolder();

  FileChooser chooser_ = ask_with_file_dialog;
  steer::SubjectDatasetOptions options_;
  DatasetScan scan_;
  QFutureWatcher<DatasetScan>* watcher_ = nullptr;
  QTimer* scan_timer_ = nullptr;
  bool scan_again_ = false;  // a change arrived while a scan was running
  int shown_caption_ = -1;   // the image whose caption the editor holds
  int native_side_ = 0;      // the loaded model's, 0 unknown

  QLineEdit* folder_edit_ = nullptr;
  QPushButton* choose_button_ = nullptr;
  QListWidget* thumbnails_ = nullptr;
  QLabel* caption_title_ = nullptr;
  QPlainTextEdit* caption_edit_ = nullptr;
  QPushButton* save_caption_ = nullptr;
  QLabel* summary_ = nullptr;
  QScrollArea* messages_scroll_ = nullptr;  // holds messages_
  QLabel* messages_ = nullptr;
  QLabel* note_ = nullptr;
};

}  // namespace steer::ui
