#pragma once
// How every view scales a generated image: enlarged with nearest-neighbour, so a 64 px
// model's pixels stay sharp squares a designer can inspect (as in the A/B view and the cell
// dialog); shrunk with a smooth filter, so a large image does not alias.
#include <QSize>
#include <Qt>

namespace steer::ui {

inline bool is_enlarging(const QSize& image, const QSize& target) {
  return target.width() >= image.width() && target.height() >= image.height();
}

inline Qt::TransformationMode scaling_mode(const QSize& image, const QSize& target) {
  return is_enlarging(image, target) ? Qt::FastTransformation : Qt::SmoothTransformation;
}

}  // namespace steer::ui
