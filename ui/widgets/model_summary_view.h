#pragma once
// Shows what the engine found in a model folder: the pipeline facts, then one tree row
// per component with its class, parameters, stored data types and weight files. Before a
// model is loaded it shows a short hint instead. Every value shown comes from the
// ModelSummary; nothing is computed or guessed here.
#include <QWidget>

#include "core/pipeline/model_inspection.h"

class QLabel;
class QStackedLayout;
class QTreeWidget;

namespace steer::ui {

class ModelSummaryView : public QWidget {
  Q_OBJECT
 public:
  enum Column { NameColumn = 0, ValueColumn = 1, ParametersColumn = 2, DetailColumn = 3 };
  // The parameters column also holds the exact count (qlonglong) under this role.
  static constexpr int ExactCountRole = Qt::UserRole;

  explicit ModelSummaryView(QWidget* parent = nullptr);

  void showSummary(const steer::ModelSummary& summary);
  void showEmptyState();
  bool hasSummary() const;

 private:
  QWidget* createSummaryPage();

  QStackedLayout* pages_ = nullptr;
  QLabel* empty_state_ = nullptr;
  QWidget* summary_page_ = nullptr;
  QLabel* title_ = nullptr;
  QLabel* family_ = nullptr;
  QLabel* pipeline_ = nullptr;
  QLabel* prediction_ = nullptr;
  QLabel* weights_variant_ = nullptr;
  QLabel* folder_ = nullptr;
  QLabel* total_parameters_ = nullptr;
  QTreeWidget* components_ = nullptr;
};

}  // namespace steer::ui
