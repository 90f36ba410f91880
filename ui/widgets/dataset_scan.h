#pragma once
// What the trainer will make of a dataset, found off the UI thread: each image's
// thumbnail and caption, and steer::SubjectDataset's verdict on the whole set (its
// warnings, or the refusal that names the files). Plain values; scan_dataset runs on a
// worker thread (QtConcurrent) and touches no widget.
#include <QImage>
#include <QString>
#include <QStringList>
#include <vector>

#include "core/dataset/subject_dataset.h"

namespace steer::ui {

struct DatasetScan {
  struct Image {
    QString path;
    QImage thumbnail;  // null when the file could not be decoded
    QString caption;   // its sidecar's text, "" when it has none
  };
  QString source;  // the folder (or list file) scanned
  std::vector<Image> images;
  QStringList warnings;  // SubjectDataset::warnings
  QString refusal;       // SubjectDataset::load's InputError text; "" when it loads
  int examples = 0;      // images that load as training examples
};

// Thumbnails are at most `thumbnail_size` pixels on their longer side.
DatasetScan scan_dataset(const QString& source, const steer::SubjectDatasetOptions& options, int thumbnail_size);

}  // namespace steer::ui
