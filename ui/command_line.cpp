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
}

QString startup_model_folder(const QCommandLineParser& parser) {
  const QStringList positional = parser.positionalArguments();
  return positional.isEmpty() ? QString() : positional.constFirst();
}

}  // namespace steer::ui
