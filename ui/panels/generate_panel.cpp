#include "ui/panels/generate_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QMenu>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRandomGenerator>
#include <QScrollArea>
#include <QScrollBar>
#include <QShortcut>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardPaths>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>

#include "core/common/error.h"
#include "core/generation/image_size.h"
#include "ui/engine/engine_thread.h"
#include "ui/guidance_words.h"
#include "ui/panels/history_strip.h"
#include "ui/panels/image_conversion.h"
#include "ui/panels/omega_schedule_editor.h"
#include "ui/panels/preview_view.h"
#include "ui/panels/seed_spin_box.h"
#include "ui/path_text.h"
#include "ui/widgets/column_scroll_area.h"
#include "ui/widgets/latent_size_spin_box.h"
#include "ui/widgets/native_size_note.h"

namespace steer::ui {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// Samplers and what they accept (GenerationRequest::validate has the same rules).
bool sampler_has_karras(const QString& sampler) {
  return sampler == QLatin1String("euler") || sampler == QLatin1String("dpmpp_2m");
}
bool sampler_has_eta(const QString& sampler) { return sampler == QLatin1String("ddim"); }

QPlainTextEdit* prompt_edit(QWidget* parent, const char* name, const QString& placeholder, int lines) {
  auto* edit = new QPlainTextEdit(parent);
  edit->setObjectName(QString::fromLatin1(name));
  edit->setPlaceholderText(placeholder);
  edit->setTabChangesFocus(true);
  const int line = edit->fontMetrics().lineSpacing();
  edit->setFixedHeight(line * lines + 2 * edit->frameWidth() + 12);
  return edit;
}

QDoubleSpinBox* number_box(QWidget* parent, const char* name, double low, double high, int decimals, double step) {
  auto* box = new QDoubleSpinBox(parent);
  box->setObjectName(QString::fromLatin1(name));
  box->setRange(low, high);
  box->setDecimals(decimals);
  box->setSingleStep(step);
  return box;
}

LatentSizeSpinBox* size_box(QWidget* parent, const char* name) {
  auto* box = new LatentSizeSpinBox(parent);
  box->setObjectName(QString::fromLatin1(name));
  return box;
}

// The warning colours of the dataset grid's messages (ui/widgets/dataset_grid.cpp).
constexpr auto kSizeNoteStyle = "color: #1f1300; background: #f3c969; padding: 4px; border-radius: 4px;";

QString seconds_text(double seconds) {
  if (seconds < 10) return QString::number(seconds, 'f', 1);
  return QString::number(std::lround(seconds));
}

}  // namespace

GeneratePanel::GeneratePanel(EngineBridge& engine, QWidget* parent) : QWidget(parent), engine_(engine), engine_alive_(&engine) {
  setObjectName(QStringLiteral("generatePanel"));
  auto* splitter = new QSplitter(Qt::Horizontal, this);
  splitter->setObjectName(QStringLiteral("generateSplitter"));
  splitter->setChildrenCollapsible(false);

  // Settings scroll; the message and the buttons below them stay in view.
  auto* left = new QWidget(splitter);
  auto* left_column = new QVBoxLayout(left);
  left_column->setContentsMargins(0, 0, 0, 0);
  auto* scroll = new ColumnScrollArea(left);
  scroll->setObjectName(QStringLiteral("settingsScroll"));
  QWidget* settings = createSettings();
  scroll->setColumn(settings);
  left_column->addWidget(scroll, 1);
  left_column->addWidget(createSubmitRow(left));
  splitter->addWidget(left);
  splitter->addWidget(createResults());
  splitter->setStretchFactor(0, 0);
  splitter->setStretchFactor(1, 1);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(splitter);

  // Any edit may fix the setting a refusal named: check again so that no stale error stays.
  for (auto* box : settings->findChildren<QSpinBox*>())
    connect(box, &QSpinBox::valueChanged, this, &GeneratePanel::recheckRefusal);
  for (auto* box : settings->findChildren<QDoubleSpinBox*>())
    connect(box, &QDoubleSpinBox::valueChanged, this, &GeneratePanel::recheckRefusal);
  for (auto* box : settings->findChildren<QComboBox*>())
    connect(box, &QComboBox::currentIndexChanged, this, &GeneratePanel::recheckRefusal);
  for (auto* box : settings->findChildren<QCheckBox*>()) connect(box, &QCheckBox::toggled, this, &GeneratePanel::recheckRefusal);
  for (auto* text : settings->findChildren<QPlainTextEdit*>())
    connect(text, &QPlainTextEdit::textChanged, this, &GeneratePanel::recheckRefusal);
  connect(omega_, &OmegaScheduleEditor::scheduleChanged, this, &GeneratePanel::recheckRefusal);

  // Shortcuts for the whole panel, also while typing in a prompt (QPlainTextEdit does not
  // claim Ctrl+Return).
  for (const QKeySequence& keys : {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)}) {
    auto* shortcut = new QShortcut(keys, this);
    shortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(shortcut, &QShortcut::activated, this, [this] { generate(); });
  }
  auto* escape = new QShortcut(QKeySequence(Qt::Key_Escape), this);
  escape->setContext(Qt::WidgetWithChildrenShortcut);
  connect(escape, &QShortcut::activated, this, &GeneratePanel::cancel);

  connectEngine();
  setRequest(steer::GenerationRequest{});
  setRunning(false);
  preview_->clear(tr("Write a prompt and press Generate (Ctrl+Return).\nThe preview updates after every step."));
}

