#include "ui/board/compare_board.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QSplitter>
#include <QVBoxLayout>
#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>

#include "core/common/error.h"
#include "core/export/sweep_exporter.h"
#include "core/imageio/image_file.h"
#include "ui/board/board_cell_view.h"
#include "ui/board/board_images.h"
#include "ui/board/cell_detail_dialog.h"
#include "ui/engine/engine_thread.h"
#include "ui/export/export_dialog.h"
#include "ui/path_text.h"
#include "ui/project/project.h"

namespace steer::ui {
namespace fs = std::filesystem;

namespace {

constexpr const char* kBoardFormat = "steer-compare-board";
constexpr int kBoardVersion = 1;
constexpr int kAbSide = 320;

QString q(const std::string& s) { return QString::fromStdString(s); }

QString number_text(double v) { return QString::number(v, 'g', 12); }

QString describe(const GenerationRequest& r) {
  QString text = q(r.guidance.describe()) + QStringLiteral(" · seed %1").arg(r.seed);
  if (!r.prompt.empty()) text += QStringLiteral(" · “%1”").arg(q(r.prompt));
  return text;
}

std::vector<SweepAxis> sweep_axes(const SweepPlan& plan) {
  std::vector<SweepAxis> out;
  for (const auto& a : plan.axes()) out.push_back(SweepAxis{a.name, a.labels});
  return out;
}

QString axis_title(const std::string& name) {
  if (name == "lambda") return QStringLiteral("λ");
  if (name == "omega") return QStringLiteral("ω");
  return q(name);
}

int json_int(const json::Value& v, const char* key, int fallback) {
  const json::Value* x = v.find(key);
  if (!x || x->is_null()) return fallback;
  return static_cast<int>(x->as_int());
}

}  // namespace

CompareBoard::CompareBoard(EngineBridge& engine, QWidget* parent)
    : QWidget(parent), engine_(engine), engine_alive_(&engine) {
  setObjectName(QStringLiteral("compareBoard"));
  buildUi();
  connectEngine();
  refreshBaseSummary();
  refreshPlanSummary();
  refreshStatus();
  refreshComparison();
}

CompareBoard::~CompareBoard() {
  // The engine may outlive the board (one bridge, many boards): stop what this board queued.
  if (!engine_alive_) return;
  if (sweep_job_) engine_.cancel(sweep_job_);
  for (const auto& [job, cell] : rerun_jobs_) engine_.cancel(job);
}

// ---- UI ---------------------------------------------------------------------------------

void CompareBoard::buildUi() {
  auto make_edit = [this](const char* name, const QString& placeholder, const QString& tip) {
    auto* edit = new QLineEdit;
    edit->setObjectName(QString::fromLatin1(name));
    edit->setPlaceholderText(placeholder);
    edit->setToolTip(tip);
    connect(edit, &QLineEdit::textChanged, this, [this] {
      refreshPlanSummary();
      Q_EMIT changed();
    });
    connect(edit, &QLineEdit::returnPressed, this, [this] { run(); });
    return edit;
  };
  methods_edit_ = make_edit("methodsEdit", tr("cfg, pg  (empty: the Generate panel's method)"),
                            tr("Guidance methods to compare: cfg, ag, pg, separated by commas"));
  lambdas_edit_ = make_edit("lambdasEdit", tr("e.g. 3, 5, 7.5  (empty: the base λ)"), tr("Guidance scales λ"));
  omegas_edit_ = make_edit("omegasEdit", tr("e.g. 0, 0.5, 1 or linear:0.2->0.8  (empty: the base ω)"),
                           tr("PG's ω: numbers in [0, 1] or schedules linear:a->b, cosine:a->b, interval:w@p0-p1. "
                              "CFG and AG cells ignore ω."));
  seeds_edit_ = make_edit("seedsEdit", tr("e.g. 1, 2, 3  (empty: the base seed)"), tr("Seeds"));
  prompts_edit_ = new QPlainTextEdit;
  prompts_edit_->setObjectName(QStringLiteral("promptsEdit"));
  prompts_edit_->setPlaceholderText(tr("One prompt per line (empty: the Generate panel's prompt)"));
  prompts_edit_->setTabChangesFocus(true);
  prompts_edit_->setFixedHeight(prompts_edit_->fontMetrics().lineSpacing() * 3 + 12);
  connect(prompts_edit_, &QPlainTextEdit::textChanged, this, [this] {
    refreshPlanSummary();
    Q_EMIT changed();
  });

  base_summary_ = new QLabel;
  base_summary_->setObjectName(QStringLiteral("baseSummary"));
  base_summary_->setWordWrap(false);
  base_summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  plan_summary_ = new QLabel;
  plan_summary_->setObjectName(QStringLiteral("planSummary"));
  plan_summary_->setWordWrap(false);

  auto* axes_box = new QGroupBox(tr("Compare"));
  auto* form = new QFormLayout(axes_box);
  form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
  form->addRow(tr("&Methods"), methods_edit_);
  form->addRow(tr("&λ (scale)"), lambdas_edit_);
  form->addRow(tr("&ω or schedule"), omegas_edit_);
  form->addRow(tr("S&eeds"), seeds_edit_);
  form->addRow(tr("&Prompts"), prompts_edit_);
  form->addRow(tr("Base"), base_summary_);
  form->addRow(QString(), plan_summary_);

  run_button_ = new QPushButton(tr("&Run"));
  run_button_->setObjectName(QStringLiteral("runButton"));
  run_button_->setDefault(true);
  cancel_button_ = new QPushButton(tr("&Cancel the rest"));
  cancel_button_->setObjectName(QStringLiteral("cancelButton"));
  export_button_ = new QPushButton(tr("&Export…"));
  export_button_->setObjectName(QStringLiteral("exportButton"));
  connect(run_button_, &QPushButton::clicked, this, [this] { run(); });
  connect(cancel_button_, &QPushButton::clicked, this, &CompareBoard::cancel);
  connect(export_button_, &QPushButton::clicked, this, [this] { openExportDialog(); });

  cell_size_ = new QSlider(Qt::Horizontal);
  cell_size_->setObjectName(QStringLiteral("cellSizeSlider"));
  cell_size_->setRange(64, 512);
  cell_size_->setSingleStep(16);
  cell_size_->setPageStep(64);
  cell_size_->setValue(160);
  cell_size_->setMaximumWidth(160);
  cell_size_->setToolTip(tr("Cell size"));
  connect(cell_size_, &QSlider::valueChanged, this, [this](int side) {
    for (auto* view : views_) view->setSide(side);
  });

  progress_ = new QProgressBar;
  progress_->setObjectName(QStringLiteral("runProgress"));
  progress_->setMaximumWidth(200);
  progress_->setTextVisible(false);
  status_label_ = new QLabel;
  status_label_->setObjectName(QStringLiteral("statusLabel"));

  auto* actions = new QHBoxLayout;
  actions->addWidget(run_button_);
  actions->addWidget(cancel_button_);
  actions->addWidget(export_button_);
  actions->addSpacing(12);
  actions->addWidget(progress_);
  actions->addWidget(status_label_, 1);
  actions->addWidget(new QLabel(tr("Size")));
  actions->addWidget(cell_size_);

  error_label_ = new QLabel;
  error_label_->setObjectName(QStringLiteral("errorLabel"));
  error_label_->setWordWrap(true);
  error_label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  error_label_->setStyleSheet(QStringLiteral("color: #c62828;"));
  error_label_->hide();

  grid_widget_ = new QWidget;
  grid_widget_->setObjectName(QStringLiteral("boardGrid"));
  grid_widget_->setFocusPolicy(Qt::StrongFocus);
  grid_widget_->installEventFilter(this);
  grid_layout_ = new QGridLayout(grid_widget_);
  grid_layout_->setSpacing(6);
  grid_layout_->setSizeConstraint(QLayout::SetMinAndMaxSize);
  auto* scroll = new QScrollArea;
  scroll->setObjectName(QStringLiteral("boardScroll"));
  scroll->setWidget(grid_widget_);
  scroll->setWidgetResizable(false);
  scroll->setAlignment(Qt::AlignLeft | Qt::AlignTop);

  // The A/B view: one image place that flips between two cells, so the eye sees only
  // what changed.
  ab_image_ = new QLabel;
  ab_image_->setObjectName(QStringLiteral("abImage"));
  ab_image_->setFixedSize(kAbSide, kAbSide);
  ab_image_->setAlignment(Qt::AlignCenter);
  ab_image_->setStyleSheet(QStringLiteral("background: #26262a; color: #aaa;"));
  ab_caption_ = new QLabel;
  ab_caption_->setObjectName(QStringLiteral("abCaption"));
  ab_caption_->setWordWrap(true);
  ab_caption_->setMaximumWidth(kAbSide);
  auto* set_a = new QPushButton(tr("Set &A"));
  set_a->setObjectName(QStringLiteral("setAButton"));
  auto* set_b = new QPushButton(tr("Set &B"));
  set_b->setObjectName(QStringLiteral("setBButton"));
  flip_button_ = new QPushButton(tr("Flip A/B (Space)"));
  flip_button_->setObjectName(QStringLiteral("flipButton"));
  connect(set_a, &QPushButton::clicked, this, [this] { setComparisonA(current_); });
  connect(set_b, &QPushButton::clicked, this, [this] { setComparisonB(current_); });
  connect(flip_button_, &QPushButton::clicked, this, [this] {
    flipComparison();
    grid_widget_->setFocus();
  });
  auto* ab_buttons = new QHBoxLayout;
  ab_buttons->addWidget(set_a);
  ab_buttons->addWidget(set_b);
  ab_buttons->addWidget(flip_button_);
  auto* hint = new QLabel(tr("Click selects, Ctrl+click adds (two selected cells become A and B), double click "
                             "enlarges, right click re-runs. Keys: arrows move, Space flips A/B, F favourite, "
                             "A / B set A / B, Enter enlarges."));
  hint->setObjectName(QStringLiteral("boardHint"));
  hint->setWordWrap(true);
  hint->setMaximumWidth(kAbSide);
  hint->setStyleSheet(QStringLiteral("color: palette(mid);"));
  auto* ab_panel = new QWidget;
  ab_panel->setObjectName(QStringLiteral("abPanel"));
  auto* ab_layout = new QVBoxLayout(ab_panel);
  ab_layout->addWidget(new QLabel(tr("<b>A/B</b>")));
  ab_layout->addWidget(ab_image_);
  ab_layout->addWidget(ab_caption_);
  ab_layout->addLayout(ab_buttons);
  ab_layout->addWidget(hint);
  ab_layout->addStretch(1);

  auto* splitter = new QSplitter;
  splitter->addWidget(scroll);
  splitter->addWidget(ab_panel);
  splitter->setStretchFactor(0, 1);
  splitter->setStretchFactor(1, 0);
  splitter->setCollapsible(0, false);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(axes_box);
  layout->addLayout(actions);
  layout->addWidget(error_label_);
  layout->addWidget(splitter, 1);
}

void CompareBoard::connectEngine() {
  connect(&engine_, &EngineBridge::jobStep, this, &CompareBoard::onJobStep);
  connect(&engine_, &EngineBridge::jobImage, this, &CompareBoard::onJobImage);
  connect(&engine_, &EngineBridge::jobFinished, this, [this](quint64 job) { onJobEnded(job, {}); });
  connect(&engine_, &EngineBridge::jobCancelled, this, [this](quint64 job) { onJobEnded(job, {}); });
  connect(&engine_, &EngineBridge::jobFailed, this,
          [this](quint64 job, const QString& message) { onJobEnded(job, message.isEmpty() ? tr("failed") : message); });
}

// ---- Settings ---------------------------------------------------------------------------

void CompareBoard::setBaseRequest(const GenerationRequest& request) {
  base_ = request;
  refreshBaseSummary();
  refreshPlanSummary();
  Q_EMIT changed();
}

void CompareBoard::setSubject(const SubjectSpec& subject) { subject_ = subject; }

void CompareBoard::setDevice(const std::string& device) { device_ = device.empty() ? "cpu" : device; }

void CompareBoard::setAxisTexts(const BoardAxisTexts& t) {
  methods_edit_->setText(q(t.methods));
  lambdas_edit_->setText(q(t.lambdas));
  omegas_edit_->setText(q(t.omegas));
  seeds_edit_->setText(q(t.seeds));
  QStringList prompts;
  for (const auto& p : t.prompts) prompts << q(p);
  prompts_edit_->setPlainText(prompts.join(QLatin1Char('\n')));
}

BoardAxisTexts CompareBoard::axisTexts() const {
  BoardAxisTexts t;
  t.methods = methods_edit_->text().toStdString();
  t.lambdas = lambdas_edit_->text().toStdString();
  t.omegas = omegas_edit_->text().toStdString();
  t.seeds = seeds_edit_->text().toStdString();
  for (const QString& line : prompts_edit_->toPlainText().split(QLatin1Char('\n'))) {
    const QString p = line.trimmed();
    if (!p.isEmpty()) t.prompts.push_back(p.toStdString());
  }
  return t;
}

void CompareBoard::setOutputFolder(const fs::path& folder) {
  output_folder_ = folder;
  if (folder.empty()) return;
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) {
    showError(tr("The board's output folder %1 cannot be created: %2").arg(to_qstring(folder), q(ec.message())));
    return;
  }
  for (int i = 0; i < cellCount(); ++i) {
    BoardCell& c = cells_[static_cast<size_t>(i)];
    if (c.hasImage() && (c.file.empty() || !fs::exists(c.file, ec))) saveCellImage(i);
    else if (!c.hasImage() && !c.file.empty() && loadCellImage(i, {}, c.file.filename().string())) refreshCell(i);
  }
  refreshComparison();
  refreshStatus();
}

