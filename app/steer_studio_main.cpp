// steer-studio: the GUI. Usage: steer-studio [model-folder | project-folder]
//   [--subject PATH [--compare-prompts TEXT]...] [--screenshot FILE]
#include <QApplication>
#include <QCommandLineParser>
#include <QPixmap>
#include <QStringList>
#include <QTimer>

#include <cstdio>

#include "ui/command_line.h"
#include "ui/engine/engine_thread.h"
#include "ui/main_window.h"

int main(int argc, char** argv) {
  // QSettings (recent models, window geometry) is stored under these names.
  QCoreApplication::setOrganizationName(QStringLiteral("Steer Studio"));
  QCoreApplication::setApplicationName(QStringLiteral("Steer Studio"));
  QCoreApplication::setApplicationVersion(QStringLiteral(STEER_STUDIO_VERSION));

  // Parsed before QApplication exists, so --help and --version work without a display.
  QStringList arguments;
  for (int i = 0; i < argc; ++i) arguments << QString::fromLocal8Bit(argv[i]);
  QCommandLineParser parser;
  steer::ui::configure_studio_command_line(parser);
  // Qt's own options (-platform, -style, ...) are consumed by QApplication below.
  parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsOptions);
  const bool parsed = parser.parse(arguments);
  if (parser.isSet(QStringLiteral("help"))) {
    // Without an application object Qt cannot name the program itself.
    std::fputs(qPrintable(parser.helpText().replace(QStringLiteral("<executable_name>"), QStringLiteral("steer-studio"))),
               stdout);
    return 0;
  }
  if (parser.isSet(QStringLiteral("version"))) {
    std::printf("steer-studio %s\n", STEER_STUDIO_VERSION);
    return 0;
  }

  // Qt 6 always scales for high DPI; pass fractional factors (e.g. 150%) through as they
  // are instead of rounding them, so text keeps the size the user chose.
  QGuiApplication::setHighDpiScaleFactorRoundingPolicy(Qt::HighDpiScaleFactorRoundingPolicy::PassThrough);
  QApplication app(argc, argv);
  QApplication::setApplicationDisplayName(QStringLiteral("Steer Studio"));
  // QApplication has taken its own options out of argv; parse what is left strictly.
  if (!parsed && !parser.parse(QApplication::arguments())) {
    std::fprintf(stderr, "steer-studio: %s\n", qPrintable(parser.errorText()));
    return 2;
  }
  if (const QString error = steer::ui::startup_options_error(parser); !error.isEmpty()) {
    std::fprintf(stderr, "steer-studio: %s\n", qPrintable(error));
    return 2;
  }

  steer::ui::MainWindow window;
  window.show();
  const QString folder = steer::ui::startup_model_folder(parser);
  const bool with_subject = !steer::ui::startup_subject_path(parser).isEmpty();
  if (const QString shot = steer::ui::screenshot_path(parser); !shot.isEmpty()) {
    auto save_and_quit = [&window, shot] {
      const bool saved = window.grab().save(shot);
      std::fprintf(saved ? stdout : stderr, "%s %s\n", saved ? "saved" : "could not save", qPrintable(shot));
      QApplication::exit(saved ? 0 : 1);
    };
    // A watchdog: an error dialog would otherwise wait for a click that never comes.
    QTimer::singleShot(300000, &window, [] {
      std::fprintf(stderr, "no model loaded within 5 minutes\n");
      QApplication::exit(2);
    });
    if (folder.isEmpty()) {
      QTimer::singleShot(0, &window, save_and_quit);
    } else {
      if (with_subject) {
        // Once the subject is attached and its board (if any) set up; a subject that cannot
        // be attached fails the start like a model that cannot be loaded.
        QObject::connect(&window, &steer::ui::MainWindow::startupSubjectAttached, &window,
                         [save_and_quit] { QTimer::singleShot(0, save_and_quit); });
        QObject::connect(&window, &steer::ui::MainWindow::startupSubjectFailed, &window, [](const QString& message) {
          std::fprintf(stderr, "%s\n", qPrintable(message));
          QApplication::exit(1);
        });
      } else {
        // After the window's own handler has shown the summary.
        QObject::connect(&window.engine(), &steer::ui::EngineBridge::modelLoaded, &window,
                         [save_and_quit] { QTimer::singleShot(0, save_and_quit); });
      }
      QObject::connect(&window.engine(), &steer::ui::EngineBridge::modelLoadFailed, &window,
                       [](const QString&, const QString& message) {
                         std::fprintf(stderr, "%s\n", qPrintable(message));
                         QApplication::exit(1);
                       });
    }
  }
  // The project or model folder, then the subject once its model has loaded, then the
  // subject's Compare board.
  steer::ui::open_startup_arguments(window, parser);
  return app.exec();
}