GeneratePanel::~GeneratePanel() {
  if (job_ != 0 && engine_alive_) engine_alive_->cancel(job_);
}

QWidget* GeneratePanel::createSettings() {
  auto* settings = new QWidget;
  settings->setObjectName(QStringLiteral("generateSettings"));
  auto* column = new QVBoxLayout(settings);

  // Prompt.
  auto* prompt_group = new QGroupBox(tr("Prompt"), settings);
  auto* prompt_layout = new QVBoxLayout(prompt_group);
  prompt_ = prompt_edit(prompt_group, "prompt", tr("a photo of sks mug on a beach"), 3);
  negative_ =
      prompt_edit(prompt_group, "negativePrompt", tr("Negative prompt (optional): what the image should move away from"), 2);
  prompt_layout->addWidget(prompt_);
  prompt_layout->addWidget(negative_);
  column->addWidget(prompt_group);

  // Image: seed, size, steps.
  auto* image_group = new QGroupBox(tr("Image"), settings);
  auto* image_form = new QFormLayout(image_group);
  seed_ = new SeedSpinBox(image_group);
  seed_->setObjectName(QStringLiteral("seed"));
  seed_->setToolTip(tr("Seed of the initial noise (torch's CPU generator: the same image as diffusers)"));
  random_seed_ = new QCheckBox(tr("Random"), image_group);
  random_seed_->setObjectName(QStringLiteral("randomSeed"));
  random_seed_->setToolTip(tr("Draw a new seed for every image; the seed used is shown above the preview"));
  auto* seed_row = new QHBoxLayout;
  seed_row->addWidget(seed_, 1);
  seed_row->addWidget(random_seed_);
  image_form->addRow(tr("Seed"), seed_row);
  connect(random_seed_, &QCheckBox::toggled, seed_, [this](bool random) { seed_->setEnabled(!random); });

  width_ = size_box(image_group, "width");
  height_ = size_box(image_group, "height");
  auto* size_row = new QHBoxLayout;
  size_row->addWidget(width_, 1);
  size_row->addWidget(new QLabel(QStringLiteral("×"), image_group));
  size_row->addWidget(height_, 1);
  image_form->addRow(tr("Size"), size_row);
  // Under the size, only while it is far from native. It wraps to the settings column's
  // width (the column scrolls), so showing it never widens the panel or the window; its link
  // sets the native size.
  size_note_ = new QLabel(image_group);
  size_note_->setObjectName(QStringLiteral("sizeNote"));
  size_note_->setWordWrap(true);
  size_note_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Minimum);
  size_note_->setTextFormat(Qt::RichText);
  size_note_->setStyleSheet(QString::fromLatin1(kSizeNoteStyle));
  size_note_->hide();
  connect(size_note_, &QLabel::linkActivated, this, [this] {
    width_->setValue(native_side_);
    height_->setValue(native_side_);
  });
  image_form->addRow(size_note_);
  size_preset_ = new QComboBox(image_group);
  size_preset_->setObjectName(QStringLiteral("sizePreset"));
  fillSizePresets();
  image_form->addRow(tr("Preset"), size_preset_);
  connect(size_preset_, &QComboBox::activated, this, [this](int index) {
    const QSize size = size_preset_->itemData(index).toSize();
    if (size.isEmpty()) return;
    width_->setValue(size.width());
    height_->setValue(size.height());
  });
  connect(width_, &QSpinBox::valueChanged, this, &GeneratePanel::sizeChanged);
  connect(height_, &QSpinBox::valueChanged, this, &GeneratePanel::sizeChanged);

  steps_ = new QSpinBox(image_group);
  steps_->setObjectName(QStringLiteral("steps"));
  steps_->setRange(1, 1000);
  image_form->addRow(tr("Steps"), steps_);
  column->addWidget(image_group);

  // Sampler.
  auto* sampler_group = new QGroupBox(tr("Sampler"), settings);
  auto* sampler_form = new QFormLayout(sampler_group);
  sampler_ = new QComboBox(sampler_group);
  sampler_->setObjectName(QStringLiteral("sampler"));
  sampler_->addItem(tr("DDIM"), QStringLiteral("ddim"));
  sampler_->addItem(tr("Euler"), QStringLiteral("euler"));
  sampler_->addItem(tr("Euler ancestral"), QStringLiteral("euler_a"));
  sampler_->addItem(tr("DPM++ 2M"), QStringLiteral("dpmpp_2m"));
  sampler_form->addRow(tr("Sampler"), sampler_);
  karras_ = new QCheckBox(tr("Karras sigmas"), sampler_group);
  karras_->setObjectName(QStringLiteral("karras"));
  karras_->setToolTip(tr("Available for Euler and DPM++ 2M"));
  sampler_form->addRow(QString(), karras_);
  eta_ = number_box(sampler_group, "eta", 0.0, 1.0, 2, 0.1);
  eta_->setToolTip(tr("DDIM η: 0 is deterministic, 1 is as noisy as DDPM"));
  sampler_form->addRow(tr("η (DDIM)"), eta_);
  connect(sampler_, &QComboBox::currentIndexChanged, this, &GeneratePanel::samplerChanged);
  column->addWidget(sampler_group);

  // Guidance.
  auto* guidance_group = new QGroupBox(tr("Guidance"), settings);
  auto* guidance_layout = new QVBoxLayout(guidance_group);
  auto* guidance_form = new QFormLayout;
  method_ = new QComboBox(guidance_group);
  method_->setObjectName(QStringLiteral("method"));
  method_->addItem(tr("CFG (classifier-free)"), QStringLiteral("cfg"));
  method_->addItem(tr("AG (autoguidance)"), QStringLiteral("ag"));
  method_->addItem(tr("PG (personalization)"), QStringLiteral("pg"));
  method_->setToolTip(method_tooltip());
  method_->setItemData(0, cfg_tooltip(), Qt::ToolTipRole);
  method_->setItemData(1, ag_tooltip(), Qt::ToolTipRole);
  method_->setItemData(2, pg_tooltip(), Qt::ToolTipRole);
  guidance_form->addRow(tr("Method"), method_);
  lambda_ = number_box(guidance_group, "lambda", 0.0, 100.0, 2, 0.5);
  lambda_->setToolTip(lambda_tooltip());
  guidance_form->addRow(tr("λ (scale)"), lambda_);
  guidance_layout->addLayout(guidance_form);

  omega_ = new OmegaScheduleEditor(guidance_group);
  omega_group_ = omega_;
  guidance_layout->addWidget(omega_);

  weak_group_ = new QWidget(guidance_group);
  auto* weak_form = new QFormLayout(weak_group_);
  weak_form->setContentsMargins(0, 0, 0, 0);
  weak_ = new QComboBox(weak_group_);
  weak_->setObjectName(QStringLiteral("weakModel"));
  weak_->setToolTip(
      tr("AG's weak model, the one guidance steers away from: the pre-trained model, or the subject "
         "blended in at weight W (0 = pre-trained, 1 = the subject as trained)"));
  weak_omega_ = number_box(weak_group_, "weakOmega", 0.0, 1.0, 3, 0.05);
  auto* weak_row = new QHBoxLayout;
  weak_row->addWidget(weak_, 1);
  weak_row->addWidget(new QLabel(tr("W"), weak_group_));
  weak_row->addWidget(weak_omega_);
  weak_form->addRow(tr("Weak model"), weak_row);
  connect(weak_, &QComboBox::currentIndexChanged, this,
          [this] { weak_omega_->setEnabled(weak_->currentData().toString() == QLatin1String("omega")); });
  guidance_layout->addWidget(weak_group_);
  connect(method_, &QComboBox::currentIndexChanged, this, &GeneratePanel::methodChanged);
  connect(steps_, &QSpinBox::valueChanged, omega_, &OmegaScheduleEditor::setSteps);
  column->addWidget(guidance_group);

  // Modifiers.
  auto* modifier_group = new QGroupBox(tr("Modifiers"), settings);
  auto* modifier_form = new QFormLayout(modifier_group);
  interval_ = new QCheckBox(tr("Guide only for σ in (low, high]"), modifier_group);
  interval_->setObjectName(QStringLiteral("guidanceInterval"));
  interval_->setToolTip(tr("Guidance interval (Kynkäänniemi et al. 2024): outside it, one conditional pass per step"));
  modifier_form->addRow(interval_);
  sigma_low_ = number_box(modifier_group, "sigmaLow", 0.0, 1000.0, 3, 0.1);
  sigma_high_ = number_box(modifier_group, "sigmaHigh", 0.0, 1000.0, 3, 0.5);
  sigma_high_unbounded_ = new QCheckBox(QStringLiteral("∞"), modifier_group);
  sigma_high_unbounded_->setObjectName(QStringLiteral("sigmaHighUnbounded"));
  sigma_high_unbounded_->setToolTip(tr("No upper limit: guide every step with σ above the low end"));
  auto* sigma_row = new QHBoxLayout;
  sigma_row->addWidget(sigma_low_, 1);
  sigma_row->addWidget(new QLabel(QStringLiteral("–"), modifier_group));
  sigma_row->addWidget(sigma_high_, 1);
  sigma_row->addWidget(sigma_high_unbounded_);
  modifier_form->addRow(tr("σ low – high"), sigma_row);
  auto interval_controls = [this] {
    sigma_low_->setEnabled(interval_->isChecked());
    sigma_high_unbounded_->setEnabled(interval_->isChecked());
    sigma_high_->setEnabled(interval_->isChecked() && !sigma_high_unbounded_->isChecked());
  };
  connect(interval_, &QCheckBox::toggled, this, interval_controls);
  connect(sigma_high_unbounded_, &QCheckBox::toggled, this, interval_controls);
  rescale_ = number_box(modifier_group, "rescale", 0.0, 1.0, 2, 0.05);
  rescale_->setToolTip(tr("CFG rescale φ: 0 = off, 0.7 is common"));
  modifier_form->addRow(tr("CFG rescale φ"), rescale_);
  column->addWidget(modifier_group);

  column->addStretch(1);
  return settings;
}