// ---- Running ----------------------------------------------------------------------------

bool CompareBoard::run() {
  SweepPlan plan;
  try {
    plan = plan_from_axis_texts(base_, axisTexts());
    plan.validate();
    const size_t n = plan.cells().size();
    if (n > static_cast<size_t>(kMaxCells))
      throw InputError("the grid would have " + std::to_string(n) + " cells; a board holds at most " +
                       std::to_string(kMaxCells) + ". Remove some values.");
  } catch (const std::exception& e) {
    showError(tr("Cannot run: %1").arg(q(e.what())));
    return false;
  }
  showError({});
  stopJobs();
  source_model_folder_ = to_path(engine_.modelFolder());
  source_subject_ = subject_;
  source_device_ = device_;
  run_tag_ = "run-" + QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz")).toStdString();
  setPlan(plan);
  for (int i = 0; i < cellCount(); ++i) {
    cells_[static_cast<size_t>(i)].status = BoardCell::Status::Queued;
    refreshCell(i);
  }
  run_note_.clear();
  sweep_job_ = engine_.runSweep(plan_);
  refreshStatus();
  Q_EMIT runStarted();
  Q_EMIT changed();
  return true;
}

void CompareBoard::cancel() {
  if (!isRunning()) return;
  stopJobs();
  run_note_ = tr("Cancelled");
  refreshStatus();
  Q_EMIT runEnded();
}

