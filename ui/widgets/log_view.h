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
  void addEntry(Level level, const QString& text);
  void addInfo(const QString& text) { addEntry(Level::Info, text); }
  void addWarning(const QString& text) { addEntry(Level::Warning, text); }
  void addError(const QString& text) { addEntry(Level::Error, text); }

  int errorCount() const { return errors_; }

 private:
  int errors_ = 0;
};

}  // namespace steer::ui