QWidget* GeneratePanel::createSubmitRow(QWidget* parent) {
  auto* row = new QWidget(parent);
  auto* column = new QVBoxLayout(row);
  column->setContentsMargins(9, 0, 9, 9);
  validation_ = new QLabel(row);
  validation_->setObjectName(QStringLiteral("validationMessage"));
  validation_->setWordWrap(true);
  validation_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  validation_->hide();
  column->addWidget(validation_);
  generate_ = new QPushButton(tr("Generate"), row);
  generate_->setObjectName(QStringLiteral("generateButton"));
  generate_->setToolTip(tr("Generate (Ctrl+Return)"));
  generate_->setDefault(true);
  cancel_ = new QPushButton(tr("Cancel"), row);
  cancel_->setObjectName(QStringLiteral("cancelButton"));
  cancel_->setToolTip(tr("Stop before the next step (Esc)"));
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(generate_, 2);
  buttons->addWidget(cancel_, 1);
  column->addLayout(buttons);
  connect(generate_, &QPushButton::clicked, this, [this] { generate(); });
  connect(cancel_, &QPushButton::clicked, this, &GeneratePanel::cancel);
  return row;
}

QWidget* GeneratePanel::createResults() {
  auto* results = new QWidget;
  results->setObjectName(QStringLiteral("generateResults"));
  auto* column = new QVBoxLayout(results);

  auto* top = new QHBoxLayout;
  branch_ = new QComboBox(results);
  branch_->setObjectName(QStringLiteral("branch"));
  branch_->addItem(tr("Guided result"), static_cast<int>(Branch::Guided));
  branch_->addItem(tr("Strong branch"), static_cast<int>(Branch::Strong));
  branch_->addItem(tr("Weak branch"), static_cast<int>(Branch::Weak));
  branch_->setItemData(0, guided_preview_tooltip(), Qt::ToolTipRole);
  branch_->setItemData(1, strong_preview_tooltip(), Qt::ToolTipRole);
  branch_->setItemData(2, weak_preview_tooltip(), Qt::ToolTipRole);
  branch_->setToolTip(
      tr("What the preview shows at each step: the guided result (the picture you get), or one of the two "
         "pictures guidance compares: the strong branch (your subject with your prompt) or the weak "
         "branch (what guidance pushes away from). Each is the step's estimate of the finished image (x0)."));
  top->addWidget(new QLabel(tr("Preview"), results));
  top->addWidget(branch_);
  branch_note_ = new QLabel(results);
  branch_note_->setObjectName(QStringLiteral("branchNote"));
  branch_note_->setForegroundRole(QPalette::PlaceholderText);
  top->addWidget(branch_note_);
  top->addStretch(1);
  seed_used_ = new QLabel(results);
  seed_used_->setObjectName(QStringLiteral("seedUsed"));
  seed_used_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  top->addWidget(seed_used_);
  column->addLayout(top);
  connect(branch_, &QComboBox::currentIndexChanged, this, &GeneratePanel::branchChanged);

  preview_ = new PreviewView(results);
  column->addWidget(preview_, 1);

  auto* progress_row = new QHBoxLayout;
  progress_ = new QProgressBar(results);
  progress_->setObjectName(QStringLiteral("progress"));
  progress_->setTextVisible(false);
  progress_->setRange(0, 1);
  progress_->setValue(0);
  progress_label_ = new QLabel(results);
  progress_label_->setObjectName(QStringLiteral("progressLabel"));
  progress_label_->setMinimumWidth(
      progress_label_->fontMetrics().horizontalAdvance(QStringLiteral("step 1000/1000 · 100.0 it/s · ETA 1000 s")));
  progress_row->addWidget(progress_, 1);
  progress_row->addWidget(progress_label_);
  column->addLayout(progress_row);

  history_ = new HistoryStrip(results);
  save_image_ = new QPushButton(tr("Save Image…"), results);
  save_image_->setObjectName(QStringLiteral("saveImageButton"));
  save_image_->setToolTip(
      tr("Save the image shown, with the settings that reproduce it (PNG text and a .json "
         "beside it, as steer generate writes)"));
  save_image_->setEnabled(false);
  connect(save_image_, &QPushButton::clicked, this, [this] { saveShownImage(); });
  use_settings_ = new QPushButton(tr("Use these settings"), results);
  use_settings_->setObjectName(QStringLiteral("useSettingsButton"));
  use_settings_->setToolTip(tr("Put the chosen image's exact settings (seed included) back into the panel"));
  use_settings_->setEnabled(false);
  auto* history_row = new QHBoxLayout;
  history_row->addWidget(new QLabel(tr("History"), results));
  history_row->addStretch(1);
  history_row->addWidget(save_image_);
  history_row->addWidget(use_settings_);
  column->addLayout(history_row);
  column->addWidget(history_);
  connect(history_, &HistoryStrip::entryChosen, this, &GeneratePanel::showHistoryEntry);
  connect(use_settings_, &QPushButton::clicked, this, [this] {
    const int index = history_->selectedIndex();
    if (index >= 0) setRequest(history_->entry(index).kept.request);
  });
  preview_->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(preview_, &QWidget::customContextMenuRequested, this,
          [this](const QPoint& at) { showImageMenu(preview_, at, shown_entry_); });
  history_->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(history_, &QWidget::customContextMenuRequested, this, [this](const QPoint& at) {
    if (QListWidgetItem* item = history_->itemAt(at)) showImageMenu(history_->viewport(), at, history_->row(item));
  });
  return results;
}

