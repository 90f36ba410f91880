#include "ui/panels/seed_spin_box.h"

#include <QLineEdit>

namespace steer::ui {

SeedSpinBox::SeedSpinBox(QWidget* parent) : QAbstractSpinBox(parent) {
  setAccelerated(true);
  setCorrectionMode(QAbstractSpinBox::CorrectToPreviousValue);
  lineEdit()->setText(QStringLiteral("0"));
  // QAbstractSpinBox sizes itself from a value range it does not know; ten digits fit.
  setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("0000000000")) + 36);
  // The value follows the text as it is typed, so a click on Generate right after typing
  // uses what the user sees.
  connect(lineEdit(), &QLineEdit::textEdited, this, &SeedSpinBox::takeText);
}

void SeedSpinBox::setValue(qint64 value) {
  value = qBound<qint64>(0, value, kMaximum);
  const QString text = QString::number(value);
  if (lineEdit()->text() != text) lineEdit()->setText(text);
  if (value == value_) return;
  value_ = value;
  Q_EMIT valueChanged(value_);
}

void SeedSpinBox::takeText(const QString& text) {
  bool ok = false;
  const qint64 parsed = text.toLongLong(&ok);
  if (!ok || parsed < 0 || parsed == value_) return;
  value_ = parsed;
  Q_EMIT valueChanged(value_);
}

void SeedSpinBox::stepBy(int steps) {
  qint64 next = value_;
  if (steps > 0)
    next = value_ > kMaximum - steps ? kMaximum : value_ + steps;
  else
    next = value_ < -static_cast<qint64>(steps) ? 0 : value_ + steps;
  setValue(next);
  selectAll();
}

QValidator::State SeedSpinBox::validate(QString& input, int& /*pos*/) const {
  if (input.isEmpty()) return QValidator::Intermediate;
  for (const QChar c : input)
    if (!c.isDigit()) return QValidator::Invalid;
  bool ok = false;
  input.toLongLong(&ok);
  return ok ? QValidator::Acceptable : QValidator::Invalid;  // beyond 2^63-1: refused as typed
}

void SeedSpinBox::fixup(QString& input) const { input = QString::number(value_); }

QAbstractSpinBox::StepEnabled SeedSpinBox::stepEnabled() const {
  StepEnabled enabled = StepNone;
  if (value_ > 0) enabled |= StepDownEnabled;
  if (value_ < kMaximum) enabled |= StepUpEnabled;
  return enabled;
}

}  // namespace steer::ui