void CompareBoard::stopJobs() {
  if (sweep_job_) engine_.cancel(sweep_job_);
  for (const auto& [job, cell] : rerun_jobs_) engine_.cancel(job);
  // Events of these jobs still in the queue are ignored from here on, so the board is
  // settled now rather than when the engine thread gets round to noticing.
  sweep_job_ = 0;
  rerun_jobs_.clear();
  for (int i = 0; i < cellCount(); ++i) {
    BoardCell& c = cells_[static_cast<size_t>(i)];
    if (c.status != BoardCell::Status::Queued && c.status != BoardCell::Status::Running) continue;
    c.status = c.hasImage() ? BoardCell::Status::Done : BoardCell::Status::Cancelled;
    if (auto* view = views_[static_cast<size_t>(i)]) view->clearPreview();
    refreshCell(i);
  }
}

bool CompareBoard::rerunCell(int index) {
  if (index < 0 || index >= cellCount()) return false;
  BoardCell& c = cells_[static_cast<size_t>(index)];
  SweepPlan one = single_cell_plan(c.request);
  try {
    one.validate();
  } catch (const std::exception& e) {
    showError(tr("Cannot re-run cell %1: %2").arg(index + 1).arg(q(e.what())));
    return false;
  }
  for (auto it = rerun_jobs_.begin(); it != rerun_jobs_.end();) {
    if (it->second == index) {
      engine_.cancel(it->first);
      it = rerun_jobs_.erase(it);
    } else {
      ++it;
    }
  }
  showError({});
  if (run_tag_.empty())
    run_tag_ = "run-" + QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz")).toStdString();
  c.status = BoardCell::Status::Queued;
  c.step = c.steps = c.step_events = c.previews = 0;
  rerun_jobs_[engine_.runSweep(one)] = index;
  run_note_.clear();
  refreshCell(index);
  refreshStatus();
  Q_EMIT runStarted();
  return true;
}

int CompareBoard::cellForJob(quint64 job, int cell) const {
  if (job == 0) return -1;
  if (job == sweep_job_) return cell >= 0 && cell < cellCount() ? cell : -1;
  const auto it = rerun_jobs_.find(job);
  return it == rerun_jobs_.end() ? -1 : it->second;
}

void CompareBoard::onJobStep(quint64 job, int cell, const StepEvent& event) {
  const int i = cellForJob(job, cell);
  if (i < 0) return;
  BoardCell& c = cells_[static_cast<size_t>(i)];
  c.status = BoardCell::Status::Running;
  c.step = event.step;
  c.steps = event.steps;
  ++c.step_events;
  if (!event.preview.empty()) ++c.previews;
  views_[static_cast<size_t>(i)]->setPreview(qimage_from_rgba8(event.preview), event.step, event.steps);
  refreshStatus();
}

void CompareBoard::onJobImage(quint64 job, int cell, const GenerationResult& result) {
  const int i = cellForJob(job, cell);
  if (i < 0) return;
  BoardCell& c = cells_[static_cast<size_t>(i)];
  c.image = result.image;
  c.seconds = result.seconds;
  c.status = BoardCell::Status::Done;
  views_[static_cast<size_t>(i)]->clearPreview();
  saveCellImage(i);
  refreshCell(i);
  refreshComparison();
  refreshStatus();
  Q_EMIT cellFinished(i);
  Q_EMIT changed();
}

