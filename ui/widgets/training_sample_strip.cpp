#include "ui/widgets/training_sample_strip.h"

#include <QDir>
#include <QPixmap>
#include <QScrollBar>

namespace steer::ui {

namespace {
constexpr int kThumbnail = 80;
}

TrainingSampleStrip::TrainingSampleStrip(QWidget* parent) : QListWidget(parent) {
  setObjectName(QStringLiteral("trainingSampleStrip"));
  setViewMode(QListView::IconMode);
  setFlow(QListView::LeftToRight);
  setWrapping(false);
  setMovement(QListView::Static);
  setResizeMode(QListView::Adjust);
  setDragDropMode(QAbstractItemView::NoDragDrop);
  setIconSize(QSize(kThumbnail, kThumbnail));
  // A fixed cell with room for the step label under each thumbnail.
  setGridSize(QSize(kThumbnail + 12, kThumbnail + fontMetrics().height() + 10));
  setSelectionMode(QAbstractItemView::SingleSelection);
  setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
  setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
  setFixedHeight(sizeHint().height());
}

QSize TrainingSampleStrip::sizeHint() const {
  return {400, gridSize().height() + 2 * frameWidth() + 6 + horizontalScrollBar()->sizeHint().height()};
}

void TrainingSampleStrip::add(Sample sample) {
  const QPixmap thumbnail =
      QPixmap::fromImage(sample.image.scaled(QSize(kThumbnail, kThumbnail), Qt::KeepAspectRatio, Qt::SmoothTransformation));
  auto* item = new QListWidgetItem(QIcon(thumbnail), tr("step %1").arg(sample.step));
  QString tip = tr("Step %1 · seed %2\n%3").arg(sample.step).arg(sample.seed).arg(sample.prompt);
  if (!sample.file.isEmpty()) tip += QLatin1Char('\n') + QDir::toNativeSeparators(sample.file);
  item->setToolTip(tip);
  samples_.push_back(std::move(sample));
  addItem(item);
  scrollToItem(item);
}

void TrainingSampleStrip::removeAfter(int step) {
  while (!samples_.empty() && samples_.back().step > step) {
    samples_.pop_back();
    delete takeItem(count() - 1);
  }
}

void TrainingSampleStrip::clearSamples() {
  samples_.clear();
  clear();
}

}  // namespace steer::ui
