#include "ui/project/recent_list.h"

#include <QDir>
#include <QSettings>

namespace steer::ui {

namespace {
// One spelling per path, so "/a/b/" and "/a/b" do not appear twice.
QString canonical(const QString& path) { return QDir::cleanPath(QDir(path).absolutePath()); }
}  // namespace

QStringList RecentList::paths() const { return QSettings().value(key_).toStringList(); }

void RecentList::add(const QString& path) {
  const QString entry = canonical(path);
  QStringList list = paths();
  list.removeAll(entry);
  list.prepend(entry);
  while (list.size() > kMaxEntries) list.removeLast();
  store(list);
}

void RecentList::remove(const QString& path) {
  QStringList list = paths();
  list.removeAll(canonical(path));
  store(list);
}

void RecentList::clear() { store({}); }

void RecentList::store(const QStringList& paths) const { QSettings().setValue(key_, paths); }

}  // namespace steer::ui
