#pragma once
// Conversions between the engine's std::string / std::filesystem::path values and QString.
// The engine speaks UTF-8 strings and native paths; Qt's file-name codec maps the latter.
#include <QFile>
#include <QString>
#include <filesystem>
#include <string>

namespace steer::ui {

inline QString to_qstring(const std::string& utf8) { return QString::fromStdString(utf8); }

inline QString to_qstring(const std::filesystem::path& path) {
  return QFile::decodeName(QByteArray::fromStdString(path.native()));
}

inline std::filesystem::path to_path(const QString& path) { return std::filesystem::path(QFile::encodeName(path).toStdString()); }

}  // namespace steer::ui
