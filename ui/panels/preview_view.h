#pragma once
// Shows the image being generated: the engine's H/8 x W/8 previews after every step,
// upscaled smoothly to the view, then the final image. Aspect ratio kept, centred.
#include <QImage>
#include <QString>
#include <QWidget>

namespace steer::ui {

class PreviewView : public QWidget {
  Q_OBJECT
 public:
  explicit PreviewView(QWidget* parent = nullptr);

  // `stamp` identifies the frame for latency measurement (the engine-thread send time of
  // its step event, EngineBridge::stepEmittedAtNs); framePainted(stamp) follows its first
  // paint. 0: not measured.
  void setImage(const QImage& image, qint64 stamp = 0);
  void clear(const QString& placeholder);
  const QImage& image() const { return image_; }
  // How many images setImage has been given since construction.
  qint64 framesShown() const { return frames_shown_; }

  QSize sizeHint() const override { return {512, 512}; }
  QSize minimumSizeHint() const override { return {160, 160}; }

 Q_SIGNALS:
  void framePainted(qint64 stamp);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;

 private:
  QRect targetRect() const;

  QImage image_;
  QImage scaled_;  // image_ at targetRect().size(), made on the first paint after a change
  QString placeholder_;
  qint64 stamp_ = 0;
  bool stamp_painted_ = true;
  qint64 frames_shown_ = 0;
};

}  // namespace steer::ui
