#include "ui/panels/history_strip.h"

#include <QPixmap>
#include <QScrollBar>

#include "ui/path_text.h"

namespace steer::ui {

namespace {
constexpr int kThumbnail = 72;
}

HistoryStrip::HistoryStrip(QWidget* parent) : QListWidget(parent) {
  setObjectName(QStringLiteral("historyStrip"));
  setViewMode(QListView::IconMode);
  setFlow(QListView::LeftToRight);
  setWrapping(false);
  setMovement(QListView::Static);
  setResizeMode(QListView::Adjust);
  setIconSize(QSize(kThumbnail, kThumbnail));
  setSpacing(4);
  setSelectionMode(QAbstractItemView::SingleSelection);
  setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
  setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
  setFixedHeight(sizeHint().height());
  connect(this, &QListWidget::currentRowChanged, this, [this](int row) {
    if (row >= 0) Q_EMIT entryChosen(row);
  });
  // A click on the entry that is already current changes no row, but the user asked for it
  // (e.g. to see it again after a newer preview replaced it).
  connect(this, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) { Q_EMIT entryChosen(row(item)); });
}

QSize HistoryStrip::sizeHint() const {
  return {400, kThumbnail + 2 * frameWidth() + 2 * spacing() + 6 + horizontalScrollBar()->sizeHint().height()};
}

int HistoryStrip::add(Entry entry) {
  const QPixmap thumbnail =
      QPixmap::fromImage(entry.image.scaled(QSize(kThumbnail, kThumbnail), Qt::KeepAspectRatio, Qt::SmoothTransformation));
  const steer::GenerationRequest& r = entry.kept.request;
  auto* item = new QListWidgetItem(QIcon(thumbnail), QString::number(r.seed));
  item->setToolTip(tr("%1\nseed %2 · %3×%4 · %5 steps · %6 · %7\n%8 s")
                       .arg(to_qstring(r.prompt))
                       .arg(r.seed)
                       .arg(r.width)
                       .arg(r.height)
                       .arg(r.steps)
                       .arg(to_qstring(r.sampler))
                       .arg(to_qstring(r.guidance.describe()))
                       .arg(entry.kept.seconds, 0, 'f', 2));
  entries_.push_back(std::move(entry));
  addItem(item);
  const int index = static_cast<int>(entries_.size()) - 1;
  setCurrentRow(index);
  scrollToItem(item);
  return index;
}

int HistoryStrip::selectedIndex() const { return currentRow(); }

}  // namespace steer::ui
