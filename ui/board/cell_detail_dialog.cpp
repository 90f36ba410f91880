#include "ui/board/cell_detail_dialog.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QVBoxLayout>

#include "ui/panels/image_scaling.h"

namespace steer::ui {

CellDetailDialog::CellDetailDialog(const QString& title, const QImage& image, const QString& settings, QWidget* parent)
    : QDialog(parent), image_(image) {
  setObjectName(QStringLiteral("cellDetailDialog"));
  setWindowTitle(title);

  image_label_ = new QLabel;
  image_label_->setObjectName(QStringLiteral("cellDetailImage"));
  image_label_->setAlignment(Qt::AlignCenter);
  scroll_ = new QScrollArea;
  scroll_->setWidget(image_label_);
  scroll_->setWidgetResizable(true);
  scroll_->setAlignment(Qt::AlignCenter);
  scroll_->setMinimumSize(320, 320);

  actual_size_ = new QCheckBox(tr("Actual size (1:1)"));
  actual_size_->setObjectName(QStringLiteral("actualSizeCheck"));
  connect(actual_size_, &QCheckBox::toggled, this, [this](bool on) {
    scroll_->setWidgetResizable(!on);
    showImage();
  });

  settings_ = new QPlainTextEdit(settings);
  settings_->setObjectName(QStringLiteral("cellDetailSettings"));
  settings_->setReadOnly(true);
  settings_->setMinimumWidth(260);

  auto* left = new QWidget;
  auto* left_layout = new QVBoxLayout(left);
  left_layout->setContentsMargins(0, 0, 0, 0);
  left_layout->addWidget(scroll_, 1);
  left_layout->addWidget(actual_size_);

  auto* splitter = new QSplitter;
  splitter->addWidget(left);
  splitter->addWidget(settings_);
  splitter->setStretchFactor(0, 3);
  splitter->setStretchFactor(1, 1);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
  auto* copy = buttons->addButton(tr("Copy settings"), QDialogButtonBox::ActionRole);
  connect(copy, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(settings_->toPlainText()); });
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(splitter, 1);
  layout->addWidget(buttons);
  resize(900, 600);
  showImage();
}

QString CellDetailDialog::settingsText() const { return settings_->toPlainText(); }

void CellDetailDialog::resizeEvent(QResizeEvent* event) {
  QDialog::resizeEvent(event);
  showImage();
}

void CellDetailDialog::showImage() {
  if (image_.isNull()) {
    image_label_->setText(tr("No image yet"));
    return;
  }
  QPixmap pixmap = QPixmap::fromImage(image_);
  if (!actual_size_->isChecked()) {
    // Fitted: small images (the 64 px of a quick test board) are enlarged without blur,
    // large ones shrunk smoothly.
    const QSize box = scroll_->viewport()->size() - QSize(4, 4);
    pixmap = pixmap.scaled(box, Qt::KeepAspectRatio, scaling_mode(image_.size(), box));
  }
  image_label_->setPixmap(pixmap);
  if (actual_size_->isChecked()) image_label_->resize(pixmap.size());
}

}  // namespace steer::ui