void CompareBoard::onJobEnded(quint64 job, const QString& failure) {
  const bool sweep = job != 0 && job == sweep_job_;
  const auto rerun = rerun_jobs_.find(job);
  if (!sweep && rerun == rerun_jobs_.end()) return;
  auto settle = [this](int i) {
    BoardCell& c = cells_[static_cast<size_t>(i)];
    if (c.status != BoardCell::Status::Queued && c.status != BoardCell::Status::Running) return;
    c.status = c.hasImage() ? BoardCell::Status::Done : BoardCell::Status::Failed;
    views_[static_cast<size_t>(i)]->clearPreview();
    refreshCell(i);
  };
  if (sweep) {
    sweep_job_ = 0;
    for (int i = 0; i < cellCount(); ++i)
      if (std::none_of(rerun_jobs_.begin(), rerun_jobs_.end(), [i](const auto& r) { return r.second == i; })) settle(i);
  } else {
    const int i = rerun->second;
    rerun_jobs_.erase(rerun);
    settle(i);
  }
  if (!failure.isEmpty()) {
    run_note_ = tr("Failed");
    showError(tr("The run failed: %1").arg(failure));
  }
  refreshStatus();
  if (!isRunning()) Q_EMIT runEnded();
}

// ---- Images on disk ---------------------------------------------------------------------

void CompareBoard::saveCellImage(int i) {
  BoardCell& c = cells_[static_cast<size_t>(i)];
  if (output_folder_.empty() || !c.hasImage()) return;
  fs::path file = c.file;
  // A re-run replaces its own file; anything else gets this run's name, so an older
  // project pointing at earlier images never sees them change under it.
  if (file.empty() || file.parent_path() != output_folder_) {
    char name[48];
    std::snprintf(name, sizeof name, "-cell-%03zu.png", c.index);
    file = output_folder_ / (run_tag_.empty() ? std::string("board") + name : run_tag_ + name);
  }
  try {
    std::error_code ec;
    fs::create_directories(output_folder_, ec);
    write_image(file, c.image);
    c.file = file;
  } catch (const std::exception& e) {
    showError(tr("Could not save cell %1's image: %2").arg(i + 1).arg(q(e.what())));
  }
}

bool CompareBoard::loadCellImage(int i, const fs::path& file, const std::string& file_name) {
  BoardCell& c = cells_[static_cast<size_t>(i)];
  std::vector<fs::path> candidates;
  if (!output_folder_.empty() && !file_name.empty()) candidates.push_back(output_folder_ / file_name);
  if (!file.empty()) candidates.push_back(file.is_absolute() || output_folder_.empty() ? file : output_folder_ / file);
  for (const fs::path& candidate : candidates) {
    std::error_code ec;
    if (!fs::is_regular_file(candidate, ec)) continue;
    try {
      c.image = read_image(candidate);
      c.file = candidate;
      c.status = BoardCell::Status::Done;
      return true;
    } catch (const std::exception&) {
      // A damaged file: try the next place, else the cell stays empty.
    }
  }
  if (!file.empty()) c.file = file;
  return false;
}

// ---- Grid -------------------------------------------------------------------------------

void CompareBoard::setPlan(const SweepPlan& plan) {
  plan_ = plan;
  has_plan_ = true;
  axes_ = sweep_axes(plan_);
  cells_.clear();
  for (const auto& cell : plan_.cells()) {
    BoardCell c;
    c.index = cell.index;
    c.position = cell.position;
    c.request = cell.request;
    cells_.push_back(std::move(c));
  }
  columns_ = axes_.empty() ? 0 : static_cast<int>(axes_[0].labels.size());
  rows_ = columns_ == 0 ? 0 : cellCount() / columns_;
  grid_.assign(static_cast<size_t>(columns_ * rows_), -1);
  for (int i = 0; i < cellCount(); ++i) {
    const QPoint p = gridPosition(i);
    grid_[static_cast<size_t>(p.y() * columns_ + p.x())] = i;
  }
  current_ = cellCount() > 0 ? 0 : -1;
  selection_.clear();
  if (current_ >= 0) selection_.push_back(current_);
  a_ = b_ = -1;
  showing_b_ = false;
  rebuildGrid();
}

QPoint CompareBoard::gridPosition(int i) const {
  if (i < 0 || i >= cellCount() || axes_.empty()) return {-1, -1};
  const auto& position = cells_[static_cast<size_t>(i)].position;
  return QPoint(static_cast<int>(position[0]), static_cast<int>(sweep_grid_row(axes_, position)));
}

int CompareBoard::cellAt(int column, int row) const {
  if (column < 0 || row < 0 || column >= columns_ || row >= rows_) return -1;
  return grid_[static_cast<size_t>(row * columns_ + column)];
}

QStringList CompareBoard::columnLabels() const {
  QStringList out;
  if (axes_.empty()) return out;
  for (const auto& label : axes_[0].labels) out << axis_title(axes_[0].name) + QStringLiteral(": ") + q(label);
  return out;
}

QStringList CompareBoard::rowLabels() const {
  QStringList out;
  if (axes_.size() < 2) return out;
  // The exported grid's row labels (sweep_grid_spec), so the board and grid.png agree.
  const GridSpec spec = sweep_grid_spec("", axes_, CellSettings{}, cells_.size());
  for (const auto& label : spec.row_labels) {
    QString text = q(label);
    for (const auto& axis : axes_)
      if (axis.name == "lambda" || axis.name == "omega")
        text.replace(q(axis.name) + QStringLiteral(": "), axis_title(axis.name) + QStringLiteral(": "));
    out << text;
  }
  return out;
}

