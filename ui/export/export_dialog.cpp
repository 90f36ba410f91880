#include "ui/export/export_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPromise>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "core/export/file_naming.h"
#include "core/generation/cell_record.h"
#include "ui/path_text.h"

namespace steer::ui {
namespace {

constexpr int kExampleNames = 4;
const char* const kFolderSetting = "export/lastFolder";

QString q(const std::string& s) { return QString::fromStdString(s); }

}  // namespace

ExportDialog::ExportDialog(const CompareBoard& board, QWidget* parent) : QDialog(parent), board_(board) {
  setObjectName(QStringLiteral("exportDialog"));
  setWindowTitle(tr("Export the board"));
  buildUi();
  connect(&board_, &CompareBoard::cellFinished, this, [this] { refreshCounts(); });
  connect(&board_, &CompareBoard::favouritesChanged, this, [this] { refreshCounts(); });
  connect(&board_, &CompareBoard::selectionChanged, this, [this] { refreshCounts(); });
  connect(&watcher_, &QFutureWatcher<BoardExportResult>::progressValueChanged, this,
          [this](int value) { progress_->setValue(value); });
  connect(&watcher_, &QFutureWatcher<BoardExportResult>::progressRangeChanged, this,
          [this](int low, int high) { progress_->setRange(low, high); });
  connect(&watcher_, &QFutureWatcher<BoardExportResult>::finished, this, &ExportDialog::exportEnded);
  refreshCounts();
}

ExportDialog::~ExportDialog() {
  // The worker holds copies of everything it writes, but it must not outlive its owner.
  if (watcher_.isRunning()) {
    cancel_flag_->store(true);
    watcher_.waitForFinished();
  }
}

void ExportDialog::buildUi() {
  folder_edit_ = new QLineEdit;
  folder_edit_->setObjectName(QStringLiteral("folderEdit"));
  QString start = QSettings().value(QLatin1String(kFolderSetting)).toString();
  if (start.isEmpty())
    start = QDir(QStandardPaths::writableLocation(QStandardPaths::PicturesLocation)).filePath(QStringLiteral("Steer Studio"));
  folder_edit_->setText(QDir::toNativeSeparators(start));
  folder_edit_->setToolTip(tr("The set becomes a new folder in here; nothing existing is ever overwritten"));
  browse_button_ = new QPushButton(tr("&Browse…"));
  browse_button_->setObjectName(QStringLiteral("browseButton"));
  connect(browse_button_, &QPushButton::clicked, this, &ExportDialog::chooseFolder);
  auto* folder_row = new QHBoxLayout;
  folder_row->addWidget(folder_edit_, 1);
  folder_row->addWidget(browse_button_);

  set_name_edit_ = new QLineEdit(QStringLiteral("sweep"));
  set_name_edit_->setObjectName(QStringLiteral("setNameEdit"));
  set_name_edit_->setToolTip(tr("The set's folder name; -2, -3, … is added when it exists"));

  template_edit_ = new QLineEdit(q(SweepExportOptions{}.name_template));
  template_edit_->setObjectName(QStringLiteral("templateEdit"));
  QStringList tokens;
  for (const auto& t : name_template_tokens()) tokens << QStringLiteral("{%1}").arg(q(t));
  template_edit_->setToolTip(tr("File names. Tokens: %1").arg(tokens.join(QStringLiteral(" "))));
  example_label_ = new QLabel;
  example_label_->setObjectName(QStringLiteral("templateExample"));
  example_label_->setWordWrap(true);
  example_label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  template_error_ = new QLabel;
  template_error_->setObjectName(QStringLiteral("templateError"));
  template_error_->setWordWrap(true);
  template_error_->setStyleSheet(QStringLiteral("color: #c62828;"));
  template_error_->hide();

  cells_combo_ = new QComboBox;
  cells_combo_->setObjectName(QStringLiteral("cellsCombo"));
  cells_combo_->addItem(QString(), static_cast<int>(CellChoice::All));
  cells_combo_->addItem(QString(), static_cast<int>(CellChoice::Favourites));
  cells_combo_->addItem(QString(), static_cast<int>(CellChoice::Selection));

  format_combo_ = new QComboBox;
  format_combo_->setObjectName(QStringLiteral("formatCombo"));
  format_combo_->addItem(tr("PNG (with A1111 parameters)"), QStringLiteral(".png"));
  format_combo_->addItem(tr("JPEG"), QStringLiteral(".jpg"));
  format_combo_->addItem(tr("TIFF"), QStringLiteral(".tif"));
  format_combo_->addItem(tr("OpenEXR"), QStringLiteral(".exr"));
  format_combo_->addItem(tr("WebP"), QStringLiteral(".webp"));

  grid_check_ = new QCheckBox(tr("Labelled &grid (grid.png)"));
  grid_check_->setObjectName(QStringLiteral("gridCheck"));
  grid_check_->setChecked(true);
  // Small models' 64 px images are enlarged in the grid by whole steps (nearest neighbour,
  // core/export/grid_image.h): 0 is automatic, to at least 256 px.
  grid_upscale_spin_ = new QSpinBox;
  grid_upscale_spin_->setObjectName(QStringLiteral("gridUpscaleSpin"));
  grid_upscale_spin_->setRange(0, 16);
  grid_upscale_spin_->setValue(SweepExportOptions{}.grid_upscale);
  grid_upscale_spin_->setSpecialValueText(tr("automatic (small images to 256 px)"));
  grid_upscale_spin_->setSuffix(tr(" ×"));
  grid_upscale_spin_->setToolTip(
      tr("How many times the grid enlarges each image, with sharp pixels. "
         "1 keeps images as they are."));
  sidecar_check_ = new QCheckBox(tr("&Sidecars: every setting as JSON next to each image"));
  sidecar_check_->setObjectName(QStringLiteral("sidecarCheck"));
  sidecar_check_->setChecked(true);

  for (QLineEdit* edit : {folder_edit_, set_name_edit_, template_edit_})
    connect(edit, &QLineEdit::textChanged, this, [this] {
      refreshExample();
      refreshButtons();
    });
  connect(cells_combo_, &QComboBox::currentIndexChanged, this, [this] {
    refreshExample();
    refreshButtons();
  });
  connect(format_combo_, &QComboBox::currentIndexChanged, this, [this] { refreshExample(); });

  auto* form = new QFormLayout;
  form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
  auto* folder_label = new QLabel(tr("&Destination"));
  folder_label->setBuddy(folder_edit_);
  form->addRow(folder_label, folder_row);
  form->addRow(tr("Set &name"), set_name_edit_);
  form->addRow(tr("File &names"), template_edit_);
  form->addRow(QString(), template_error_);
  form->addRow(tr("Example"), example_label_);
  form->addRow(tr("&Cells"), cells_combo_);
  form->addRow(tr("&Format"), format_combo_);
  form->addRow(QString(), grid_check_);
  form->addRow(tr("Grid &enlargement"), grid_upscale_spin_);
  form->addRow(QString(), sidecar_check_);

  progress_ = new QProgressBar;
  progress_->setObjectName(QStringLiteral("exportProgress"));
  progress_->setRange(0, 1);
  progress_->setValue(0);
  status_label_ = new QLabel;
  status_label_->setObjectName(QStringLiteral("exportStatus"));
  status_label_->setWordWrap(true);
  status_label_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  export_button_ = new QPushButton(tr("&Export"));
  export_button_->setObjectName(QStringLiteral("exportButton"));
  export_button_->setDefault(true);
  open_folder_button_ = new QPushButton(tr("&Open folder"));
  open_folder_button_->setObjectName(QStringLiteral("openFolderButton"));
  open_folder_button_->hide();
  close_button_ = new QPushButton(tr("Close"));
  close_button_->setObjectName(QStringLiteral("closeButton"));
  connect(export_button_, &QPushButton::clicked, this, [this] { startExport(); });
  connect(open_folder_button_, &QPushButton::clicked, this,
          [this] { QDesktopServices::openUrl(QUrl::fromLocalFile(exported_folder_)); });
  connect(close_button_, &QPushButton::clicked, this, [this] {
    if (isExporting())
      cancelExport();
    else
      reject();
  });
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(open_folder_button_);
  buttons->addStretch(1);
  buttons->addWidget(export_button_);
  buttons->addWidget(close_button_);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(progress_);
  layout->addWidget(status_label_);
  layout->addLayout(buttons);
  setMinimumWidth(560);
}

void ExportDialog::refreshCounts() {
  const auto all = board_.cellsFor(CellChoice::All).size();
  const auto favourites = board_.cellsFor(CellChoice::Favourites).size();
  const auto selection = board_.cellsFor(CellChoice::Selection).size();
  cells_combo_->setItemText(0, tr("All finished cells (%1)").arg(all));
  cells_combo_->setItemText(1, tr("Favourites (%1)").arg(favourites));
  cells_combo_->setItemText(2, tr("Selection (%1)").arg(selection));
  refreshExample();
  refreshButtons();
}

CellChoice ExportDialog::cellChoice() const { return static_cast<CellChoice>(cells_combo_->currentData().toInt()); }

SweepExportOptions ExportDialog::exportOptions() const {
  SweepExportOptions o;
  o.parent_folder = to_path(QDir::fromNativeSeparators(folder_edit_->text().trimmed()));
  const QString name = set_name_edit_->text().trimmed();
  o.set_name = name.isEmpty() ? std::string("sweep") : name.toStdString();
  o.name_template = template_edit_->text().toStdString();
  o.image_extension = format_combo_->currentData().toString().toStdString();
  o.write_grid = grid_check_->isChecked();
  o.grid_upscale = grid_upscale_spin_->value();
  o.write_sidecars = sidecar_check_->isChecked();
  return o;
}

QStringList ExportDialog::exampleNames() const {
  const SweepExportOptions o = exportOptions();
  QStringList names;
  try {
    // The exporter's own naming: each cell's index, padded for the whole grid, made unique
    // in export order (preview_names numbers a list from 0, which a subset is not).
    validate_name_template(o.name_template);
    size_t total = board_.axes().empty() ? 0 : 1;
    for (const auto& axis : board_.axes()) total *= axis.labels.size();
    const size_t width = index_width_for(total);
    UniqueNamer namer;
    for (int i : board_.cellsFor(cellChoice())) {
      const BoardCell& c = board_.cell(i);
      const CellSettings s = cell_settings_for(c.request, {}, board_.sourceSubject(), board_.sourceDevice());
      names << q(namer.claim(expand_name_template(o.name_template, s, c.index, width)) + o.image_extension);
    }
  } catch (const std::exception&) {
    names.clear();
  }
  return names;
}

void ExportDialog::refreshExample() {
  const SweepExportOptions o = exportOptions();
  try {
    validate_name_template(o.name_template);
    template_valid_ = true;
    template_error_->hide();
    template_error_->clear();
  } catch (const std::exception& e) {
    template_valid_ = false;
    template_error_->setText(q(e.what()));
    template_error_->show();
    example_label_->setText(QStringLiteral("—"));
    return;
  }
  QStringList names = exampleNames();
  if (names.isEmpty()) {
    // No finished cell is chosen: show what the template makes of the base request.
    const std::vector<CellSettings> sample{cell_settings_for(board_.baseRequest(), {}, {}, "cpu")};
    const auto preview = preview_names(o.name_template, sample, o.image_extension);
    example_label_->setText(tr("%1  (no finished cells chosen)").arg(q(preview.front())));
    return;
  }
  const int n = static_cast<int>(names.size());
  if (n > kExampleNames) {
    names = names.mid(0, kExampleNames);
    names << tr("… %1 images in all").arg(n);
  }
  QString text = names.join(QLatin1Char('\n'));
  if (o.write_sidecars) text += tr("\n(+ a .json sidecar each)");
  example_label_->setText(text);
}

void ExportDialog::refreshButtons() {
  const bool busy = isExporting();
  export_button_->setEnabled(!busy && template_valid_ && !folder_edit_->text().trimmed().isEmpty() &&
                             !board_.cellsFor(cellChoice()).empty());
  close_button_->setText(busy ? tr("Cancel") : tr("Close"));
  for (QWidget* w : std::initializer_list<QWidget*>{folder_edit_, browse_button_, set_name_edit_, template_edit_, cells_combo_,
                                                    format_combo_, grid_check_, grid_upscale_spin_, sidecar_check_})
    w->setEnabled(!busy);
}

void ExportDialog::chooseFolder() {
  const QString folder = QFileDialog::getExistingDirectory(this, tr("Export into"), folder_edit_->text());
  if (!folder.isEmpty()) folder_edit_->setText(QDir::toNativeSeparators(folder));
}

bool ExportDialog::startExport() {
  if (isExporting()) return false;
  showError({});
  open_folder_button_->hide();
  exported_folder_.clear();
  const SweepExportOptions options = exportOptions();
  try {
    validate_name_template(options.name_template);
  } catch (const std::exception& e) {
    showError(q(e.what()));
    return false;
  }
  if (options.parent_folder.empty()) {
    showError(tr("Choose a destination folder."));
    return false;
  }
  const std::vector<int> chosen = board_.cellsFor(cellChoice());
  if (chosen.empty()) {
    showError(cellChoice() == CellChoice::Favourites  ? tr("No finished cell is marked as a favourite.")
              : cellChoice() == CellChoice::Selection ? tr("No finished cell is selected.")
                                                      : tr("The board has no finished cells yet."));
    return false;
  }

  BoardExport job;
  job.options = options;
  job.axes = board_.axes();
  job.model_folder = board_.sourceModelFolder();
  job.subject = board_.sourceSubject();
  job.device = board_.sourceDevice();
  for (int i : chosen) {
    const BoardCell& c = board_.cell(i);
    job.cells.push_back(BoardExport::Cell{c.index, c.position, c.request, c.image, c.seconds});
  }
  QSettings().setValue(QLatin1String(kFolderSetting), QDir::fromNativeSeparators(folder_edit_->text().trimmed()));

  cancel_flag_ = std::make_shared<std::atomic<bool>>(false);
  progress_->setRange(0, static_cast<int>(job.cells.size()) + 2);
  progress_->setValue(0);
  status_label_->setText((job.cells.size() == 1 ? tr("Exporting 1 image…") : tr("Exporting %1 images…").arg(job.cells.size())));
  // Hashing the model (seconds for a real one, the first time) and encoding images are
  // CPU work off the UI thread; the worker owns copies of everything it writes.
  watcher_.setFuture(QtConcurrent::run([job = std::move(job), flag = cancel_flag_](QPromise<BoardExportResult>& promise) {
    promise.setProgressRange(0, static_cast<int>(job.cells.size()) + 2);
    promise.addResult(export_board_cells(
        job, [&promise](int done, int) { promise.setProgressValue(done); },
        [&promise, &flag] { return flag->load() || promise.isCanceled(); }));
  }));
  refreshButtons();
  return true;
}

void ExportDialog::cancelExport() {
  if (!isExporting()) return;
  cancel_flag_->store(true);
  status_label_->setText(tr("Cancelling…"));
}

bool ExportDialog::isExporting() const { return watcher_.isRunning(); }

void ExportDialog::exportEnded() {
  const QFuture<BoardExportResult> future = watcher_.future();
  BoardExportResult result;
  if (future.resultCount() > 0)
    result = future.result();
  else
    result.error = "The export stopped without a result.";
  refreshButtons();
  if (!result.error.empty()) {
    showError(tr("Export failed: %1").arg(q(result.error)));
    status_label_->clear();
    progress_->setValue(0);
    Q_EMIT exportFailed(error_);
    return;
  }
  if (result.cancelled) {
    status_label_->setText(tr("Cancelled; nothing was written."));
    progress_->setValue(0);
    Q_EMIT exportFailed(tr("cancelled"));
    return;
  }
  exported_folder_ = to_qstring(result.folder);
  progress_->setValue(progress_->maximum());
  QString text = (result.images == 1 ? tr("Exported 1 image to %1") : tr("Exported %1 images to %2").arg(result.images))
                     .arg(exported_folder_);
  if (!result.warning.empty()) text += QStringLiteral("\n") + q(result.warning);
  status_label_->setText(text);
  open_folder_button_->show();
  open_folder_button_->setFocus();
  Q_EMIT exportFinished(exported_folder_);
}

QString ExportDialog::errorText() const { return error_; }

void ExportDialog::showError(const QString& message) {
  error_ = message;
  if (!message.isEmpty())
    status_label_->setText(QStringLiteral("<span style=\"color:#c62828\">%1</span>").arg(message.toHtmlEscaped()));
}

}  // namespace steer::ui
