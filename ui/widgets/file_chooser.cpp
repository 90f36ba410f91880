#include "ui/widgets/file_chooser.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QSettings>

namespace steer::ui {

QString remembered_folder(const QString& settings_key, const QString& fallback) {
  const QString folder = QSettings().value(settings_key).toString();
  return !folder.isEmpty() && QFileInfo(folder).isDir() ? folder : fallback;
}

void remember_folder_of(const QString& settings_key, const QString& chosen) {
  QSettings().setValue(settings_key, QFileInfo(chosen).absolutePath());
}

QString ask_with_file_dialog(QWidget* parent, const FileQuestion& question) {
  switch (question.kind) {
    case FileQuestion::Kind::ExistingFolder:
      return QFileDialog::getExistingDirectory(parent, question.title, question.start);
    case FileQuestion::Kind::ExistingFile:
      return QFileDialog::getOpenFileName(parent, question.title, question.start, question.filter);
    case FileQuestion::Kind::NewFolder:
      // A project is a folder the user names; a save dialog lets them type a new name.
      return QFileDialog::getSaveFileName(parent, question.title, question.start, QString(), nullptr,
                                          QFileDialog::DontConfirmOverwrite);
    case FileQuestion::Kind::NewFile:
      // Never overwrites: the exporter picks name-2, name-3, ... when the name is taken, so
      // the dialog need not ask.
      return QFileDialog::getSaveFileName(parent, question.title, question.start, question.filter, nullptr,
                                          QFileDialog::DontConfirmOverwrite);
  }
  return {};
}

}  // namespace steer::ui
