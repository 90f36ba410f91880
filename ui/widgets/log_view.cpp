#include "ui/widgets/log_view.h"

#include <QFontDatabase>
#include <QScrollBar>
#include <QTime>

namespace steer::ui {

LogView::LogView(QWidget* parent) : QPlainTextEdit(parent) {
  setObjectName(QStringLiteral("logView"));
  setReadOnly(true);
  setMaximumBlockCount(kMaxLines);
  setLineWrapMode(QPlainTextEdit::NoWrap);
  setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  setPlaceholderText(tr("Engine messages and errors appear here."));
}

void LogView::addEntry(Level level, const QString& text) {
  const char* tag = "info ";
  switch (level) {
    case Level::Info:
      tag = "info ";
      break;
    case Level::Warning:
      tag = "warn ";
      break;
    case Level::Error:
      tag = "error";
      ++errors_;
      break;
  }
  const QString stamp = QTime::currentTime().toString(QStringLiteral("HH:mm:ss"));
  QString body = text.trimmed();
  body.replace(QLatin1Char('\n'), QStringLiteral("\n                  "));
  QScrollBar* bar = verticalScrollBar();
  const bool following = bar->value() >= bar->maximum();
  const int kept_position = bar->value();
  appendPlainText(QStringLiteral("%1  %2  %3").arg(stamp, QLatin1String(tag), body));
  // QPlainTextEdit follows only while visible; a log read in a hidden dock, or scrolled up,
  // must do what the user left it doing.
  bar->setValue(following ? bar->maximum() : kept_position);
}

}  // namespace steer::ui
