#pragma once
// The images of this session, newest last, as thumbnails; each keeps the exact request
// that made it, so "Use these settings" can give it back to the panel, and what "Save
// Image…" writes (the context menu offers both).
#include <QImage>
#include <QListWidget>
#include <vector>

#include "ui/export/kept_image.h"

namespace steer::ui {

class HistoryStrip : public QListWidget {
  Q_OBJECT
 public:
  struct Entry {
    QImage image;    // as shown
    KeptImage kept;  // the request (seed as used), the record and the engine's pixels
  };

  explicit HistoryStrip(QWidget* parent = nullptr);

  // Appends an entry and selects it; returns its index.
  int add(Entry entry);
  const Entry& entry(int index) const { return entries_.at(static_cast<size_t>(index)); }
  int entryCount() const { return static_cast<int>(entries_.size()); }
  // The selected entry's index, or -1.
  int selectedIndex() const;

  QSize sizeHint() const override;

 Q_SIGNALS:
  void entryChosen(int index);

 private:
  std::vector<Entry> entries_;
};

}  // namespace steer::ui
