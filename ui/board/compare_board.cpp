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

#include "ui/board/board_cell_view.h"
#include "ui/board/board_images.h"
#include "ui/board/board_text.h"
#include "ui/board/cell_detail_dialog.h"
#include "ui/engine/engine_thread.h"
#include "ui/export/export_dialog.h"
#include "ui/guidance_words.h"
#include "ui/panels/image_scaling.h"
#include "ui/path_text.h"
#include "ui/widgets/column_scroll_area.h"
#include "ui/widgets/native_size_note.h"

namespace steer::ui {
namespace fs = std::filesystem;

namespace {

constexpr int kAbSide = 320;

QString q(const std::string& s) { return QString::fromStdString(s); }

// Names the saved images of one run (BoardModel::runTag): local time to the millisecond.
std::string new_run_tag() {
  return "run-" + QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz")).toStdString();
}

}  // namespace

CompareBoard::CompareBoard(EngineBridge& engine, QWidget* parent) : QWidget(parent), engine_(engine), engine_alive_(&engine) {
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
      model_.setAxisTexts(textsInFields());
      refreshBaseSummary();
      refreshPlanSummary();
      Q_EMIT changed();
    });
    connect(edit, &QLineEdit::returnPressed, this, [this] { run(); });
    return edit;
  };
  methods_edit_ = make_edit("methodsEdit", tr("cfg, pg  (empty: the Generate panel's method)"),
                            tr("<p>Guidance methods to compare: cfg, ag, pg, separated by commas.</p>") + method_tooltip());
  lambdas_edit_ = make_edit("lambdasEdit", tr("e.g. 3, 5, 7.5  (empty: the base λ)"),
                            tr("<p>Guidance strengths λ to compare, separated by commas.</p>") + lambda_tooltip());
  omegas_edit_ = make_edit("omegasEdit", tr("e.g. 0, 0.5, 0.75 or linear:0.2->0.8  (1 = CFG; empty: the base ω)"),
                           tr("<p>PG's ω values to compare: numbers in [0, 1] or schedules linear:a->b, cosine:a->b, "
                              "interval:w@p0-p1. CFG and AG cells ignore ω.</p>") +
                               omega_tooltip());
  seeds_edit_ = make_edit("seedsEdit", tr("e.g. 1, 2, 3  (empty: the base seed)"), tr("Seeds"));
  prompts_edit_ = new QPlainTextEdit;
  prompts_edit_->setObjectName(QStringLiteral("promptsEdit"));
  setSubjectWords({});
  prompts_edit_->setTabChangesFocus(true);
  prompts_edit_->setFixedHeight(prompts_edit_->fontMetrics().lineSpacing() * 3 + 12);
  connect(prompts_edit_, &QPlainTextEdit::textChanged, this, [this] {
    model_.setAxisTexts(textsInFields());
    refreshBaseSummary();
    refreshPlanSummary();
    Q_EMIT changed();
  });

  base_summary_ = new QLabel;
  base_summary_->setObjectName(QStringLiteral("baseSummary"));
  base_summary_->setWordWrap(false);
  base_summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  base_summary_->setToolTip(
      tr("The Generate panel's settings that the fields above leave empty. What a field "
         "sets (methods, λ, ω, seeds, prompts) is not repeated here."));
  size_note_ = new QLabel;
  size_note_->setObjectName(QStringLiteral("sizeNote"));
  size_note_->setWordWrap(true);
  size_note_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Minimum);  // the row's width, wrapped
  size_note_->setStyleSheet(QStringLiteral("color: #1f1300; background: #f3c969; padding: 3px; border-radius: 4px;"));
  size_note_->hide();
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
  form->addRow(size_note_);  // the whole row: a field's label would get a narrow, tall note
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
  connect(set_a, &QPushButton::clicked, this, [this] { setComparisonA(currentCell()); });
  connect(set_b, &QPushButton::clicked, this, [this] { setComparisonB(currentCell()); });
  connect(flip_button_, &QPushButton::clicked, this, [this] {
    flipComparison();
    grid_widget_->setFocus();
  });
  auto* ab_buttons = new QHBoxLayout;
  ab_buttons->addWidget(set_a);
  ab_buttons->addWidget(set_b);
  ab_buttons->addWidget(flip_button_);
  auto* hint =
      new QLabel(tr("Click selects, Ctrl+click adds (two selected cells become A and B), double click "
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

  // On a short window the A/B column scrolls instead of squeezing its caption and buttons
  // onto the picture (tests/ui/test_first_hour.cpp checks they never overlap).
  auto* ab_scroll = new ColumnScrollArea;
  ab_scroll->setObjectName(QStringLiteral("abScroll"));
  ab_scroll->setColumn(ab_panel);
  auto* splitter = new QSplitter;
  splitter->addWidget(scroll);
  splitter->addWidget(ab_scroll);
  splitter->setStretchFactor(0, 1);
  splitter->setStretchFactor(1, 0);
  splitter->setCollapsible(0, false);

  // The fields above, the grid below, with a border the designer drags: on a short window
  // (1024x640) the grid gets the room, and the fields fold away entirely when dragged up.
  auto* lower = new QWidget;
  auto* lower_layout = new QVBoxLayout(lower);
  lower_layout->setContentsMargins(0, 0, 0, 0);
  lower_layout->addLayout(actions);
  lower_layout->addWidget(error_label_);
  lower_layout->addWidget(splitter, 1);
  auto* fields_and_grid = new QSplitter(Qt::Vertical);
  fields_and_grid->setObjectName(QStringLiteral("boardFieldsSplitter"));
  fields_and_grid->addWidget(axes_box);
  fields_and_grid->addWidget(lower);
  fields_and_grid->setCollapsible(0, true);
  fields_and_grid->setCollapsible(1, false);
  fields_and_grid->setStretchFactor(0, 0);
  fields_and_grid->setStretchFactor(1, 1);
  splitter->setMinimumHeight(180);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(fields_and_grid);
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
  model_.setBaseRequest(request);
  refreshBaseSummary();
  refreshPlanSummary();
  Q_EMIT changed();
}

void CompareBoard::setNativeSide(int native_side) {
  native_side_ = native_side;
  refreshBaseSummary();
}

void CompareBoard::setSubject(const SubjectSpec& subject) { model_.setSubject(subject); }

void CompareBoard::setDevice(const std::string& device) { model_.setDevice(device); }

void CompareBoard::setSubjectWords(const QString& words) {
  const QString example = words.isEmpty() ? tr("a photo of sks mug on a beach") : tr("a photo of %1 on a beach").arg(words);
  prompts_edit_->setPlaceholderText(tr("One prompt per line, e.g. “%1” (empty: the Generate panel's prompt)").arg(example));
}

void CompareBoard::setAxisTexts(const BoardAxisTexts& t) {
  methods_edit_->setText(q(t.methods));
  lambdas_edit_->setText(q(t.lambdas));
  omegas_edit_->setText(q(t.omegas));
  seeds_edit_->setText(q(t.seeds));
  QStringList prompts;
  for (const auto& p : t.prompts) prompts << q(p);
  prompts_edit_->setPlainText(prompts.join(QLatin1Char('\n')));
  // Each field that changed has given the model what the fields show; when none changed,
  // the model still takes their form (prompts trimmed, empty lines dropped).
  model_.setAxisTexts(textsInFields());
  refreshBaseSummary();
  refreshPlanSummary();
}

BoardAxisTexts CompareBoard::axisTexts() const { return model_.axisTexts(); }

BoardAxisTexts CompareBoard::textsInFields() const {
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
  try {
    model_.setOutputFolder(folder);
  } catch (const std::exception& e) {
    showError(tr("The board's output folder %1 cannot be created: %2").arg(to_qstring(folder), q(e.what())));
    return;
  }
  if (folder.empty()) return;
  for (int i = 0; i < cellCount(); ++i) {
    if (model_.needsSaving(i))
      saveCellImage(i);
    else if (model_.findMovedImage(i))
      refreshCell(i);
  }
  refreshComparison();
  refreshStatus();
}

// ---- Running ----------------------------------------------------------------------------

bool CompareBoard::run() {
  SweepPlan plan;
  try {
    plan = model_.planToRun();
  } catch (const std::exception& e) {
    showError(tr("Cannot run: %1").arg(q(e.what())));
    plan_error_shown_ = true;
    return false;
  }
  showError({});
  stopJobs();
  model_.startRun(plan, to_path(engine_.modelFolder()), new_run_tag());
  rebuildGrid();
  run_note_.clear();
  sweep_job_ = engine_.runSweep(model_.plan());
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

void CompareBoard::forgetJobs() {
  if (sweep_job_) engine_.cancel(sweep_job_);
  for (const auto& [job, cell] : rerun_jobs_) engine_.cancel(job);
  // Events of these jobs still in the queue are ignored from here on.
  sweep_job_ = 0;
  rerun_jobs_.clear();
}

void CompareBoard::stopJobs() {
  forgetJobs();
  // So the board is settled now rather than when the engine thread gets round to noticing.
  for (int i = 0; i < cellCount(); ++i) {
    if (!model_.settleCell(i, BoardCell::Status::Cancelled)) continue;
    if (auto* view = cellView(i)) view->clearPreview();
    refreshCell(i);
  }
}

bool CompareBoard::rerunCell(int index) {
  if (!model_.isCell(index)) return false;
  SweepPlan one = single_cell_plan(cell(index).request);
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
  if (model_.runTag().empty()) model_.setRunTag(new_run_tag());
  model_.queueCell(index);
  rerun_jobs_[engine_.runSweep(one)] = index;
  run_note_.clear();
  refreshCell(index);
  refreshStatus();
  Q_EMIT runStarted();
  return true;
}

int CompareBoard::cellForJob(quint64 job, int cell) const {
  if (job == 0) return -1;
  if (job == sweep_job_) return model_.isCell(cell) ? cell : -1;
  const auto it = rerun_jobs_.find(job);
  return it == rerun_jobs_.end() ? -1 : it->second;
}

void CompareBoard::onJobStep(quint64 job, int cell, const StepEvent& event) {
  const int i = cellForJob(job, cell);
  if (i < 0) return;
  model_.recordStep(i, event.step, event.steps, !event.preview.empty());
  views_[static_cast<size_t>(i)]->setPreview(qimage_from_rgba8(event.preview), event.step, event.steps);
  refreshStatus();
}

void CompareBoard::onJobImage(quint64 job, int cell, const GenerationResult& result) {
  const int i = cellForJob(job, cell);
  if (i < 0) return;
  model_.recordImage(i, result.image, result.seconds);
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
    if (!model_.settleCell(i, BoardCell::Status::Failed)) return;
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
  try {
    model_.saveCellImage(i);
  } catch (const std::exception& e) {
    showError(tr("Could not save cell %1's image: %2").arg(i + 1).arg(q(e.what())));
  }
}

// ---- Grid -------------------------------------------------------------------------------

QPoint CompareBoard::gridPosition(int i) const {
  const GridPlace p = model_.place(i);
  return QPoint(p.column, p.row);
}

QStringList CompareBoard::columnLabels() const { return column_labels(model_); }

QStringList CompareBoard::rowLabels() const { return row_labels(model_); }

void CompareBoard::rebuildGrid() {
  while (QLayoutItem* item = grid_layout_->takeAt(0)) {
    delete item->widget();
    delete item;
  }
  views_.clear();
  for (int c = 0; c < grid_layout_->columnCount(); ++c) grid_layout_->setColumnStretch(c, 0);
  for (int r = 0; r < grid_layout_->rowCount(); ++r) grid_layout_->setRowStretch(r, 0);
  if (cellCount() == 0) {
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
  const auto& axes = model_.axes();
  if (!rows.isEmpty()) {
    QStringList others;
    for (size_t a = 1; a < axes.size(); ++a) others << axis_title(axes[a].name);
    QLabel* corner = make_label(tr("columns: %1\nrows: %2").arg(axis_title(axes[0].name), others.join(QStringLiteral(" × "))),
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
  views_.assign(static_cast<size_t>(cellCount()), nullptr);
  for (int i = 0; i < cellCount(); ++i) {
    auto* view = new BoardCellView(i);
    view->setSide(cell_size_->value());
    view->setToolTip(describe_request(cell(i).request));
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
    // A cell the column axis does not apply to (CFG along ω) spans its row's columns.
    const GridPlace place = model_.place(i);
    grid_layout_->addWidget(view, place.row + 1, place.column + 1, 1, place.columns,
                            place.columns > 1 ? Qt::AlignHCenter : Qt::Alignment());
    refreshCell(i);
  }
  grid_layout_->setColumnStretch(columnCount() + 1, 1);
  grid_layout_->setRowStretch(rowCount() + 1, 1);
  refreshSelection();
  refreshComparison();
  grid_widget_->adjustSize();
}

void CompareBoard::refreshCell(int i) {
  if (i < 0 || i >= static_cast<int>(views_.size()) || !views_[static_cast<size_t>(i)]) return;
  const BoardCell& c = cell(i);
  BoardCellView* view = views_[static_cast<size_t>(i)];
  view->setImage(c.hasImage() ? qimage_from_rgba8(c.image) : QImage());
  view->setFavourite(c.favourite);
  switch (c.status) {
    case BoardCell::Status::Empty:
      view->setStatusText(c.file.empty() ? tr("not run") : tr("image missing"));
      break;
    case BoardCell::Status::Queued:
      view->setStatusText(tr("queued"));
      break;
    case BoardCell::Status::Running:
      view->setStatusText(tr("starting"));
      break;
    case BoardCell::Status::Done:
      view->setStatusText({});
      break;
    case BoardCell::Status::Cancelled:
      view->setStatusText(tr("cancelled"));
      break;
    case BoardCell::Status::Failed:
      view->setStatusText(tr("failed"));
      break;
  }
}

void CompareBoard::refreshSelection() {
  const std::vector<int>& selection = model_.selectedCells();
  for (int i = 0; i < static_cast<int>(views_.size()); ++i) {
    BoardCellView* view = views_[static_cast<size_t>(i)];
    view->setCurrent(i == currentCell());
    view->setSelected(std::find(selection.begin(), selection.end(), i) != selection.end());
  }
}

void CompareBoard::refreshComparison() {
  const int a = comparisonA(), b = comparisonB();
  const bool showing_b = showingB();
  for (int i = 0; i < static_cast<int>(views_.size()); ++i) {
    BoardCellView* view = views_[static_cast<size_t>(i)];
    if (i == a)
      view->setBadge(QStringLiteral("A"), !showing_b);
    else if (i == b)
      view->setBadge(QStringLiteral("B"), showing_b);
    else
      view->setBadge({}, false);
  }
  const int shown = shownComparisonCell();
  flip_button_->setEnabled(a >= 0 && b >= 0);
  if (shown < 0 || shown >= cellCount()) {
    ab_image_->setPixmap({});
    ab_image_->setText(tr("Choose A and B:\nselect a cell and press A,\nanother and press B"));
    ab_caption_->clear();
    return;
  }
  const BoardCell& c = cell(shown);
  if (c.hasImage()) {
    const QImage image = qimage_from_rgba8(c.image);
    ab_image_->setPixmap(QPixmap::fromImage(
        image.scaled(kAbSide, kAbSide, Qt::KeepAspectRatio, scaling_mode(image.size(), QSize(kAbSide, kAbSide)))));
  } else {
    ab_image_->setPixmap({});
    ab_image_->setText(tr("no image yet"));
  }
  const QString other =
      a >= 0 && b >= 0 ? tr(" — Space shows %1").arg(showing_b ? QStringLiteral("A") : QStringLiteral("B")) : QString();
  ab_caption_->setText(QStringLiteral("<b>%1</b>: cell %2 · %3%4")
                           .arg(showing_b ? QStringLiteral("B") : QStringLiteral("A"))
                           .arg(shown + 1)
                           .arg(describe_request(c.request).toHtmlEscaped(), other));
}

QString CompareBoard::statusText() const { return status_label_->text(); }

QString CompareBoard::errorText() const { return error_; }

void CompareBoard::refreshStatus() {
  const int done = model_.finishedCount();
  const int n = cellCount();
  QString text;
  if (n == 0)
    text = tr("No grid yet: choose values and press Run");
  else if (isRunning())
    text = tr("Running: %1 of %2 cells done").arg(done).arg(n);
  else if (!run_note_.isEmpty())
    text = tr("%1: %2 of %3 cells done").arg(run_note_).arg(done).arg(n);
  else
    text = tr("%1 of %2 cells done").arg(done).arg(n);
  const auto favourites = favouriteCells().size();
  if (favourites == 1)
    text += tr(" · 1 favourite");
  else if (favourites > 1)
    text += tr(" · %1 favourites").arg(favourites);
  status_label_->setText(text);
  progress_->setRange(0, std::max(n, 1));
  progress_->setValue(done);
  progress_->setVisible(isRunning());
  // While a run is going, Run restarts it with the fields as they are now; it reads "Run
  // again" only once a run has ended.
  run_button_->setText(!isRunning() && done > 0 ? tr("&Run again") : tr("&Run"));
  run_button_->setToolTip(isRunning() ? tr("Stop this run and start again with the values in the fields")
                                      : tr("Generate every cell of the grid"));
  cancel_button_->setEnabled(isRunning());
  export_button_->setEnabled(done > 0);
}

void CompareBoard::refreshPlanSummary() {
  try {
    const SweepPlan plan = plan_from_axis_texts(model_.baseRequest(), model_.axisTexts());
    const auto axes = plan.axes();
    const size_t n = plan.cells().size();
    QStringList parts;
    for (const auto& a : axes)
      if (a.labels.size() > 1) parts << QStringLiteral("%1 (%2)").arg(axis_title(a.name)).arg(a.labels.size());
    // The fields are fixed now: an earlier "Cannot run" about them is stale.
    if (plan_error_shown_) showError({});
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
  // What the board takes from the Generate panel: the settings its fields leave empty
  // (board_plan.h). A setting a field sets is left out, so this line and the fields never
  // name two different values, e.g. two prompts (issue 11, item 1).
  const auto& r = model_.baseRequest();
  const BoardAxisTexts& t = model_.axisTexts();
  const auto& g = r.guidance;
  QStringList guidance;
  if (t.methods.empty()) guidance << QString::fromLatin1(guidance_method_name(g.method)).toUpper();
  if (t.lambdas.empty()) guidance << QStringLiteral("λ=%1").arg(g.scale);
  const bool pg = t.methods.empty() ? g.method == GuidanceMethod::Personalization
                                    : QString::fromStdString(t.methods).contains(QLatin1String("pg"), Qt::CaseInsensitive);
  if (pg && t.omegas.empty()) guidance << QStringLiteral("ω=") + omega_label(q(g.omega.to_string()));
  QStringList parts;
  if (!guidance.isEmpty()) parts << guidance.join(QLatin1Char(' '));
  parts
      << QStringLiteral("%1%2, %3 steps").arg(q(r.sampler), r.karras_sigmas ? QStringLiteral(" karras") : QString()).arg(r.steps);
  parts << QStringLiteral("%1×%2").arg(r.width).arg(r.height);
  if (t.seeds.empty()) parts << tr("seed %1").arg(r.seed);
  if (t.prompts.empty()) parts << (r.prompt.empty() ? tr("no prompt") : QStringLiteral("“%1”").arg(q(r.prompt)));
  base_summary_->setText(parts.join(QStringLiteral(" · ")));
  // Every cell runs at the base size: the Generate panel's note, repeated where Run is.
  const QString note = native_size_note_text(r.width, r.height, native_side_);
  size_note_->setText(note.isEmpty() ? QString() : tr("Every cell: %1 Set the size on the Generate tab.").arg(note));
  size_note_->setVisible(!note.isEmpty());
}

void CompareBoard::showError(const QString& message) {
  plan_error_shown_ = false;
  error_ = message;
  error_label_->setText(message);
  error_label_->setVisible(!message.isEmpty());
}

// ---- Selection, favourites, A/B -----------------------------------------------------------

void CompareBoard::selectCell(int index, bool extend) {
  if (!model_.selectCell(index, extend)) return;
  refreshSelection();
  refreshComparison();
  if (auto* view = cellView(index)) {
    if (auto* scroll =
            qobject_cast<QScrollArea*>(grid_widget_->parentWidget() ? grid_widget_->parentWidget()->parentWidget() : nullptr))
      scroll->ensureWidgetVisible(view);
  }
  Q_EMIT selectionChanged();
}

void CompareBoard::moveCurrent(int dx, int dy) { selectCell(model_.cellMovedBy(dx, dy)); }

void CompareBoard::setFavourite(int index, bool favourite) {
  if (!model_.setFavourite(index, favourite)) return;
  refreshCell(index);
  refreshStatus();
  Q_EMIT favouritesChanged();
  Q_EMIT changed();
}

void CompareBoard::toggleFavourite(int index) {
  if (model_.isCell(index)) setFavourite(index, !cell(index).favourite);
}

void CompareBoard::setComparisonA(int index) {
  if (!model_.setComparisonA(index)) return;
  refreshComparison();
  Q_EMIT changed();
}

void CompareBoard::setComparisonB(int index) {
  if (!model_.setComparisonB(index)) return;
  refreshComparison();
  Q_EMIT changed();
}

void CompareBoard::flipComparison() {
  if (model_.flipComparison()) refreshComparison();
}

BoardCellView* CompareBoard::cellView(int index) const {
  return index >= 0 && index < static_cast<int>(views_.size()) ? views_[static_cast<size_t>(index)] : nullptr;
}

bool CompareBoard::eventFilter(QObject* watched, QEvent* event) {
  if (watched != grid_widget_ || event->type() != QEvent::KeyPress) return QWidget::eventFilter(watched, event);
  auto* key = static_cast<QKeyEvent*>(event);
  if (key->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier)) return false;
  switch (key->key()) {
    case Qt::Key_Left:
      moveCurrent(-1, 0);
      return true;
    case Qt::Key_Right:
      moveCurrent(1, 0);
      return true;
    case Qt::Key_Up:
      moveCurrent(0, -1);
      return true;
    case Qt::Key_Down:
      moveCurrent(0, 1);
      return true;
    case Qt::Key_Space:
      flipComparison();
      return true;
    case Qt::Key_F:
      toggleFavourite(currentCell());
      return true;
    case Qt::Key_A:
      setComparisonA(currentCell());
      return true;
    case Qt::Key_B:
      setComparisonB(currentCell());
      return true;
    case Qt::Key_Return:
    case Qt::Key_Enter:
      if (currentCell() >= 0) enlargeCell(currentCell());
      return true;
    default:
      return false;
  }
}

// ---- Cell views, menus, dialogs -----------------------------------------------------------

QString CompareBoard::cellSettingsText(int index) const { return cell_settings_text(model_, index); }

CellDetailDialog* CompareBoard::enlargeCell(int index) {
  if (!model_.isCell(index)) return nullptr;
  const BoardCell& c = cell(index);
  auto* dialog = new CellDetailDialog(tr("Cell %1 — %2").arg(index + 1).arg(describe_request(c.request)),
                                      qimage_from_rgba8(c.image), cellSettingsText(index), this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->show();
  return dialog;
}

QMenu* CompareBoard::createCellMenu(int index, QWidget* parent) {
  auto* menu = new QMenu(parent);
  menu->setObjectName(QStringLiteral("cellMenu"));
  if (!model_.isCell(index)) return menu;
  const BoardCell& c = cell(index);
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
  menu->addAction(tr("&Copy settings"), this, [this, index] { QApplication::clipboard()->setText(cellSettingsText(index)); })
      ->setObjectName(QStringLiteral("copySettingsAction"));
  return menu;
}

ExportDialog* CompareBoard::openExportDialog() {
  auto* dialog = new ExportDialog(*this, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->show();
  return dialog;
}

// ---- Projects -----------------------------------------------------------------------------

void CompareBoard::fromJson(const json::Value& state) {
  model_.fromJson(state);  // throws before anything changes: the board keeps running then
  // The grid was replaced: the jobs that were filling the old one have nothing to fill.
  forgetJobs();
  showError({});
  run_note_.clear();
  const BoardAxisTexts texts = model_.axisTexts();  // a copy: each field's edit replaces the model's
  setAxisTexts(texts);
  rebuildGrid();
  refreshBaseSummary();
  refreshPlanSummary();
  refreshSelection();
  refreshComparison();
  refreshStatus();
  Q_EMIT favouritesChanged();
  Q_EMIT selectionChanged();
}

}  // namespace steer::ui
