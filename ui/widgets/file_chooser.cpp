#include "ui/widgets/file_chooser.h"

#include <QFileDialog>

namespace steer::ui {

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