void GeneratePanel::connectEngine() {
  connect(&engine_, &EngineBridge::jobStarted, this, [this](quint64 job) {
    if (job == job_) progress_label_->setText(tr("step 0/%1 · starting").arg(submitted_.steps));
  });
  connect(&engine_, &EngineBridge::jobStep, this, &GeneratePanel::showStep);
  connect(&engine_, &EngineBridge::jobImage, this, &GeneratePanel::showResult);
  connect(&engine_, &EngineBridge::jobFinished, this, [this](quint64 job) { jobEnded(job, QString()); });
  connect(&engine_, &EngineBridge::jobCancelled, this, [this](quint64 job) { jobEnded(job, tr("cancelled")); });
  connect(&engine_, &EngineBridge::jobFailed, this, [this](quint64 job, const QString& message) {
    if (job != job_) return;
    showValidationError(message);
    jobEnded(job, tr("failed"));
  });
}

steer::GenerationRequest GeneratePanel::request() const {
  steer::GenerationRequest r = base_;
  r.prompt = prompt_->toPlainText().toStdString();
  r.negative_prompt = negative_->toPlainText().toStdString();
  r.seed = seed_->value();
  r.width = width_->value();
  r.height = height_->value();
  r.steps = steps_->value();
  const QString sampler = sampler_->currentData().toString();
  r.sampler = sampler.toStdString();
  // A control the sampler does not use contributes nothing (it is disabled on screen).
  r.karras_sigmas = sampler_has_karras(sampler) && karras_->isChecked();
  r.eta = sampler_has_eta(sampler) ? eta_->value() : 0.0;

  steer::GuidanceSettings& g = r.guidance;
  g.method = steer::parse_guidance_method(method_->currentData().toString().toStdString());
  g.scale = lambda_->value();
  g.omega = omega_->schedule();
  const QString weak = weak_->currentData().toString();
  if (weak == QLatin1String("omega")) {
    g.weak.kind = steer::WeakModel::Kind::Omega;
    g.weak.omega = weak_omega_->value();
  } else if (weak == QLatin1String("checkpoint")) {
    g.weak.kind = steer::WeakModel::Kind::Checkpoint;
    g.weak.checkpoint = weak_->currentData(Qt::ToolTipRole).toString().toStdString();
  } else {
    g.weak.kind = steer::WeakModel::Kind::Base;
  }
  g.rescale = rescale_->value();
  if (interval_->isChecked()) {
    g.sigma_low = sigma_low_->value();
    g.sigma_high = sigma_high_unbounded_->isChecked() ? kInfinity : sigma_high_->value();
  } else {
    g.sigma_low = 0.0;
    g.sigma_high = kInfinity;
  }
  r.want_branch_previews = branch() != Branch::Guided;
  return r;
}

