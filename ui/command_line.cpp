#include "ui/command_line.h"

#include <QCoreApplication>

#include "ui/main_window.h"
#include "ui/project/project_store.h"

namespace steer::ui {

namespace {
const QString kScreenshotOption = QStringLiteral("screenshot");
const QString kSubjectOption = QStringLiteral("subject");
const QString kComparePromptsOption = QStringLiteral("compare-prompts");
}  // namespace

void configure_studio_command_line(QCommandLineParser& parser) {
  parser.setApplicationDescription(QCoreApplication::translate("steer-studio", "Personalise Stable Diffusion models."));
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument(
      QStringLiteral("model-folder"),
      QCoreApplication::translate("steer-studio", "A diffusers model folder (or a project folder) to open at start."),
      QStringLiteral("[model-folder]"));
  parser.addOption(
      QCommandLineOption(kScreenshotOption,
                         QCoreApplication::translate("steer-studio",
                                                     "Save a picture of the window to <file> once the model has loaded (and the "
                                                     "--subject is attached), then quit."),
                         QStringLiteral("file")));
  parser.addOption(QCommandLineOption(
      kSubjectOption,
      QCoreApplication::translate("steer-studio",
                                  "Attach <path> as the subject once the model has loaded: a .safetensors file "
                                  "is a LoRA, a folder a fine-tuned model. Needs a model folder."),
      QStringLiteral("path")));
  parser.addOption(QCommandLineOption(
      kComparePromptsOption,
      QCoreApplication::translate("steer-studio",
                                  "Once the --subject is attached, set up a Compare board for it, CFG vs PG, on "
                                  "these prompts (repeat the option, or separate prompts with ';'). The board "
                                  "is not run."),
      QStringLiteral("text")));
}

QString screenshot_path(const QCommandLineParser& parser) { return parser.value(kScreenshotOption); }

QString startup_model_folder(const QCommandLineParser& parser) {
  const QStringList positional = parser.positionalArguments();
  return positional.isEmpty() ? QString() : positional.constFirst();
}

QString startup_subject_path(const QCommandLineParser& parser) { return parser.value(kSubjectOption); }

QStringList startup_compare_prompts(const QCommandLineParser& parser) {
  QStringList prompts;
  for (const QString& value : parser.values(kComparePromptsOption))
    for (const QString& part : value.split(QLatin1Char(';'))) {
      const QString prompt = part.trimmed();
      if (!prompt.isEmpty()) prompts << prompt;
    }
  return prompts;
}

QString startup_options_error(const QCommandLineParser& parser) {
  if (parser.isSet(kSubjectOption) && startup_subject_path(parser).isEmpty())
    return QCoreApplication::translate("steer-studio", "--subject needs a path.");
  if (!startup_subject_path(parser).isEmpty() && startup_model_folder(parser).isEmpty())
    return QCoreApplication::translate("steer-studio",
                                       "--subject needs a model folder to attach to: steer-studio <model-folder> "
                                       "--subject <path>.");
  if (parser.isSet(kComparePromptsOption) && startup_subject_path(parser).isEmpty())
    return QCoreApplication::translate("steer-studio", "--compare-prompts needs a --subject to compare.");
  if (parser.isSet(kComparePromptsOption) && startup_compare_prompts(parser).isEmpty())
    return QCoreApplication::translate("steer-studio", "--compare-prompts needs at least one prompt.");
  return {};
}

void open_startup_arguments(MainWindow& window, const QCommandLineParser& parser) {
  const QString folder = startup_model_folder(parser);
  if (folder.isEmpty()) return;
  // A project folder (it holds project.json) opens as the project, with its model.
  if (is_project_folder(folder))
    window.openProject(folder);
  else
    window.openModelFolder(folder);
  if (const QString subject = startup_subject_path(parser); !subject.isEmpty())
    window.attachSubjectAtStart(subject, startup_compare_prompts(parser));
}

}  // namespace steer::ui