void CompareBoard::rebuildGrid() {
  while (QLayoutItem* item = grid_layout_->takeAt(0)) {
    delete item->widget();
    delete item;
  }
  views_.clear();
  for (int c = 0; c < grid_layout_->columnCount(); ++c) grid_layout_->setColumnStretch(c, 0);
  for (int r = 0; r < grid_layout_->rowCount(); ++r) grid_layout_->setRowStretch(r, 0);
  if (cells_.empty()) {
    grid_widget_->adjustSize();
    return;
  }
  auto make_label = [](const QString& text, const char* name, Qt::Alignment alignment) {
    auto* label = new QLabel(text);
    label->setObjectName(QString::fromLatin1(name));
    label->setAlignment(alignment);
    // Prompts as row labels can be long: wrapped, within a bounded width.
    label->setWordWrap(true);
    label->setMaximumWidth(240);
    QFont f = label->font();
    f.setBold(true);
    label->setFont(f);
    return label;
  };
  const QStringList columns = columnLabels();
  const QStringList rows = rowLabels();
  if (!rows.isEmpty()) {
    QStringList others;
    for (size_t a = 1; a < axes_.size(); ++a) others << axis_title(axes_[a].name);
    QLabel* corner = make_label(tr("columns: %1\nrows: %2").arg(axis_title(axes_[0].name), others.join(QStringLiteral(" × "))),
                                "cornerLabel", Qt::AlignLeft | Qt::AlignBottom);
    corner->setWordWrap(false);
    QFont f = corner->font();
    f.setBold(false);
    corner->setFont(f);
    grid_layout_->addWidget(corner, 0, 0);
  }
  for (int c = 0; c < columns.size(); ++c)
    grid_layout_->addWidget(make_label(columns[c], "columnLabel", Qt::AlignHCenter | Qt::AlignBottom), 0, c + 1);
  for (int r = 0; r < rows.size(); ++r)
    grid_layout_->addWidget(make_label(rows[r], "rowLabel", Qt::AlignRight | Qt::AlignVCenter), r + 1, 0);
  views_.assign(cells_.size(), nullptr);
  for (int i = 0; i < cellCount(); ++i) {
    auto* view = new BoardCellView(i);
    view->setSide(cell_size_->value());
    view->setToolTip(describe(cells_[static_cast<size_t>(i)].request));
    connect(view, &BoardCellView::clicked, this, [this](int index, Qt::KeyboardModifiers modifiers) {
      selectCell(index, modifiers.testFlag(Qt::ControlModifier) || modifiers.testFlag(Qt::MetaModifier));
      grid_widget_->setFocus(Qt::MouseFocusReason);
    });
    connect(view, &BoardCellView::activated, this, [this](int index) { enlargeCell(index); });
    connect(view, &BoardCellView::favouriteClicked, this, &CompareBoard::toggleFavourite);
    connect(view, &BoardCellView::contextMenuRequested, this, [this](int index, const QPoint& at) {
      selectCell(index);
      QMenu* menu = createCellMenu(index, this);
      menu->setAttribute(Qt::WA_DeleteOnClose);
      menu->popup(at);
    });
    views_[static_cast<size_t>(i)] = view;
    const QPoint p = gridPosition(i);
    grid_layout_->addWidget(view, p.y() + 1, p.x() + 1);
    refreshCell(i);
  }
  grid_layout_->setColumnStretch(columns_ + 1, 1);
  grid_layout_->setRowStretch(rows_ + 1, 1);
  refreshSelection();
  refreshComparison();
  grid_widget_->adjustSize();
}

void CompareBoard::refreshCell(int i) {
  if (i < 0 || i >= static_cast<int>(views_.size()) || !views_[static_cast<size_t>(i)]) return;
  const BoardCell& c = cells_[static_cast<size_t>(i)];
  BoardCellView* view = views_[static_cast<size_t>(i)];
  view->setImage(c.hasImage() ? qimage_from_rgba8(c.image) : QImage());
  view->setFavourite(c.favourite);
  switch (c.status) {
    case BoardCell::Status::Empty: view->setStatusText(c.file.empty() ? tr("not run") : tr("image missing")); break;
    case BoardCell::Status::Queued: view->setStatusText(tr("queued")); break;
    case BoardCell::Status::Running: view->setStatusText(tr("starting")); break;
    case BoardCell::Status::Done: view->setStatusText({}); break;
    case BoardCell::Status::Cancelled: view->setStatusText(tr("cancelled")); break;
    case BoardCell::Status::Failed: view->setStatusText(tr("failed")); break;
  }
}

void CompareBoard::refreshSelection() {
  for (int i = 0; i < static_cast<int>(views_.size()); ++i) {
    BoardCellView* view = views_[static_cast<size_t>(i)];
    view->setCurrent(i == current_);
    view->setSelected(std::find(selection_.begin(), selection_.end(), i) != selection_.end());
  }
}

void CompareBoard::refreshComparison() {
  for (int i = 0; i < static_cast<int>(views_.size()); ++i) {
    BoardCellView* view = views_[static_cast<size_t>(i)];
    if (i == a_) view->setBadge(QStringLiteral("A"), !showing_b_);
    else if (i == b_) view->setBadge(QStringLiteral("B"), showing_b_);
    else view->setBadge({}, false);
  }
  const int shown = shownComparisonCell();
  flip_button_->setEnabled(a_ >= 0 && b_ >= 0);
  if (shown < 0 || shown >= cellCount()) {
    ab_image_->setPixmap({});
    ab_image_->setText(tr("Choose A and B:\nselect a cell and press A,\nanother and press B"));
    ab_caption_->clear();
    return;
  }
  const BoardCell& c = cells_[static_cast<size_t>(shown)];
  if (c.hasImage()) {
    const QImage image = qimage_from_rgba8(c.image);
    const bool enlarging = image.width() <= kAbSide && image.height() <= kAbSide;
    ab_image_->setPixmap(QPixmap::fromImage(image.scaled(kAbSide, kAbSide, Qt::KeepAspectRatio,
                                                         enlarging ? Qt::FastTransformation : Qt::SmoothTransformation)));
  } else {
    ab_image_->setPixmap({});
    ab_image_->setText(tr("no image yet"));
  }
  const QString other = a_ >= 0 && b_ >= 0 ? tr(" — Space shows %1").arg(showing_b_ ? QStringLiteral("A") : QStringLiteral("B"))
                                            : QString();
  ab_caption_->setText(QStringLiteral("<b>%1</b>: cell %2 · %3%4")
                           .arg(showing_b_ ? QStringLiteral("B") : QStringLiteral("A"))
                           .arg(shown + 1)
                           .arg(describe(c.request).toHtmlEscaped(), other));
}

QString CompareBoard::statusText() const { return status_label_->text(); }

QString CompareBoard::errorText() const { return error_; }

