#pragma once
// Every file and folder question the main window asks goes through one function object,
// so a test can answer it (native dialogs cannot be scripted) and the app uses
// QFileDialog.
#include <QString>
#include <functional>

class QWidget;

namespace steer::ui {

struct FileQuestion {
  enum class Kind { ExistingFolder, ExistingFile, NewFolder, NewFile };
  Kind kind = Kind::ExistingFolder;
  QString purpose;  // a stable name tests match on: "model", "subject-lora", "project", ...
  QString title;
  QString start;   // folder or file to start in (NewFile: the suggested file's path)
  QString filter;  // ExistingFile, NewFile: "LoRA (*.safetensors)"
};

// Returns the chosen path, or an empty string when the user cancelled.
using FileChooser = std::function<QString(QWidget* parent, const FileQuestion& question)>;

// The folder remembered in QSettings under `settings_key` (where the last question of its kind
// was answered), or `fallback` when none is remembered or it is gone: where the next question
// of that kind starts.
QString remembered_folder(const QString& settings_key, const QString& fallback);
// Remembers the folder that holds `chosen` (a file or a folder the user picked).
void remember_folder_of(const QString& settings_key, const QString& chosen);

// The one the app uses: QFileDialog's static functions (native dialogs where the platform
// has them). NewFolder asks for a folder that may not exist yet, through a save dialog.
QString ask_with_file_dialog(QWidget* parent, const FileQuestion& question);

}  // namespace steer::ui
