#pragma once
// One cell of the compare board: its finished image, or the live preview of the step it is
// at, with its favourite star, selection frame and A/B badge. It only shows what the board
// tells it and reports clicks; the board owns the state.
#include <QImage>
#include <QString>
#include <QWidget>

namespace steer::ui {

class BoardCellView : public QWidget {
  Q_OBJECT
 public:
  explicit BoardCellView(int index, QWidget* parent = nullptr);

  int index() const { return index_; }
  void setSide(int side);  // the square the image is fitted into, in pixels

  void setImage(const QImage& image);  // a finished image (null: none)
  // Drawn over the image while running; a null preview keeps the last one shown.
  void setPreview(const QImage& preview, int step, int steps);
  void clearPreview();
  void setStatusText(const QString& text);  // shown when there is neither image nor preview
  void setFavourite(bool favourite);
  void setSelected(bool selected);
  void setCurrent(bool current);
  void setBadge(const QString& badge, bool shown);  // "A" / "B"; `shown`: the one the A/B view shows

  bool hasImage() const { return !image_.isNull(); }
  bool hasPreview() const { return !preview_.isNull(); }
  bool isFavourite() const { return favourite_; }
  QString statusText() const { return status_; }
  // Where the star is drawn (clicking it toggles the favourite).
  QRect starRect() const;

  QSize sizeHint() const override;

 Q_SIGNALS:
  void clicked(int index, Qt::KeyboardModifiers modifiers);
  void activated(int index);  // double click: enlarge
  void favouriteClicked(int index);
  void contextMenuRequested(int index, const QPoint& global_position);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  void contextMenuEvent(QContextMenuEvent* event) override;

 private:
  int index_;
  int side_ = 160;
  QImage image_, preview_;
  int step_ = 0, steps_ = 0;
  QString status_;
  QString badge_;
  bool badge_shown_ = false;
  bool favourite_ = false, selected_ = false, current_ = false;
};

}  // namespace steer::ui
