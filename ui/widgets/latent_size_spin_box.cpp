#include "ui/widgets/latent_size_spin_box.h"

#include <algorithm>

#include "core/generation/image_size.h"

namespace steer::ui {

LatentSizeSpinBox::LatentSizeSpinBox(QWidget* parent) : QSpinBox(parent) {
  setSuffix(QStringLiteral(" px"));
  setLatentFactor(kDefaultLatentFactor);
}

void LatentSizeSpinBox::setLatentFactor(int factor) {
  factor_ = factor > 0 ? factor : kDefaultLatentFactor;
  setSingleStep(factor_);
  setRange(factor_, steer::kMaxImageSide / factor_ * factor_);
}

int LatentSizeSpinBox::nearestSide(int side) const {
  const int below = side / factor_ * factor_;
  const int nearest = (side - below) * 2 >= factor_ ? below + factor_ : below;
  return std::clamp(nearest, minimum(), maximum());
}

void LatentSizeSpinBox::stepBy(int steps) {
  const int side = value();
  if (side % factor_ == 0 || steps == 0) {
    QSpinBox::stepBy(steps);
    return;
  }
  // From between two multiples, the first step lands on the next one in its direction.
  const int below = side / factor_ * factor_;
  const int target = steps > 0 ? below + steps * factor_ : below + (steps + 1) * factor_;
  setValue(std::clamp(target, minimum(), maximum()));
  selectAll();
}

QValidator::State LatentSizeSpinBox::validate(QString& input, int& pos) const {
  const QValidator::State state = QSpinBox::validate(input, pos);
  if (state != QValidator::Acceptable) return state;
  // A number in range that is not a multiple may be on its way to one ("6" of "64"): the
  // text stays, and fixup snaps it when editing ends.
  return valueFromText(input) % factor_ == 0 ? QValidator::Acceptable : QValidator::Intermediate;
}

void LatentSizeSpinBox::fixup(QString& input) const {
  QString number = input;
  if (number.startsWith(prefix())) number.remove(0, prefix().size());
  if (number.endsWith(suffix())) number.chop(suffix().size());
  bool ok = false;
  const int side = locale().toInt(number.trimmed(), &ok);
  if (!ok) return;  // not a number: the box goes back to its value
  input = prefix() + textFromValue(nearestSide(side)) + suffix();
}

}  // namespace steer::ui