void GeneratePanel::setRequest(const steer::GenerationRequest& r) {
  base_ = r;
  prompt_->setPlainText(to_qstring(r.prompt));
  negative_->setPlainText(to_qstring(r.negative_prompt));
  random_seed_->setChecked(false);
  seed_->setValue(r.seed);
  width_->setValue(r.width);
  height_->setValue(r.height);
  steps_->setValue(r.steps);
  const int sampler = sampler_->findData(to_qstring(r.sampler));
  sampler_->setCurrentIndex(sampler >= 0 ? sampler : sampler_->findData(QStringLiteral("euler")));
  karras_->setChecked(r.karras_sigmas);
  eta_->setValue(r.eta);

  const steer::GuidanceSettings& g = r.guidance;
  method_->setCurrentIndex(method_->findData(QString::fromLatin1(steer::guidance_method_name(g.method))));
  lambda_->setValue(g.scale);
  omega_->setSteps(r.steps);
  omega_->setSchedule(g.omega);
  weak_->clear();
  weak_->addItem(tr("Pre-trained model"), QStringLiteral("base"));
  weak_->addItem(tr("Subject at weight W"), QStringLiteral("omega"));
  if (g.weak.kind == steer::WeakModel::Kind::Checkpoint) {
    // An earlier LoRA checkpoint (from a project or sweep file): kept as it is.
    weak_->addItem(tr("Checkpoint %1").arg(to_qstring(std::filesystem::path(g.weak.checkpoint).filename())),
                   QStringLiteral("checkpoint"));
    weak_->setItemData(weak_->count() - 1, to_qstring(g.weak.checkpoint), Qt::ToolTipRole);
  }
  weak_->setCurrentIndex(g.weak.kind == steer::WeakModel::Kind::Base ? 0 : g.weak.kind == steer::WeakModel::Kind::Omega ? 1 : 2);
  weak_omega_->setValue(g.weak.omega);
  weak_omega_->setEnabled(g.weak.kind == steer::WeakModel::Kind::Omega);
  rescale_->setValue(g.rescale);
  interval_->setChecked(g.has_interval());
  sigma_low_->setValue(g.sigma_low);
  sigma_high_unbounded_->setChecked(std::isinf(g.sigma_high));
  sigma_high_->setValue(std::isinf(g.sigma_high) ? 14.6 : g.sigma_high);
  sigma_low_->setEnabled(interval_->isChecked());
  sigma_high_unbounded_->setEnabled(interval_->isChecked());
  sigma_high_->setEnabled(interval_->isChecked() && !sigma_high_unbounded_->isChecked());
  samplerChanged();
  methodChanged();
  sizeChanged();
  clearValidationError();
}

