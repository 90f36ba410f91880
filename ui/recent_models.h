#pragma once
// The list of recently loaded model folders, most recent first, kept in QSettings: a
// RecentList under its own key.
#include "ui/project/recent_list.h"

namespace steer::ui {

class RecentModels : public RecentList {
 public:
  RecentModels() : RecentList(QStringLiteral("recentModelFolders")) {}
  QStringList folders() const { return paths(); }
};

}  // namespace steer::ui
