#include "ui/board/board_cell_view.h"

#include <QContextMenuEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <cmath>
#include <numbers>

#include "ui/panels/image_scaling.h"

namespace steer::ui {
namespace {

constexpr int kFrame = 3;
constexpr int kStarSize = 22;

QRect fitted(const QSize& image, const QRect& box) {
  const QSize size = image.scaled(box.size(), Qt::KeepAspectRatio);
  return QRect(box.x() + (box.width() - size.width()) / 2, box.y() + (box.height() - size.height()) / 2, size.width(),
               size.height());
}

QPainterPath star_path(const QRectF& box) {
  QPainterPath path;
  const QPointF c = box.center();
  const double outer = box.width() / 2.0, inner = outer * 0.45;
  for (int i = 0; i < 10; ++i) {
    const double r = i % 2 == 0 ? outer : inner;
    const double a = -std::numbers::pi / 2 + i * std::numbers::pi / 5;
    const QPointF p(c.x() + r * std::cos(a), c.y() + r * std::sin(a));
    if (i == 0)
      path.moveTo(p);
    else
      path.lineTo(p);
  }
  path.closeSubpath();
  return path;
}

}  // namespace

BoardCellView::BoardCellView(int index, QWidget* parent) : QWidget(parent), index_(index) {
  setObjectName(QStringLiteral("boardCell%1").arg(index));
  setFixedSize(side_ + 2 * kFrame, side_ + 2 * kFrame);
  setAttribute(Qt::WA_OpaquePaintEvent);
}

void BoardCellView::setSide(int side) {
  side_ = side;
  setFixedSize(side_ + 2 * kFrame, side_ + 2 * kFrame);
  update();
}

QSize BoardCellView::sizeHint() const { return {side_ + 2 * kFrame, side_ + 2 * kFrame}; }

void BoardCellView::setImage(const QImage& image) {
  image_ = image;
  update();
}

void BoardCellView::setPreview(const QImage& preview, int step, int steps) {
  // A step whose preview the bridge dropped (the UI was behind) keeps the last one shown.
  if (!preview.isNull()) {
    preview_ = preview;
  } else if (preview_.isNull()) {
    preview_ = QImage(1, 1, QImage::Format_RGBA8888);
    preview_.fill(QColor(60, 60, 60));
  }
  step_ = step;
  steps_ = steps;
  update();
}

void BoardCellView::clearPreview() {
  preview_ = QImage();
  step_ = steps_ = 0;
  update();
}

void BoardCellView::setStatusText(const QString& text) {
  status_ = text;
  update();
}

void BoardCellView::setFavourite(bool favourite) {
  favourite_ = favourite;
  update();
}

void BoardCellView::setSelected(bool selected) {
  selected_ = selected;
  update();
}

void BoardCellView::setCurrent(bool current) {
  current_ = current;
  update();
}

void BoardCellView::setBadge(const QString& badge, bool shown) {
  badge_ = badge;
  badge_shown_ = shown;
  update();
}

QRect BoardCellView::starRect() const { return QRect(width() - kFrame - kStarSize - 4, kFrame + 4, kStarSize, kStarSize); }

void BoardCellView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  const QColor frame = current_    ? palette().color(QPalette::Highlight)
                       : selected_ ? palette().color(QPalette::Highlight).lighter(140)
                                   : palette().color(QPalette::Window);
  p.fillRect(rect(), frame);
  const QRect box = rect().adjusted(kFrame, kFrame, -kFrame, -kFrame);
  p.fillRect(box, QColor(38, 38, 42));

  // The preview is the x0 estimate at 1/8 size: shown over an older image while a cell
  // re-runs, so the cell never goes blank.
  const QImage& shown = !preview_.isNull() ? preview_ : image_;
  if (!shown.isNull()) {
    // Sharp pixels when enlarged, smooth when shrunk (ui/panels/image_scaling.h).
    const QRect target = fitted(shown.size(), box);
    p.setRenderHint(QPainter::SmoothPixmapTransform, !is_enlarging(shown.size(), target.size()));
    p.drawImage(target, shown);
  } else {
    p.setPen(QColor(170, 170, 170));
    p.drawText(box, Qt::AlignCenter | Qt::TextWordWrap, status_);
  }
  if (!preview_.isNull() && steps_ > 0) {
    const QRect bar(box.left(), box.bottom() - 5, box.width() * step_ / steps_, 6);
    p.fillRect(QRect(box.left(), box.bottom() - 5, box.width(), 6), QColor(0, 0, 0, 140));
    p.fillRect(bar, palette().color(QPalette::Highlight));
    const QString text = tr("step %1/%2").arg(step_).arg(steps_);
    const QRect label(box.left() + 4, box.bottom() - 24, p.fontMetrics().horizontalAdvance(text) + 8, 17);
    p.fillRect(label, QColor(0, 0, 0, 150));
    p.setPen(Qt::white);
    p.drawText(label, Qt::AlignCenter, text);
  }

  if (!badge_.isEmpty()) {
    const QRect badge(box.left() + 4, box.top() + 4, 22, 22);
    p.setPen(Qt::NoPen);
    p.setBrush(badge_shown_ ? palette().color(QPalette::Highlight) : QColor(0, 0, 0, 170));
    p.drawRoundedRect(badge, 4, 4);
    p.setPen(Qt::white);
    QFont f = p.font();
    f.setBold(true);
    p.setFont(f);
    p.drawText(badge, Qt::AlignCenter, badge_);
  }

  const QPainterPath star = star_path(starRect());
  if (favourite_) {
    p.setPen(QPen(QColor(120, 80, 0), 1));
    p.setBrush(QColor(255, 196, 0));
  } else {
    p.setPen(QPen(QColor(235, 235, 235, 200), 1.5));
    p.setBrush(QColor(0, 0, 0, 90));
  }
  p.drawPath(star);
}

void BoardCellView::mousePressEvent(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton) return QWidget::mousePressEvent(event);
  if (starRect().contains(event->position().toPoint()))
    Q_EMIT favouriteClicked(index_);
  else
    Q_EMIT clicked(index_, event->modifiers());
}

void BoardCellView::mouseDoubleClickEvent(QMouseEvent* event) {
  if (event->button() == Qt::LeftButton && !starRect().contains(event->position().toPoint())) Q_EMIT activated(index_);
}

void BoardCellView::contextMenuEvent(QContextMenuEvent* event) {
  Q_EMIT contextMenuRequested(index_, event->globalPos());
  event->accept();
}

}  // namespace steer::ui
