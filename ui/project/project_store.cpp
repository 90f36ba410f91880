#include "ui/project/project_store.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include "ui/path_text.h"

namespace steer::ui {

namespace {

std::string text(const QString& s) { return s.toStdString(); }

}  // namespace

QString project_file_path(const QString& project_folder) { return QDir(project_folder).filePath(kProjectFileName); }

bool is_project_folder(const QString& folder) { return QFileInfo(project_file_path(folder)).isFile(); }

QString board_output_folder(const QString& project_folder, int board_index) {
  return QDir(project_folder).filePath(kOutputsFolderName + QStringLiteral("/board-%1").arg(board_index + 1));
}

Project read_project(const QString& project_folder) {
  const QString path = project_file_path(project_folder);
  QFile file(path);
  if (!file.exists()) throw ProjectError("There is no project file " + text(path) + ".");
  if (!file.open(QIODevice::ReadOnly)) throw ProjectError("Could not read " + text(path) + ": " + text(file.errorString()) + ".");
  const QByteArray bytes = file.readAll();
  try {
    const json::Value value = json::parse(std::string_view(bytes.constData(), static_cast<size_t>(bytes.size())));
    return project_from_json(value, to_path(QDir(project_folder).absolutePath()));
  } catch (const json::ParseError& e) {
    throw ProjectError(text(path) + " is not valid JSON (byte " + std::to_string(e.offset) + "): " + e.what());
  } catch (const ProjectFormatError& e) {
    throw ProjectError(text(path) + ": " + e.what());
  }
}

void write_project(const QString& project_folder, const Project& project) {
  const QDir folder(project_folder);
  if (!folder.mkpath(kOutputsFolderName))
    throw ProjectError("Could not create the project folder " + text(folder.filePath(kOutputsFolderName)) + ".");
  const json::Value value = project_to_json(project, to_path(folder.absolutePath()));
  write_file_atomically(project_file_path(project_folder), QByteArray::fromStdString(value.dump(2) + "\n"));
}

QString save_generated_image(const QString& project_folder, const KeptImage& image) {
  const QDir folder(QDir(project_folder).filePath(kOutputsFolderName + QLatin1Char('/') + kGeneratedFolderName));
  if (!folder.mkpath(QStringLiteral("."))) throw ProjectError("Could not create the folder " + text(folder.absolutePath()) + ".");
  const QString name = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss-")) + suggested_file_name(image);
  try {
    return save_kept_image(folder.filePath(name), image);
  } catch (const std::exception& e) {
    throw ProjectError(e.what());
  }
}

ModelFolderIdentity identify_model_folder(const QString& model_folder) {
  ModelFolderIdentity identity;
  identity.folder_name = text(QFileInfo(QDir::cleanPath(model_folder)).fileName());
  const QFileInfo index(QDir(model_folder).filePath(QStringLiteral("model_index.json")));
  if (index.isFile()) {
    identity.model_index_size = index.size();
    identity.model_index_mtime_ms = index.lastModified().toMSecsSinceEpoch();
  }
  return identity;
}

void write_file_atomically(const QString& path, const QByteArray& bytes) {
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly))
    throw ProjectError("Could not write " + text(path) + ": " + text(file.errorString()) + ".");
  if (file.write(bytes) != bytes.size()) {
    const QString reason = file.errorString();
    file.cancelWriting();
    throw ProjectError("Could not write " + text(path) + ": " + text(reason) + ".");
  }
  if (!file.commit()) throw ProjectError("Could not save " + text(path) + ": " + text(file.errorString()) + ".");
}

}  // namespace steer::ui