void CompareBoard::refreshStatus() {
  int done = 0;
  for (const auto& c : cells_)
    if (c.hasImage() && c.status != BoardCell::Status::Queued && c.status != BoardCell::Status::Running) ++done;
  const int n = cellCount();
  QString text;
  if (n == 0) text = tr("No grid yet: choose values and press Run");
  else if (isRunning()) text = tr("Running: %1 of %2 cells done").arg(done).arg(n);
  else if (!run_note_.isEmpty()) text = tr("%1: %2 of %3 cells done").arg(run_note_).arg(done).arg(n);
  else text = tr("%1 of %2 cells done").arg(done).arg(n);
  const auto favourites = favouriteCells().size();
  if (favourites == 1) text += tr(" · 1 favourite");
  else if (favourites > 1) text += tr(" · %1 favourites").arg(favourites);
  status_label_->setText(text);
  progress_->setRange(0, std::max(n, 1));
  progress_->setValue(done);
  progress_->setVisible(isRunning());
  run_button_->setText(isRunning() ? tr("&Run again") : tr("&Run"));
  cancel_button_->setEnabled(isRunning());
  export_button_->setEnabled(done > 0);
}

void CompareBoard::refreshPlanSummary() {
  try {
    const SweepPlan plan = plan_from_axis_texts(base_, axisTexts());
    const auto axes = plan.axes();
    const size_t n = plan.cells().size();
    QStringList parts;
    for (const auto& a : axes)
      if (a.labels.size() > 1) parts << QStringLiteral("%1 (%2)").arg(axis_title(a.name)).arg(a.labels.size());
    plan_summary_->setStyleSheet({});
    plan_summary_->setText(parts.isEmpty() ? tr("1 cell: nothing varies yet")
                                           : tr("%1 cells: ").arg(n) + parts.join(QStringLiteral(" × ")) +
                                                 tr(" — columns: %1").arg(axis_title(axes[0].name)));
  } catch (const std::exception& e) {
    plan_summary_->setStyleSheet(QStringLiteral("color: #c62828;"));
    plan_summary_->setText(q(e.what()));
  }
}

void CompareBoard::refreshBaseSummary() {
  const auto& r = base_;
  QString text = q(r.guidance.describe()) + QStringLiteral(" · %1%2, %3 steps · %4×%5 · seed %6")
                                                .arg(q(r.sampler), r.karras_sigmas ? QStringLiteral(" karras") : QString())
                                                .arg(r.steps)
                                                .arg(r.width)
                                                .arg(r.height)
                                                .arg(r.seed);
  text += r.prompt.empty() ? tr(" · no prompt") : QStringLiteral(" · “%1”").arg(q(r.prompt));
  base_summary_->setText(text);
}

void CompareBoard::showError(const QString& message) {
  error_ = message;
  error_label_->setText(message);
  error_label_->setVisible(!message.isEmpty());
}

// ---- Selection, favourites, A/B -----------------------------------------------------------

void CompareBoard::selectCell(int index, bool extend) {
  if (index < 0 || index >= cellCount()) return;
  if (!extend) {
    selection_ = {index};
  } else {
    const auto it = std::find(selection_.begin(), selection_.end(), index);
    if (it != selection_.end() && selection_.size() > 1) selection_.erase(it);
    else if (it == selection_.end()) selection_.push_back(index);
    if (selection_.size() == 2) {
      a_ = selection_[0];
      b_ = selection_[1];
      showing_b_ = false;
    }
  }
  current_ = index;
  refreshSelection();
  refreshComparison();
  if (auto* view = cellView(index)) {
    if (auto* scroll = qobject_cast<QScrollArea*>(grid_widget_->parentWidget() ? grid_widget_->parentWidget()->parentWidget()
                                                                              : nullptr))
      scroll->ensureWidgetVisible(view);
  }
  Q_EMIT selectionChanged();
}

void CompareBoard::moveCurrent(int dx, int dy) {
  if (cellCount() == 0) return;
  if (current_ < 0) {
    selectCell(cellAt(0, 0));
    return;
  }
  const QPoint p = gridPosition(current_);
  int column = p.x(), row = p.y();
  if (dx != 0) {
    // Reading order: past the end of a row continues on the next one.
    int flat = row * columns_ + column + dx;
    flat = std::clamp(flat, 0, columns_ * rows_ - 1);
    column = flat % columns_;
    row = flat / columns_;
  }
  row = std::clamp(row + dy, 0, rows_ - 1);
  selectCell(cellAt(column, row));
}

std::vector<int> CompareBoard::favouriteCells() const {
  std::vector<int> out;
  for (int i = 0; i < cellCount(); ++i)
    if (cells_[static_cast<size_t>(i)].favourite) out.push_back(i);
  return out;
}

std::vector<int> CompareBoard::cellsFor(CellChoice choice) const {
  std::vector<int> out;
  for (int i = 0; i < cellCount(); ++i) {
    const BoardCell& c = cells_[static_cast<size_t>(i)];
    if (!c.hasImage()) continue;
    if (choice == CellChoice::Favourites && !c.favourite) continue;
    if (choice == CellChoice::Selection && std::find(selection_.begin(), selection_.end(), i) == selection_.end()) continue;
    out.push_back(i);
  }
  return out;
}

void CompareBoard::setFavourite(int index, bool favourite) {
  if (index < 0 || index >= cellCount()) return;
  BoardCell& c = cells_[static_cast<size_t>(index)];
  if (c.favourite == favourite) return;
  c.favourite = favourite;
  refreshCell(index);
  refreshStatus();
  Q_EMIT favouritesChanged();
  Q_EMIT changed();
}

void CompareBoard::toggleFavourite(int index) {
  if (index >= 0 && index < cellCount()) setFavourite(index, !cells_[static_cast<size_t>(index)].favourite);
}

void CompareBoard::setComparisonA(int index) {
  if (index < 0 || index >= cellCount()) return;
  if (b_ == index) b_ = a_;
  a_ = index;
  showing_b_ = false;
  refreshComparison();
  Q_EMIT changed();
}

void CompareBoard::setComparisonB(int index) {
  if (index < 0 || index >= cellCount()) return;
  if (a_ == index) a_ = b_;
  b_ = index;
  showing_b_ = true;
  refreshComparison();
  Q_EMIT changed();
}

