#include "ui/widgets/scientific_spin_box.h"

#include <QRegularExpression>
#include <algorithm>
#include <cmath>

namespace steer::ui {

double step_one_two_five(double value, int steps) {
  if (!(value > 0)) return value;
  // Index on the series: 3 per decade (1, 2, 5).
  const double decade = std::floor(std::log10(value));
  const double mantissa = value / std::pow(10.0, decade);
  int within = 0;
  if (mantissa >= 5 - 1e-9)
    within = 2;
  else if (mantissa >= 2 - 1e-9)
    within = 1;
  const double on_series = (within == 0 ? 1.0 : within == 1 ? 2.0 : 5.0) * std::pow(10.0, decade);
  // A value between two series values steps to the neighbour in the step's direction.
  int index = static_cast<int>(decade) * 3 + within;
  if (steps < 0 && on_series < value * (1 - 1e-9)) ++index;
  index += steps;
  const int d = static_cast<int>(std::floor(index / 3.0));
  const int w = index - d * 3;
  return (w == 0 ? 1.0 : w == 1 ? 2.0 : 5.0) * std::pow(10.0, d);
}

ScientificSpinBox::ScientificSpinBox(QWidget* parent) : QDoubleSpinBox(parent) {
  // QDoubleSpinBox rounds its value to `decimals`; keep every digit a learning rate has.
  setDecimals(15);
  setRange(1e-9, 1.0);
  setKeyboardTracking(true);
}

QString ScientificSpinBox::textFromValue(double value) const { return QString::number(value, 'g', 6); }

double ScientificSpinBox::valueFromText(const QString& text) const {
  bool ok = false;
  const double value = text.trimmed().toDouble(&ok);
  return ok ? value : this->value();
}

QValidator::State ScientificSpinBox::validate(QString& text, int& /*pos*/) const {
  bool ok = false;
  const double value = text.trimmed().toDouble(&ok);
  if (ok) return value >= minimum() && value <= maximum() ? QValidator::Acceptable : QValidator::Intermediate;
  static const QRegularExpression partial(QStringLiteral("^\\s*[0-9]*\\.?[0-9]*([eE][-+]?[0-9]*)?\\s*$"));
  return partial.match(text).hasMatch() ? QValidator::Intermediate : QValidator::Invalid;
}

void ScientificSpinBox::stepBy(int steps) {
  setValue(std::clamp(step_one_two_five(value(), steps), minimum(), maximum()));
  selectAll();
}

}  // namespace steer::ui
