#include "ui/widgets/dataset_scan.h"

#include <QFileInfo>
#include <QImageReader>
#include <exception>
#include <set>

#include "core/imageio/image_file.h"
#include "ui/panels/image_conversion.h"
#include "ui/path_text.h"
#include "ui/widgets/dataset_files.h"

namespace steer::ui {

namespace {

QImage thumbnail_of(const QString& path, int size) {
  // Qt's reader decodes a scaled image cheaply (JPEG's DCT scaling) and applies the EXIF
  // orientation; OpenImageIO covers what Qt has no plugin for (EXR, HDR, PSD, ...).
  QImageReader reader(path);
  reader.setAutoTransform(true);
  const QSize full = reader.size();
  if (full.isValid() && (full.width() > size || full.height() > size))
    reader.setScaledSize(full.scaled(size, size, Qt::KeepAspectRatio));
  QImage image = reader.read();
  if (image.isNull()) {
    try {
      image = to_qimage(steer::read_image(to_path(path)));
    } catch (const std::exception&) {
      return {};
    }
  }
  if (image.width() > size || image.height() > size)
    image = image.scaled(size, size, Qt::KeepAspectRatio, Qt::SmoothTransformation);
  return image;
}

}  // namespace

DatasetScan scan_dataset(const QString& source, const steer::SubjectDatasetOptions& options, int thumbnail_size) {
  DatasetScan scan;
  scan.source = source;
  if (source.isEmpty()) return scan;

  QStringList files;
  try {
    const steer::SubjectDataset dataset = steer::SubjectDataset::load(to_path(source), options);
    scan.examples = static_cast<int>(dataset.examples.size());
    for (const std::string& warning : dataset.warnings) scan.warnings << QString::fromStdString(warning);
    if (!QFileInfo(source).isDir()) {
      // A list file or a single image: the images are the examples' sources.
      std::set<QString> seen;
      for (const steer::SubjectExample& example : dataset.examples) {
        const QString path = to_qstring(example.source);
        if (seen.insert(path).second) files << path;
      }
    }
  } catch (const std::exception& e) {
    scan.refusal = QString::fromStdString(e.what());
  }
  if (QFileInfo(source).isDir())
    files = dataset_image_files(source);
  else if (files.isEmpty() && is_dataset_image(source) && QFileInfo(source).isFile())
    files << source;

  for (const QString& file : files) scan.images.push_back({file, thumbnail_of(file, thumbnail_size), read_caption(file)});
  return scan;
}

}  // namespace steer::ui
