#pragma once
// Project folders on disk: project.json written atomically (QSaveFile: a temporary file
// renamed over the old one, so a crash or a full disk never leaves half a project), and
// outputs/board-N for each compare board's images.
#include <QByteArray>
#include <QString>
#include <stdexcept>

#include "ui/export/kept_image.h"
#include "ui/project/project.h"

namespace steer::ui {

// Reading or writing a project failed; what() is a sentence for the user naming the file.
class ProjectError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline const QString kProjectFileName = QStringLiteral("project.json");
inline const QString kOutputsFolderName = QStringLiteral("outputs");
inline const QString kGeneratedFolderName = QStringLiteral("generated");  // inside outputs/

QString project_file_path(const QString& project_folder);
bool is_project_folder(const QString& folder);
// outputs/board-N, N = board_index + 1 (the name the user sees on the board's tab).
QString board_output_folder(const QString& project_folder, int board_index);

// Throws ProjectError (missing or unreadable file, bad JSON, ProjectFormatError's text).
Project read_project(const QString& project_folder);
// Creates the folder and outputs/ as needed, then replaces project.json atomically.
// Throws ProjectError.
void write_project(const QString& project_folder, const Project& project);

// Keeps an image from the Generate panel as outputs/generated/<time>-<method>-seed<seed>.png,
// written by the exporter `steer generate` uses (ui/export/kept_image.h: A1111 "parameters"
// text, the steer-image sidecar with the record and the request); never overwrites (a -2,
// -3, ... suffix). Returns the PNG's path. Throws ProjectError.
QString save_generated_image(const QString& project_folder, const KeptImage& image);

// The identity of a model folder as it is now (folder name; model_index.json's size and
// modification time, or -1 / 0 when it has none).
ModelFolderIdentity identify_model_folder(const QString& model_folder);

// Replaces `path` with `bytes` through a temporary file in the same folder. Throws
// ProjectError naming the file and the system's reason.
void write_file_atomically(const QString& path, const QByteArray& bytes);

}  // namespace steer::ui