void GeneratePanel::setSubjectWords(const QString& words) {
  prompt_->setPlaceholderText(words.isEmpty() ? tr("a photo of sks mug on a beach") : tr("a photo of %1 on a beach").arg(words));
}

GeneratePanel::Branch GeneratePanel::branch() const { return static_cast<Branch>(branch_->currentData().toInt()); }

void GeneratePanel::setBranch(Branch branch) { branch_->setCurrentIndex(branch_->findData(static_cast<int>(branch))); }

void GeneratePanel::samplerChanged() {
  const QString sampler = sampler_->currentData().toString();
  karras_->setEnabled(sampler_has_karras(sampler));
  eta_->setEnabled(sampler_has_eta(sampler));
}

void GeneratePanel::methodChanged() {
  const QString method = method_->currentData().toString();
  omega_group_->setEnabled(method == QLatin1String("pg"));
  omega_group_->setVisible(method == QLatin1String("pg"));
  weak_group_->setEnabled(method == QLatin1String("ag"));
  weak_group_->setVisible(method == QLatin1String("ag"));
}

void GeneratePanel::setModelGeometry(int native_side, int latent_factor) {
  native_side_ = std::max(native_side, 0);
  latent_factor_ = std::max(latent_factor, 0);
  // The sides stay as they are, within the new range (a side that is no multiple of the new
  // factor is named at Generate).
  width_->setLatentFactor(latent_factor_);
  height_->setLatentFactor(latent_factor_);
  fillSizePresets();
  sizeChanged();
}

void GeneratePanel::fillSizePresets() {
  const QSignalBlocker block(size_preset_);
  size_preset_->clear();
  size_preset_->addItem(tr("Custom"), QSize());
  if (native_side_ > 0)
    size_preset_->addItem(tr("Native %1 × %1 (this model)").arg(native_side_), QSize(native_side_, native_side_));
  size_preset_->addItem(tr("512 × 512 (SD 1.x)"), QSize(512, 512));
  size_preset_->addItem(tr("768 × 768 (SD 2.x)"), QSize(768, 768));
  size_preset_->addItem(tr("512 × 768 portrait"), QSize(512, 768));
  size_preset_->addItem(tr("768 × 512 landscape"), QSize(768, 512));
}

