#include "ui/panels/preview_view.h"

#include <QPainter>
#include <QResizeEvent>

#include "ui/panels/image_scaling.h"

namespace steer::ui {

PreviewView::PreviewView(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("previewView"));
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  setAttribute(Qt::WA_OpaquePaintEvent);
}

void PreviewView::setImage(const QImage& image, qint64 stamp) {
  image_ = image;
  scaled_ = QImage();
  stamp_ = stamp;
  stamp_painted_ = stamp == 0;
  ++frames_shown_;
  update();
}

void PreviewView::clear(const QString& placeholder) {
  image_ = QImage();
  scaled_ = QImage();
  placeholder_ = placeholder;
  stamp_painted_ = true;
  update();
}

QRect PreviewView::targetRect() const {
  if (image_.isNull()) return {};
  QSize size = image_.size().scaled(this->size() - QSize(16, 16), Qt::KeepAspectRatio);
  if (size.isEmpty()) size = QSize(1, 1);
  QRect r(QPoint(0, 0), size);
  r.moveCenter(rect().center());
  return r;
}

void PreviewView::resizeEvent(QResizeEvent* event) {
  scaled_ = QImage();
  QWidget::resizeEvent(event);
}

void PreviewView::paintEvent(QPaintEvent* /*event*/) {
  QPainter p(this);
  p.fillRect(rect(), palette().color(QPalette::Window).darker(108));
  if (image_.isNull()) {
    p.setPen(palette().color(QPalette::PlaceholderText));
    p.drawText(rect().adjusted(12, 12, -12, -12), Qt::AlignCenter | Qt::TextWordWrap, placeholder_);
    return;
  }
  const QRect target = targetRect();
  // Enlarged images keep sharp pixels (ui/panels/image_scaling.h), the live previews too:
  // the designer sees what the model made, not a filter's blur. Scaled once per frame, not
  // per repaint, and from premultiplied ARGB, the raster engine's own format
  // (tests/bench/ui_latency_bench.cpp measures the whole path).
  if (scaled_.size() != target.size())
    scaled_ = image_.convertToFormat(QImage::Format_ARGB32_Premultiplied)
                  .scaled(target.size(), Qt::IgnoreAspectRatio, scaling_mode(image_.size(), target.size()));
  p.drawImage(target.topLeft(), scaled_);
  if (!stamp_painted_) {
    stamp_painted_ = true;
    Q_EMIT framePainted(stamp_);
  }
}

}  // namespace steer::ui
