#include "ui/recent_models.h"

#include <QDir>
#include <QSettings>

namespace steer::ui {

namespace {
const QString kKey = QStringLiteral("recentModelFolders");

// One spelling per folder, so "/a/b/" and "/a/b" do not appear twice.
QString canonical(const QString& folder) { return QDir::cleanPath(QDir(folder).absolutePath()); }
}  // namespace

QStringList RecentModels::folders() const { return QSettings().value(kKey).toStringList(); }

void RecentModels::add(const QString& folder) {
  const QString entry = canonical(folder);
  QStringList list = folders();
  list.removeAll(entry);
  list.prepend(entry);
  while (list.size() > kMaxEntries) list.removeLast();
  store(list);
}

void RecentModels::remove(const QString& folder) {
  QStringList list = folders();
  list.removeAll(canonical(folder));
  store(list);
}

void RecentModels::clear() { store({}); }

void RecentModels::store(const QStringList& folders) { QSettings().setValue(kKey, folders); }

}  // namespace steer::ui
