#include "ui/widgets/native_size_note.h"

#include <QRegularExpression>

#include "core/generation/image_size.h"

namespace steer::ui {

QString native_size_note_text(int width, int height, int native_side) {
  QString note = QString::fromStdString(steer::native_size_note(width, height, native_side));
  if (note.isEmpty()) return note;
  if (note.startsWith(QLatin1String("warning: "))) note.remove(0, 9);
  // The CLI's advice names its flag; the app's is the "Native" preset beside the note.
  if (const qsizetype flag = note.indexOf(QLatin1String("; --size")); flag >= 0) note.truncate(flag);
  static const QRegularExpression size(QStringLiteral("(\\d+)x(\\d+)"));
  note.replace(size, QStringLiteral("\\1×\\2"));
  return note + QLatin1Char('.');
}

}  // namespace steer::ui
