#pragma once
// A spin box for seeds: the engine takes any seed in [0, 2^63-1], which QSpinBox (int)
// cannot hold, and "Use these settings" must give back the exact seed of a past image.
#include <QAbstractSpinBox>
#include <limits>

namespace steer::ui {

class SeedSpinBox : public QAbstractSpinBox {
  Q_OBJECT
 public:
  static constexpr qint64 kMaximum = std::numeric_limits<qint64>::max();

  explicit SeedSpinBox(QWidget* parent = nullptr);

  qint64 value() const { return value_; }
  void setValue(qint64 value);

  void stepBy(int steps) override;
  QValidator::State validate(QString& input, int& pos) const override;
  void fixup(QString& input) const override;

 Q_SIGNALS:
  void valueChanged(qint64 value);

 protected:
  StepEnabled stepEnabled() const override;

 private:
  void takeText(const QString& text);

  qint64 value_ = 0;
};

}  // namespace steer::ui
