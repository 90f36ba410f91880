#include "ui/command_line.h"

#include <QCoreApplication>

namespace steer::ui {

void configure_studio_command_line(QCommandLineParser& parser) {
  parser.setApplicationDescription(
      QCoreApplication::translate("steer-studio", "Personalise Stable Diffusion models."));
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument(
      QStringLiteral("model-folder"),
      QCoreApplication::translate("steer-studio", "A diffusers model folder to open at start."),
      QStringLiteral("[model-folder]"));
  parser.addOption(QCommandLineOption(
      QStringLiteral("screenshot"),
      QCoreApplication::translate("steer-studio",
                                  "Save a picture of the window to <file> once the model has loaded, then quit."),
      QStringLiteral("file")));
}

QString screenshot_path(const QCommandLineParser& parser) { return parser.value(QStringLiteral("screenshot")); }

QString startup_model_folder(const QCommandLineParser& parser) {
  const QStringList positional = parser.positionalArguments();
  return positional.isEmpty() ? QString() : positional.constFirst();
}

}  // namespace steer::ui
