#pragma once
// The files of a subject dataset folder as the Train panel edits them: the images the
// trainer will read (the same extensions and order as steer::SubjectDataset), their
// caption sidecars (photo.jpg -> photo.txt), and images brought in from elsewhere, which
// are copied, never moved: the designer's originals stay where they were.
#include <QString>
#include <QStringList>

namespace steer::ui {

// True when the file name has an extension the dataset loader reads.
bool is_dataset_image(const QString& path);

// The images directly in `folder` (hidden files skipped), sorted by file name the way the
// trainer sorts them. Empty when the folder does not exist.
QStringList dataset_image_files(const QString& folder);

// The caption sidecar of an image: the same path with the extension .txt.
QString caption_file_for(const QString& image);
// The sidecar's text (trimmed), or "" when the image has none.
QString read_caption(const QString& image);
// Writes the sidecar atomically (a temporary file renamed over the old one); an empty
// caption removes the sidecar, so the instance prompt applies again. Throws
// std::runtime_error naming the file.
void write_caption(const QString& image, const QString& caption);

struct DatasetCopy {
  QStringList copied;   // the new paths inside the dataset folder
  QStringList skipped;  // "name: reason" for files that were not copied
};

// Copies each image file into `folder` (created when missing) under its own name, or
// name-2, name-3, ... when that name is taken by another file; a caption sidecar beside
// the original comes along under the matching name. Files that are not images, and files
// already inside `folder`, are skipped with the reason.
DatasetCopy copy_into_dataset(const QStringList& files, const QString& folder);

}  // namespace steer::ui
