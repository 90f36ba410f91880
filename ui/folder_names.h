#pragma once
// How the window names and compares folders. The main window and the project controller
// both show folder names (titles, menus, questions) and compare model folders, and they
// must agree on both.
#include <QDir>
#include <QFileInfo>
#include <QString>

namespace steer::ui {

// The folder's own name ("sd15" for /models/sd15/), for titles and menus; the path itself
// when it has none (a root).
inline QString folder_name(const QString& folder) {
  const QString name = QFileInfo(QDir::cleanPath(folder)).fileName();
  return name.isEmpty() ? folder : name;
}

// One spelling per folder (absolute, no "..", no trailing slash), so two paths to the same
// folder compare equal.
inline QString clean_absolute(const QString& path) { return QDir::cleanPath(QDir(path).absolutePath()); }

}  // namespace steer::ui
