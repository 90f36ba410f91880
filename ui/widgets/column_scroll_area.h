#pragma once
// A settings column that scrolls vertically and never clips horizontally: its minimum width
// follows its content's width whenever the content's layout changes (a combo box
// gains a longer item, a note appears), so the splitter beside it gives way instead of the
// content being cut off (tests/ui/test_first_hour.cpp checks every such column).
#include <QScrollArea>

namespace steer::ui {

class ColumnScrollArea : public QScrollArea {
  Q_OBJECT
 public:
  explicit ColumnScrollArea(QWidget* parent = nullptr);
  // Takes `content` as the scrolled widget and starts following its width.
  void setColumn(QWidget* content);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void followContentWidth();
};

}  // namespace steer::ui
