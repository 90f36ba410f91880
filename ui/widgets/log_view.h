#pragma once
// The engine log: one timestamped line per engine message, warning or error, newest at the
// bottom. Read-only and bounded, so a long session cannot grow it without limit.
#include <QPlainTextEdit>

namespace steer::ui {

class LogView : public QPlainTextEdit {
  Q_OBJECT
 public:
  enum class Level { Info, Warning, Error };
  static constexpr int kMaxLines = 5000;

  explicit LogView(QWidget* parent = nullptr);

  // "12:04:31  error  Could not load …"; multi-line text is indented under its first line.
  // The view follows new lines while it shows the newest; once the user has scrolled up to
  // read, it stays where it is until they scroll back to the bottom.
  void addEntry(Level level, const QString& text);
  // An error as two lines: what failed (naming the file or setting), and why.
  void addError(const QString& what, const QString& reason) {
    addEntry(Level::Error, reason.isEmpty() ? what : what + QLatin1Char('\n') + reason);
  }
  void addInfo(const QString& text) { addEntry(Level::Info, text); }
  void addWarning(const QString& text) { addEntry(Level::Warning, text); }
  void addError(const QString& text) { addEntry(Level::Error, text); }

  int errorCount() const { return errors_; }

 private:
  int errors_ = 0;
};

}  // namespace steer::ui