void CompareBoard::flipComparison() {
  if (a_ < 0 || b_ < 0) return;
  showing_b_ = !showing_b_;
  refreshComparison();
}

BoardCellView* CompareBoard::cellView(int index) const {
  return index >= 0 && index < static_cast<int>(views_.size()) ? views_[static_cast<size_t>(index)] : nullptr;
}

bool CompareBoard::eventFilter(QObject* watched, QEvent* event) {
  if (watched != grid_widget_ || event->type() != QEvent::KeyPress) return QWidget::eventFilter(watched, event);
  auto* key = static_cast<QKeyEvent*>(event);
  if (key->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier)) return false;
  switch (key->key()) {
    case Qt::Key_Left: moveCurrent(-1, 0); return true;
    case Qt::Key_Right: moveCurrent(1, 0); return true;
    case Qt::Key_Up: moveCurrent(0, -1); return true;
    case Qt::Key_Down: moveCurrent(0, 1); return true;
    case Qt::Key_Space: flipComparison(); return true;
    case Qt::Key_F: toggleFavourite(current_); return true;
    case Qt::Key_A: setComparisonA(current_); return true;
    case Qt::Key_B: setComparisonB(current_); return true;
    case Qt::Key_Return:
    case Qt::Key_Enter:
      if (current_ >= 0) enlargeCell(current_);
      return true;
    default: return false;
  }
}

// ---- Cell views, menus, dialogs -----------------------------------------------------------

QString CompareBoard::cellSettingsText(int index) const {
  if (index < 0 || index >= cellCount()) return {};
  const BoardCell& c = cells_[static_cast<size_t>(index)];
  const GenerationRequest& r = c.request;
  const auto& g = r.guidance;
  QStringList lines;
  lines << tr("Cell: %1 of %2").arg(index + 1).arg(cellCount());
  for (size_t a = 0; a < axes_.size() && a < c.position.size(); ++a)
    lines << QStringLiteral("%1: %2").arg(axis_title(axes_[a].name), q(axes_[a].labels[c.position[a]]));
  lines << tr("Method: %1").arg(QString::fromLatin1(guidance_method_name(g.method)));
  lines << tr("λ (guidance scale): %1").arg(number_text(g.scale));
  if (g.method == GuidanceMethod::Personalization) lines << tr("ω: %1").arg(q(g.omega.to_string()));
  if (g.method == GuidanceMethod::Autoguidance) lines << tr("Weak model: %1").arg(q(g.weak.to_string()));
  lines << tr("Seed: %1").arg(r.seed);
  lines << tr("Prompt: %1").arg(q(r.prompt));
  if (!r.negative_prompt.empty()) lines << tr("Negative prompt: %1").arg(q(r.negative_prompt));
  lines << tr("Sampler: %1%2").arg(q(r.sampler), r.karras_sigmas ? tr(" (Karras σ)") : QString());
  lines << tr("Steps: %1").arg(r.steps);
  lines << tr("Size: %1×%2").arg(r.width).arg(r.height);
  if (r.eta > 0) lines << tr("η: %1").arg(number_text(r.eta));
  if (r.clip_skip > 0) lines << tr("CLIP skip: %1").arg(r.clip_skip);
  if (g.rescale > 0) lines << tr("CFG rescale φ: %1").arg(number_text(g.rescale));
  if (g.has_interval()) lines << tr("Guidance interval σ: %1").arg(q(g.interval_text()));
  lines << tr("Noise: %1").arg(r.noise_on_device ? q(source_device_) : QStringLiteral("cpu"));
  if (!source_model_folder_.empty()) lines << tr("Model: %1").arg(to_qstring(source_model_folder_));
  if (source_subject_.kind != SubjectSpec::Kind::None)
    lines << tr("Subject: %1 (strength %2)").arg(to_qstring(source_subject_.path), number_text(source_subject_.multiplier));
  if (c.hasImage() && c.seconds > 0) lines << tr("Time: %1 s").arg(c.seconds, 0, 'f', 2);
  if (!c.file.empty()) lines << tr("File: %1").arg(to_qstring(c.file));
  return lines.join(QLatin1Char('\n'));
}

