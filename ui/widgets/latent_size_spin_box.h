#pragma once
// A spin box for an image side: sides are whole latent cells (issue 11, item 3), so the box
// steps by the model's latent factor (steer::ModelSummary::latent_factor: 8 for SD, 4 for
// the demo model) and takes only its multiples. A side typed between two multiples is
// accepted as it is typed and snaps to the nearest multiple when editing ends (Enter, Tab,
// focus out), as a designer expects of a size field; an arrow from such a side goes to the
// next multiple. setValue() keeps what it is given: a request from a project is shown as it
// is, and the Generate panel's check names a side that is not a multiple.
#include <QSpinBox>

namespace steer::ui {

class LatentSizeSpinBox : public QSpinBox {
  Q_OBJECT
 public:
  // The factor SD models use; the box's factor before a model is loaded.
  static constexpr int kDefaultLatentFactor = 8;

  explicit LatentSizeSpinBox(QWidget* parent = nullptr);

  // The step and the divisor of every side; <= 0 (unknown) means kDefaultLatentFactor. The
  // range becomes [factor, the largest multiple up to steer::kMaxImageSide].
  void setLatentFactor(int factor);
  int latentFactor() const { return factor_; }
  // The multiple of the factor nearest to `side` (halves round up), within the range.
  int nearestSide(int side) const;

  void stepBy(int steps) override;

 protected:
  QValidator::State validate(QString& input, int& pos) const override;
  void fixup(QString& input) const override;

 private:
  int factor_ = kDefaultLatentFactor;
};

}  // namespace steer::ui
