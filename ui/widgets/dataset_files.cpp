#include "ui/widgets/dataset_files.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <algorithm>
#include <stdexcept>

#include "core/dataset/subject_dataset.h"
#include "ui/project/project_store.h"

namespace steer::ui {

bool is_dataset_image(const QString& path) {
  const QString suffix = QLatin1Char('.') + QFileInfo(path).suffix().toLower();
  const auto& extensions = steer::subject_image_extensions();
  return std::any_of(extensions.begin(), extensions.end(),
                     [&](const std::string& e) { return suffix == QLatin1String(e.c_str()); });
}

QStringList dataset_image_files(const QString& folder) {
  QStringList images;
  const QDir dir(folder);
  if (folder.isEmpty() || !dir.exists()) return images;
  for (const QFileInfo& info : dir.entryInfoList(QDir::Files | QDir::NoDotAndDotDot)) {
    if (info.fileName().startsWith(QLatin1Char('.'))) continue;
    if (is_dataset_image(info.fileName())) images << info.absoluteFilePath();
  }
  // Byte order of the names, like the loader's std::sort of paths (not a locale order).
  std::sort(images.begin(), images.end(),
            [](const QString& a, const QString& b) { return QFile::encodeName(a) < QFile::encodeName(b); });
  return images;
}

QString caption_file_for(const QString& image) {
  const QFileInfo info(image);
  return info.dir().filePath(info.completeBaseName() + QStringLiteral(".txt"));
}

QString read_caption(const QString& image) {
  QFile file(caption_file_for(image));
  if (!file.exists() || !file.open(QIODevice::ReadOnly)) return {};
  return QString::fromUtf8(file.readAll()).trimmed();
}

void write_caption(const QString& image, const QString& caption) {
  const QString sidecar = caption_file_for(image);
  const QString text = caption.trimmed();
  if (text.isEmpty()) {
    if (QFile::exists(sidecar) && !QFile::remove(sidecar))
      throw std::runtime_error("Could not remove the caption file " + sidecar.toStdString());
    return;
  }
  write_file_atomically(sidecar, text.toUtf8() + '\n');
}

namespace {

// `name` in `dir`, or name-2.ext, name-3.ext, ... : the first that is free for the image
// and for its caption sidecar.
QString free_name(const QDir& dir, const QFileInfo& source) {
  const QString base = source.completeBaseName();
  const QString suffix = source.suffix().isEmpty() ? QString() : QLatin1Char('.') + source.suffix();
  for (int n = 1;; ++n) {
    const QString stem = n == 1 ? base : QStringLiteral("%1-%2").arg(base).arg(n);
    if (!QFileInfo::exists(dir.filePath(stem + suffix)) && !QFileInfo::exists(dir.filePath(stem + QStringLiteral(".txt"))))
      return stem + suffix;
  }
}

}  // namespace

DatasetCopy copy_into_dataset(const QStringList& files, const QString& folder) {
  DatasetCopy result;
  QDir dir(folder);
  if (!dir.exists() && !QDir().mkpath(folder)) {
    for (const QString& file : files)
      result.skipped << QStringLiteral("%1: the dataset folder %2 could not be created").arg(QFileInfo(file).fileName(), folder);
    return result;
  }
  const QString canonical_folder = QFileInfo(folder).canonicalFilePath();
  for (const QString& file : files) {
    const QFileInfo source(file);
    const QString name = source.fileName();
    if (!source.isFile()) {
      result.skipped << QStringLiteral("%1: not a file").arg(name);
      continue;
    }
    if (!is_dataset_image(name)) {
      result.skipped << QStringLiteral("%1: not an image the trainer reads").arg(name);
      continue;
    }
    if (source.absoluteDir().canonicalPath() == canonical_folder) {
      result.skipped << QStringLiteral("%1: already in the dataset").arg(name);
      continue;
    }
    const QString target = dir.filePath(free_name(dir, source));
    if (!QFile::copy(source.absoluteFilePath(), target)) {
      result.skipped << QStringLiteral("%1: could not be copied to %2").arg(name, folder);
      continue;
    }
    // Copies keep the original's permissions; a read-only original would make a caption
    // edit in the dataset fail later.
    QFile(target).setPermissions(QFile(target).permissions() | QFileDevice::WriteOwner);
    const QString caption = caption_file_for(source.absoluteFilePath());
    if (QFileInfo(caption).isFile()) QFile::copy(caption, caption_file_for(target));
    result.copied << target;
  }
  return result;
}

}  // namespace steer::ui
