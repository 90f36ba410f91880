#include "ui/widgets/model_summary_view.h"

#include <QFormLayout>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QLocale>
#include <QStackedLayout>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "ui/path_text.h"

namespace steer::ui {

namespace {

QLabel* value_label(QWidget* parent, const char* object_name) {
  auto* label = new QLabel(parent);
  label->setObjectName(QString::fromLatin1(object_name));
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  return label;
}

QString exact_count(int64_t count) { return QLocale().toString(static_cast<qlonglong>(count)); }

void set_parameter_cell(QTreeWidgetItem* item, int64_t count) {
  item->setText(ModelSummaryView::ParametersColumn, to_qstring(format_parameter_count(count)));
  item->setData(ModelSummaryView::ParametersColumn, ModelSummaryView::ExactCountRole, static_cast<qlonglong>(count));
  item->setToolTip(ModelSummaryView::ParametersColumn, QStringLiteral("%1 parameters").arg(exact_count(count)));
  item->setTextAlignment(ModelSummaryView::ParametersColumn, Qt::AlignRight | Qt::AlignVCenter);
}

// Weight files are shown relative to the model folder, which the header already names.
QString display_path(const std::filesystem::path& file, const std::filesystem::path& folder) {
  const std::filesystem::path relative = file.lexically_relative(folder);
  if (relative.empty() || *relative.begin() == "..") return to_qstring(file);
  return to_qstring(relative);
}

QTreeWidgetItem* component_item(const ComponentSummary& component, const std::filesystem::path& folder) {
  auto* item = new QTreeWidgetItem;
  item->setText(ModelSummaryView::NameColumn, to_qstring(component.name));
  item->setText(ModelSummaryView::ValueColumn, to_qstring(component.class_name));
  item->setText(ModelSummaryView::DetailColumn, to_qstring(component.detail));
  item->setToolTip(ModelSummaryView::DetailColumn, to_qstring(component.detail));
  // Tokenizer and scheduler hold no weights: an empty cell, not "0".
  if (!component.weight_files.empty()) set_parameter_cell(item, component.parameter_count);

  for (const auto& [dtype, count] : component.parameters_by_dtype) {
    auto* row = new QTreeWidgetItem(item);
    row->setText(ModelSummaryView::NameColumn, QObject::tr("Data type"));
    row->setText(ModelSummaryView::ValueColumn, to_qstring(dtype));
    set_parameter_cell(row, count);
  }
  if (component.tensor_count > 0) {
    auto* row = new QTreeWidgetItem(item);
    row->setText(ModelSummaryView::NameColumn, QObject::tr("Tensors"));
    row->setText(ModelSummaryView::ValueColumn, exact_count(component.tensor_count));
  }
  for (const auto& file : component.weight_files) {
    auto* row = new QTreeWidgetItem(item);
    row->setText(ModelSummaryView::NameColumn, QObject::tr("Weight file"));
    row->setText(ModelSummaryView::ValueColumn, display_path(file, folder));
    row->setToolTip(ModelSummaryView::ValueColumn, to_qstring(file));
  }
  return item;
}

QString weights_variant_text(const std::string& variant) {
  return variant.empty() ? QObject::tr("none (full-precision files)") : to_qstring(variant);
}

}  // namespace

ModelSummaryView::ModelSummaryView(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("modelSummaryView"));
  pages_ = new QStackedLayout(this);

  empty_state_ = new QLabel(this);
  empty_state_->setObjectName(QStringLiteral("emptyState"));
  empty_state_->setAlignment(Qt::AlignCenter);
  empty_state_->setWordWrap(true);
  empty_state_->setMargin(24);
  // A muted hint in whatever palette the system uses.
  empty_state_->setForegroundRole(QPalette::PlaceholderText);
  empty_state_->setText(tr("No model loaded.\n\n"
                           "Open a diffusers model folder with File \u25B8 Open Model Folder\u2026 (%1),\n"
                           "or drop the folder onto this window.\n\n"
                           "A diffusers folder holds model_index.json next to unet/, vae/, text_encoder/, "
                           "tokenizer/ and scheduler/.")
                            .arg(QKeySequence(QKeySequence::Open).toString(QKeySequence::NativeText)));
  pages_->addWidget(empty_state_);

  summary_page_ = createSummaryPage();
  pages_->addWidget(summary_page_);
  showEmptyState();
}

QWidget* ModelSummaryView::createSummaryPage() {
  auto* page = new QWidget(this);
  auto* layout = new QVBoxLayout(page);

  title_ = value_label(page, "modelTitle");
  QFont title_font = title_->font();
  title_font.setPointSizeF(title_font.pointSizeF() * 1.4);
  title_font.setBold(true);
  title_->setFont(title_font);
  layout->addWidget(title_);

  auto* facts = new QFormLayout;
  facts->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  family_ = value_label(page, "familyValue");
  pipeline_ = value_label(page, "pipelineValue");
  prediction_ = value_label(page, "predictionTypeValue");
  weights_variant_ = value_label(page, "weightsVariantValue");
  folder_ = value_label(page, "folderValue");
  // A long path must not force the window wider; the tooltip has it whole.
  folder_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  total_parameters_ = value_label(page, "totalParametersValue");
  facts->addRow(tr("Family:"), family_);
  facts->addRow(tr("Pipeline:"), pipeline_);
  facts->addRow(tr("Prediction type:"), prediction_);
  facts->addRow(tr("Weights variant:"), weights_variant_);
  facts->addRow(tr("Folder:"), folder_);
  facts->addRow(tr("Total parameters:"), total_parameters_);
  layout->addLayout(facts);

  components_ = new QTreeWidget(page);
  components_->setObjectName(QStringLiteral("componentTree"));
  components_->setHeaderLabels({tr("Component"), tr("Class / value"), tr("Parameters"), tr("Details")});
  components_->setUniformRowHeights(true);
  components_->setAlternatingRowColors(true);
  components_->setSelectionMode(QAbstractItemView::SingleSelection);
  components_->header()->setStretchLastSection(true);
  layout->addWidget(components_, 1);
  return page;
}

void ModelSummaryView::showSummary(const ModelSummary& summary) {
  const QString folder = to_qstring(summary.folder);
  title_->setText(
      to_qstring(summary.folder.filename().empty() ? summary.folder.parent_path().filename() : summary.folder.filename()));
  family_->setText(to_qstring(summary.family));
  pipeline_->setText(to_qstring(summary.pipeline_class));
  prediction_->setText(to_qstring(summary.prediction_type));
  weights_variant_->setText(weights_variant_text(summary.weights_variant));
  folder_->setText(folder);
  folder_->setToolTip(folder);
  const int64_t total = summary.total_parameters();
  total_parameters_->setText(QStringLiteral("%1 (%2)").arg(to_qstring(format_parameter_count(total)), exact_count(total)));

  components_->clear();
  for (const auto& component : summary.components) components_->addTopLevelItem(component_item(component, summary.folder));
  components_->expandAll();
  for (int column = NameColumn; column < DetailColumn; ++column) components_->resizeColumnToContents(column);

  pages_->setCurrentWidget(summary_page_);
}

void ModelSummaryView::showEmptyState() {
  components_->clear();
  pages_->setCurrentWidget(empty_state_);
}

bool ModelSummaryView::hasSummary() const { return pages_->currentWidget() == summary_page_; }

}  // namespace steer::ui