void GeneratePanel::sizeChanged() {
  const QSize size(width_->value(), height_->value());
  int preset = 0;
  // The first match: the native entry when an SD size is also native.
  for (int i = size_preset_->count() - 1; i >= 1; --i)
    if (size_preset_->itemData(i).toSize() == size) preset = i;
  {
    const QSignalBlocker block(size_preset_);
    size_preset_->setCurrentIndex(preset);
  }
  const QString note = native_size_note_text(size.width(), size.height(), native_side_);
  if (!note.isEmpty())
    size_note_->setText(note.toHtmlEscaped() +
                        QStringLiteral(" <a href=\"native\">%1</a>").arg(tr("Use %1×%1").arg(native_side_)));
  size_note_->setVisible(!note.isEmpty());
}

void GeneratePanel::check(const steer::GenerationRequest& request) const {
  // Sides in whole latent cells of the loaded model first: its message names the nearest
  // valid sides (core/generation/image_size.h).
  steer::check_image_size(request.width, request.height, latent_factor_);
  request.validate();
  const steer::OmegaSchedule& omega = request.guidance.omega;
  if (omega.kind == steer::OmegaSchedule::Kind::Interval && omega.interval_begin > omega.interval_end)
    throw steer::InputError("omega interval " + omega.to_string() + " starts after it ends; set From below To");
}

bool GeneratePanel::generate() {
  if (job_ != 0) return false;
  steer::GenerationRequest r = request();
  if (random_seed_->isChecked()) r.seed = static_cast<qint64>(QRandomGenerator::global()->bounded(quint64(1) << 53));
  try {
    check(r);
  } catch (const std::exception& e) {
    showValidationError(tr("Not generated: %1").arg(QString::fromStdString(e.what())));
    refusal_shown_ = true;
    return false;
  }
  if (!engine_.hasModel()) {
    showValidationError(tr("Not generated: no model is loaded. Open a model folder first."));
    return false;
  }
  clearValidationError();
  submitted_ = r;
  last_event_.reset();
  have_result_ = false;
  showSeedUsed(r.seed);
  progress_->setRange(0, r.steps);
  progress_->setValue(0);
  progress_label_->setText(tr("step 0/%1 · waiting for the engine").arg(r.steps));
  job_ = engine_.generate(r);
  setRunning(true);
  branchChanged();
  return true;
}

void GeneratePanel::cancel() {
  if (job_ == 0) return;
  engine_.cancel(job_);
  cancel_->setEnabled(false);
  progress_label_->setText(progress_label_->text() + tr(" · cancelling"));
}

void GeneratePanel::setRunning(bool running) {
  generate_->setEnabled(!running);
  cancel_->setEnabled(running);
  Q_EMIT generatingChanged(running);
}

void GeneratePanel::recheckRefusal() {
  if (!refusal_shown_) return;
  try {
    check(request());
  } catch (const std::exception&) {
    return;  // still refused: the message stays until Generate is pressed again
  }
  clearValidationError();
}

void GeneratePanel::showValidationError(const QString& message) {
  refusal_shown_ = false;
  validation_->setText(message);
  validation_->setStyleSheet(
      QStringLiteral("color: palette(bright-text); background: #b3261e; padding: 6px; border-radius: 4px;"));
  validation_->show();
}

void GeneratePanel::clearValidationError() {
  refusal_shown_ = false;
  validation_->clear();
  validation_->hide();
}

void GeneratePanel::showSeedUsed(qint64 seed) { seed_used_->setText(tr("seed %1").arg(seed)); }

void GeneratePanel::showStep(quint64 job, int /*cell*/, const steer::StepEvent& event) {
  if (job != job_) return;
  progress_->setRange(0, event.steps);
  progress_->setValue(event.step);
  const double rate = event.elapsed_seconds > 0 ? event.step / event.elapsed_seconds : 0.0;
  QString text = tr("step %1/%2").arg(event.step).arg(event.steps);
  if (rate > 0) {
    text += tr(" · %1 it/s").arg(rate, 0, 'f', 1);
    if (event.step < event.steps) text += tr(" · ETA %1 s").arg(seconds_text((event.steps - event.step) / rate));
  }
  if (!event.guided) text += tr(" · unguided");
  progress_label_->setText(text);
  // A step whose preview images were coalesced away still advances the progress above.
  if (event.preview.empty() && event.preview_strong.empty() && event.preview_weak.empty()) return;
  last_event_ = event;
  showEventPreview(event, engine_.stepEmittedAtNs());
}

