#pragma once
// steer-studio's command line: `steer-studio [model-folder]`. Shared by main and the UI
// test, so the test opens its model exactly the way a user's argument does.
#include <QCommandLineParser>
#include <QString>

namespace steer::ui {

// Adds --help, --version and the optional model-folder argument.
void configure_studio_command_line(QCommandLineParser& parser);

// The model folder to open at start, or an empty string when none was given.
QString startup_model_folder(const QCommandLineParser& parser);

// --screenshot <file.png>: once the start-up model has loaded (or at once, without one),
// save a picture of the window there and quit. For documentation and the start-up test.
QString screenshot_path(const QCommandLineParser& parser);

}  // namespace steer::ui
