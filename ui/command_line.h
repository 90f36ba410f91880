#pragma once
// steer-studio's command line: `steer-studio [model-folder] [--subject PATH
// [--compare-prompts TEXT]...] [--screenshot FILE]`. Shared by main and the UI tests, so
// a test opens its model (and subject) exactly the way a user's arguments do.
#include <QCommandLineParser>
#include <QString>
#include <QStringList>

namespace steer::ui {

class MainWindow;

// Adds --help, --version, the optional model-folder argument, --screenshot, --subject and
// --compare-prompts.
void configure_studio_command_line(QCommandLineParser& parser);

// The model folder to open at start, or an empty string when none was given.
QString startup_model_folder(const QCommandLineParser& parser);

// --screenshot <file.png>: once the start-up model has loaded (and the --subject, if any,
// is attached; or at once, without a model), save a picture of the window there and quit.
// For documentation and the start-up tests.
QString screenshot_path(const QCommandLineParser& parser);

// --subject <path>: attached once the start-up model has loaded, as the Model tab's attach
// does (a .safetensors file is a LoRA, a folder a fine-tuned subject). Empty when not given.
QString startup_subject_path(const QCommandLineParser& parser);

// --compare-prompts <text>, repeatable, each value also split at ';': the prompts of the
// CFG vs PG board set up for the --subject once it is attached. Trimmed, empty ones
// dropped; an empty list when not given (then no board is set up).
QStringList startup_compare_prompts(const QCommandLineParser& parser);

// What the start-up options cannot mean together (--subject without a model or project
// folder, --compare-prompts without --subject), as one line; empty when they are fine.
QString startup_options_error(const QCommandLineParser& parser);

// Opens what the command line names in `window`: the project (a folder holding
// project.json) or the model folder, then the --subject once that model has loaded and
// the --compare-prompts board once the subject is attached. Returns at once.
void open_startup_arguments(MainWindow& window, const QCommandLineParser& parser);

}  // namespace steer::ui
