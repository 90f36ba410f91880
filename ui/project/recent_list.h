#pragma once
// A most-recent-first list of file or folder paths kept in QSettings under one key: the
// recent subjects and the recent projects (recent models keep their own RecentModels).
#include <QString>
#include <QStringList>

namespace steer::ui {

class RecentList {
 public:
  static constexpr int kMaxEntries = 8;

  explicit RecentList(QString settings_key) : key_(std::move(settings_key)) {}

  QStringList paths() const;
  // Moves `path` to the front (adding it if new) and trims the list.
  void add(const QString& path);
  void remove(const QString& path);
  void clear();

 private:
  void store(const QStringList& paths) const;
  QString key_;
};

}  // namespace steer::ui
