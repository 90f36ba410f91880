#include "ui/widgets/column_scroll_area.h"

#include <QEvent>
#include <QScrollBar>
#include <algorithm>

namespace steer::ui {

ColumnScrollArea::ColumnScrollArea(QWidget* parent) : QScrollArea(parent) {
  setWidgetResizable(true);
  setFrameShape(QFrame::NoFrame);
  setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
}

void ColumnScrollArea::setColumn(QWidget* content) {
  setWidget(content);
  content->installEventFilter(this);
  followContentWidth();
}

bool ColumnScrollArea::eventFilter(QObject* watched, QEvent* event) {
  if (watched == widget() && event->type() == QEvent::LayoutRequest) followContentWidth();
  return QScrollArea::eventFilter(watched, event);
}

void ColumnScrollArea::followContentWidth() {
  if (!widget()) return;
  // The vertical scroll bar may appear at any height: leave room for it always.
  const QWidget* content = widget();
  const int content_width = std::max(content->sizeHint().width(), content->minimumSizeHint().width());
  const int needed = content_width + verticalScrollBar()->sizeHint().width() + 2 * frameWidth() + 4;
  if (needed != minimumWidth()) setMinimumWidth(needed);
}

}  // namespace steer::ui