CellDetailDialog* CompareBoard::enlargeCell(int index) {
  if (index < 0 || index >= cellCount()) return nullptr;
  const BoardCell& c = cells_[static_cast<size_t>(index)];
  auto* dialog = new CellDetailDialog(tr("Cell %1 — %2").arg(index + 1).arg(describe(c.request)),
                                      qimage_from_rgba8(c.image), cellSettingsText(index), this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->show();
  return dialog;
}

QMenu* CompareBoard::createCellMenu(int index, QWidget* parent) {
  auto* menu = new QMenu(parent);
  menu->setObjectName(QStringLiteral("cellMenu"));
  if (index < 0 || index >= cellCount()) return menu;
  const BoardCell& c = cells_[static_cast<size_t>(index)];
  QAction* enlarge = menu->addAction(tr("&Enlarge"), this, [this, index] { enlargeCell(index); });
  enlarge->setObjectName(QStringLiteral("enlargeAction"));
  QAction* favourite = menu->addAction(tr("&Favourite"), this, [this, index] { toggleFavourite(index); });
  favourite->setObjectName(QStringLiteral("favouriteAction"));
  favourite->setCheckable(true);
  favourite->setChecked(c.favourite);
  menu->addAction(tr("Set as &A"), this, [this, index] { setComparisonA(index); })->setObjectName(QStringLiteral("setAAction"));
  menu->addAction(tr("Set as &B"), this, [this, index] { setComparisonB(index); })->setObjectName(QStringLiteral("setBAction"));
  menu->addSeparator();
  QAction* rerun = menu->addAction(tr("&Re-run this cell"), this, [this, index] { rerunCell(index); });
  rerun->setObjectName(QStringLiteral("rerunAction"));
  menu->addAction(tr("&Copy settings"), this, [this, index] {
        QApplication::clipboard()->setText(cellSettingsText(index));
      })->setObjectName(QStringLiteral("copySettingsAction"));
  return menu;
}

ExportDialog* CompareBoard::openExportDialog() {
  auto* dialog = new ExportDialog(*this, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->show();
  return dialog;
}

// ---- Projects -----------------------------------------------------------------------------

json::Value CompareBoard::toJson() const {
  json::Value v = json::Object{};
  v.set("format", kBoardFormat);
  v.set("version", kBoardVersion);
  v.set("base", request_to_json(base_));
  v.set("axes", axis_texts_to_json(axisTexts()));
  v.set("plan", has_plan_ ? plan_to_json(plan_) : json::Value());
  v.set("model_folder", source_model_folder_.string());
  v.set("subject", board_subject_to_json(source_subject_));
  v.set("device", source_device_);
  v.set("output_folder", output_folder_.string());
  v.set("run_tag", run_tag_);
  json::Array cells;
  for (const BoardCell& c : cells_) {
    json::Value cell = json::Object{};
    cell.set("index", static_cast<int64_t>(c.index));
    cell.set("image", c.file.empty() ? json::Value() : json::Value(c.file.string()));
    cell.set("image_name", c.file.empty() ? json::Value() : json::Value(c.file.filename().string()));
    cell.set("favourite", c.favourite);
    cell.set("seconds", c.seconds);
    cells.push_back(std::move(cell));
  }
  v.set("cells", std::move(cells));
  v.set("current", current_);
  v.set("selection", json::Array(selection_.begin(), selection_.end()));
  v.set("a", a_);
  v.set("b", b_);
  v.set("showing_b", showing_b_);
  return v;
}

void CompareBoard::fromJson(const json::Value& state) {
  // Everything is read before anything changes, so a bad file leaves the board as it was.
  if (!state.is_object()) throw InputError("a compare board must be a JSON object, found " + state.dump());
  if (json::string_or(state, "format", kBoardFormat) != kBoardFormat)
    throw InputError("\"format\" is \"" + json::string_or(state, "format", "") + "\", not a compare board");
  if (json::int_or(state, "version", kBoardVersion) > kBoardVersion)
    throw InputError("the board was saved by a newer Steer Studio (version " +
                     std::to_string(json::int_or(state, "version", 0)) + "); this one reads version " +
                     std::to_string(kBoardVersion));
  GenerationRequest base;
  BoardAxisTexts texts;
  std::optional<SweepPlan> plan;
  SubjectSpec subject;
  struct SavedCell {
    std::string image, image_name;
    bool favourite = false;
    double seconds = 0;
  };
  std::map<size_t, SavedCell> saved;
  std::vector<int> selection;
  int current = -1, a = -1, b = -1;
  bool showing_b = false;
  std::string key;
  try {
    key = "base";
    if (const json::Value* x = state.find("base")) base = request_from_json(*x);
    key = "axes";
    if (const json::Value* x = state.find("axes")) texts = axis_texts_from_json(*x);
    key = "plan";
    if (const json::Value* x = state.find("plan"); x && !x->is_null()) {
      plan = plan_from_json(*x);
      plan->validate();
    }
    key = "subject";
    if (const json::Value* x = state.find("subject"); x && !x->is_null()) subject = board_subject_from_json(*x);
    key = "cells";
    if (const json::Value* x = state.find("cells"); x && !x->is_null()) {
      for (const json::Value& c : x->as_array()) {
        SavedCell cell;
        const size_t index = static_cast<size_t>(c.at("index").as_uint());
        if (const json::Value* f = c.find("image"); f && !f->is_null()) cell.image = f->as_string();
        if (const json::Value* f = c.find("image_name"); f && !f->is_null()) cell.image_name = f->as_string();
        if (const json::Value* f = c.find("favourite")) cell.favourite = f->as_bool();
        if (const json::Value* f = c.find("seconds")) cell.seconds = f->as_number();
        saved[index] = cell;
      }
    }
    key = "selection";
    if (const json::Value* x = state.find("selection"))
      for (const json::Value& s : x->as_array()) selection.push_back(static_cast<int>(s.as_int()));
    key = "current";
    current = json_int(state, "current", -1);
    key = "a";
    a = json_int(state, "a", -1);
    key = "b";
    b = json_int(state, "b", -1);
    key = "showing_b";
    if (const json::Value* x = state.find("showing_b")) showing_b = x->as_bool();
  } catch (const json::TypeError& e) {
    throw InputError("compare board \"" + key + "\": " + e.what());
  } catch (const InputError& e) {
    throw InputError("compare board \"" + key + "\": " + e.what());
  } catch (const ProjectFormatError& e) {
    throw InputError("compare board \"" + key + "\": " + e.what());
  }

  stopJobs();
  showError({});
  run_note_.clear();
  base_ = base;
  setAxisTexts(texts);
  source_model_folder_ = json::string_or(state, "model_folder", "");
  source_subject_ = subject;
  source_device_ = json::string_or(state, "device", "cpu");
  run_tag_ = json::string_or(state, "run_tag", "");
  if (output_folder_.empty()) output_folder_ = json::string_or(state, "output_folder", "");
  if (plan) {
    setPlan(*plan);
  } else {
    has_plan_ = false;
    plan_ = SweepPlan{};
    axes_.clear();
    cells_.clear();
    columns_ = rows_ = 0;
    grid_.clear();
    current_ = -1;
    selection_.clear();
    a_ = b_ = -1;
    rebuildGrid();
  }
  for (int i = 0; i < cellCount(); ++i) {
    BoardCell& c = cells_[static_cast<size_t>(i)];
    const auto it = saved.find(c.index);
    if (it == saved.end()) continue;
    c.favourite = it->second.favourite;
    c.seconds = it->second.seconds;
    if (!it->second.image.empty() || !it->second.image_name.empty())
      loadCellImage(i, it->second.image, it->second.image_name);
    refreshCell(i);
  }
  auto valid = [this](int i) { return i >= 0 && i < cellCount(); };
  selection_.clear();
  for (int s : selection)
    if (valid(s) && std::find(selection_.begin(), selection_.end(), s) == selection_.end()) selection_.push_back(s);
  current_ = valid(current) ? current : (cellCount() > 0 ? 0 : -1);
  a_ = valid(a) ? a : -1;
  b_ = valid(b) ? b : -1;
  showing_b_ = showing_b && b_ >= 0;
  refreshBaseSummary();
  refreshPlanSummary();
  refreshSelection();
  refreshComparison();
  refreshStatus();
  Q_EMIT favouritesChanged();
  Q_EMIT selectionChanged();
}

}  // namespace steer::ui
