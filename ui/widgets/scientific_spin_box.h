#pragma once
// A spin box for values that span decades, like learning rates (1e-4, 5e-6): shown in
// the shortest exact form ("0.0001", "5e-06"), typed in either form, and stepped along
// 1-2-5 (1e-4 -> 2e-4 -> 5e-4 -> 1e-3), where QDoubleSpinBox would show rounded decimals
// and step by a fixed amount.
#include <QDoubleSpinBox>

namespace steer::ui {

class ScientificSpinBox : public QDoubleSpinBox {
  Q_OBJECT
 public:
  explicit ScientificSpinBox(QWidget* parent = nullptr);

  QString textFromValue(double value) const override;
  double valueFromText(const QString& text) const override;
  QValidator::State validate(QString& text, int& pos) const override;
  void stepBy(int steps) override;
};

// The value `steps` places away from `value` on the 1-2-5 series (value itself snapped to
// the series first when it lies between two of its values).
double step_one_two_five(double value, int steps);

}  // namespace steer::ui