void GeneratePanel::showEventPreview(const steer::StepEvent& event, qint64 stamp) {
  const steer::ImageRGBA8* image = &event.preview;
  if (branch() == Branch::Strong && !event.preview_strong.empty()) image = &event.preview_strong;
  // The weak branch is not run on an unguided step; the guided result is the strong one then.
  if (branch() == Branch::Weak && !event.preview_weak.empty()) image = &event.preview_weak;
  if (!image->empty()) preview_->setImage(to_qimage(*image), stamp);
}

void GeneratePanel::branchChanged() {
  const bool wants_branch = branch() != Branch::Guided;
  const bool running_without = job_ != 0 && wants_branch && !submitted_.want_branch_previews;
  branch_note_->setText(running_without ? tr("(from the next image on)") : QString());
  if (!last_event_) return;
  // After the run the guided view shows the final image; a branch shows its last preview.
  if (have_result_ && !wants_branch)
    preview_->setImage(current_image_);
  else
    showEventPreview(*last_event_, 0);
}

void GeneratePanel::showResult(quint64 job, int /*cell*/, const steer::GenerationResult& result) {
  if (job != job_) return;
  current_image_ = to_qimage(result.image);
  result_seconds_ = result.seconds;
  have_result_ = true;
  if (branch() == Branch::Guided || !last_event_) preview_->setImage(current_image_);
  {
    // Selecting the new entry would show it; the preview already follows the branch view.
    const QSignalBlocker block(history_);
    shown_entry_ = history_->add({current_image_, kept_image_of(result, submitted_)});
  }
  use_settings_->setEnabled(true);
  save_image_->setEnabled(true);
  Q_EMIT imageGenerated(history_->entry(shown_entry_).kept);
}

void GeneratePanel::jobEnded(quint64 job, const QString& outcome) {
  if (job != job_) return;
  job_ = 0;
  if (outcome.isEmpty()) {
    // The totals from the engine's clock (GenerationResult::seconds includes decoding).
    progress_label_->setText(tr("done · %1 steps in %2 s").arg(submitted_.steps).arg(seconds_text(result_seconds_)));
  } else {
    progress_label_->setText(tr("%1 after step %2/%3").arg(outcome).arg(progress_->value()).arg(submitted_.steps));
  }
  setRunning(false);
  branchChanged();
}

void GeneratePanel::showHistoryEntry(int index) {
  if (index < 0 || index >= history_->entryCount()) return;
  const HistoryStrip::Entry& entry = history_->entry(index);
  current_image_ = entry.image;
  shown_entry_ = index;
  preview_->setImage(current_image_);
  showSeedUsed(entry.kept.request.seed);
  use_settings_->setEnabled(true);
  save_image_->setEnabled(true);
}

void GeneratePanel::showImageMenu(QWidget* source, const QPoint& position, int entry) {
  if (entry < 0 || entry >= history_->entryCount()) return;
  QMenu menu(this);
  menu.setObjectName(QStringLiteral("imageMenu"));
  menu.addAction(tr("Save Image…"), this, [this, entry] { askAndSave(entry); });
  menu.addAction(tr("Use These Settings"), this, [this, entry] { setRequest(history_->entry(entry).kept.request); });
  menu.exec(source->mapToGlobal(position));
}

QString GeneratePanel::saveShownImage() { return askAndSave(shown_entry_); }

QString GeneratePanel::askAndSave(int index) {
  if (index < 0 || index >= history_->entryCount()) return {};
  // The folder of the last save, remembered across sessions; Pictures the first time.
  static constexpr auto kFolderSetting = "generate/saveImageFolder";
  const QString folder =
      remembered_folder(QLatin1String(kFolderSetting), QStandardPaths::writableLocation(QStandardPaths::PicturesLocation));
  FileQuestion question;
  question.kind = FileQuestion::Kind::NewFile;
  question.purpose = QStringLiteral("save-image");
  question.title = tr("Save Image");
  question.start = QDir(folder).filePath(suggested_file_name(history_->entry(index).kept));
  question.filter = tr("PNG image (*.png);;JPEG image (*.jpg);;TIFF image (*.tif)");
  const QString chosen = file_chooser_(this, question);
  if (chosen.isEmpty()) return {};
  const QString written = saveEntryTo(index, chosen);
  if (!written.isEmpty()) remember_folder_of(QLatin1String(kFolderSetting), written);
  return written;
}

QString GeneratePanel::saveEntryTo(int index, const QString& path) {
  if (index < 0 || index >= history_->entryCount()) return {};
  try {
    const QString written = save_kept_image(path, history_->entry(index).kept);
    clearValidationError();
    Q_EMIT imageSaved(written);
    return written;
  } catch (const std::exception& e) {
    showValidationError(tr("Could not save the image: %1").arg(QString::fromStdString(e.what())));
    return {};
  }
}

}  // namespace steer::ui
