#pragma once
// The list of recently loaded model folders, most recent first, kept in QSettings.
#include <QString>
#include <QStringList>

namespace steer::ui {

class RecentModels {
 public:
  static constexpr int kMaxEntries = 8;

  QStringList folders() const;
  // Moves `folder` to the front (adding it if new) and trims the list.
  void add(const QString& folder);
  void remove(const QString& folder);
  void clear();

 private:
  void store(const QStringList& folders);
};

}  // namespace steer::ui
