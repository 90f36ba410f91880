#pragma once
// A board cell enlarged: its full image (fitted, or 1:1) beside every setting that
// reproduces it.
#include <QDialog>
#include <QImage>

class QLabel;
class QPlainTextEdit;
class QScrollArea;
class QCheckBox;

namespace steer::ui {

class CellDetailDialog : public QDialog {
  Q_OBJECT
 public:
  // `settings` is one "name: value" line per setting.
  CellDetailDialog(const QString& title, const QImage& image, const QString& settings, QWidget* parent = nullptr);

  const QImage& image() const { return image_; }
  QString settingsText() const;

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  void showImage();

  QImage image_;
  QLabel* image_label_ = nullptr;
  QScrollArea* scroll_ = nullptr;
  QCheckBox* actual_size_ = nullptr;
  QPlainTextEdit* settings_ = nullptr;
};

}  // namespace steer::ui
