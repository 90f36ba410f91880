#include "ui/panels/training_settings_form.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>
#include <exception>

#include "ui/panels/seed_spin_box.h"
#include "ui/path_text.h"
#include "ui/widgets/scientific_spin_box.h"

namespace steer::ui {

namespace {

QSpinBox* int_box(QWidget* parent, const char* name, int low, int high, int step = 1) {
  auto* box = new QSpinBox(parent);
  box->setObjectName(QString::fromLatin1(name));
  box->setRange(low, high);
  box->setSingleStep(step);
  return box;
}

QDoubleSpinBox* number_box(QWidget* parent, const char* name, double low, double high, int decimals, double step) {
  auto* box = new QDoubleSpinBox(parent);
  box->setObjectName(QString::fromLatin1(name));
  box->setRange(low, high);
  box->setDecimals(decimals);
  box->setSingleStep(step);
  return box;
}

QLineEdit* text_edit(QWidget* parent, const char* name, const QString& placeholder) {
  auto* edit = new QLineEdit(parent);
  edit->setObjectName(QString::fromLatin1(name));
  edit->setPlaceholderText(placeholder);
  return edit;
}

QCheckBox* check_box(QWidget* parent, const char* name, const QString& text) {
  auto* box = new QCheckBox(text, parent);
  box->setObjectName(QString::fromLatin1(name));
  return box;
}

// Combo items carry the enum's value, so reading them back parses nothing.
template <class Enum>
void add_choice(QComboBox* combo, const QString& text, Enum value, const QString& tip = {}) {
  combo->addItem(text, static_cast<int>(value));
  if (!tip.isEmpty()) combo->setItemData(combo->count() - 1, tip, Qt::ToolTipRole);
}

template <class Enum>
Enum choice(const QComboBox* combo) {
  return static_cast<Enum>(combo->currentData().toInt());
}

template <class Enum>
void set_choice(QComboBox* combo, Enum value) {
  const int index = combo->findData(static_cast<int>(value));
  combo->setCurrentIndex(index >= 0 ? index : 0);
}

QComboBox* combo_box(QWidget* parent, const char* name) {
  auto* combo = new QComboBox(parent);
  combo->setObjectName(QString::fromLatin1(name));
  return combo;
}

// Sample seeds as the designer types them: "0, 1 2"; bad entries go to `errors`.
std::vector<int64_t> parse_seeds(const QString& text, QStringList* errors) {
  std::vector<int64_t> seeds;
  static const QRegularExpression separators(QStringLiteral("[,;\\s]+"));
  for (const QString& entry : text.split(separators, Qt::SkipEmptyParts)) {
    bool ok = false;
    const qint64 seed = entry.toLongLong(&ok);
    if (ok && seed >= 0)
      seeds.push_back(seed);
    else if (errors)
      *errors << entry;
  }
  return seeds;
}

QString seeds_text(const std::vector<int64_t>& seeds) {
  QStringList parts;
  for (int64_t seed : seeds) parts << QString::number(seed);
  return parts.join(QStringLiteral(", "));
}

QPushButton* browse_button(QWidget* parent, const char* name, const QString& tip) {
  auto* button = new QPushButton(QObject::tr("Choose\u2026"), parent);
  button->setObjectName(QString::fromLatin1(name));
  button->setToolTip(tip);
  return button;
}

QHBoxLayout* row_of(QWidget* field, QWidget* extra) {
  auto* row = new QHBoxLayout;
  row->addWidget(field, 1);
  row->addWidget(extra);
  return row;
}

}  // namespace

TrainingSettingsForm::TrainingSettingsForm(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("trainingSettingsForm"));
  auto* column = new QVBoxLayout(this);
  column->setContentsMargins(0, 0, 0, 0);
  column->addWidget(createRunGroup());
  column->addWidget(createModelGroup());
  column->addWidget(createOptimiserGroup());
  column->addWidget(createPriorGroup());
  column->addWidget(createOutputsGroup());
  column->addStretch(1);

  // One "edited" signal for every control: the panel re-checks the dataset and the
  // project saves itself from it.
  for (auto* w : findChildren<QLineEdit*>()) connect(w, &QLineEdit::textChanged, this, &TrainingSettingsForm::edited);
  for (auto* w : findChildren<QPlainTextEdit*>()) connect(w, &QPlainTextEdit::textChanged, this, &TrainingSettingsForm::edited);
  for (auto* w : findChildren<QSpinBox*>()) connect(w, &QSpinBox::valueChanged, this, &TrainingSettingsForm::edited);
  for (auto* w : findChildren<QDoubleSpinBox*>()) connect(w, &QDoubleSpinBox::valueChanged, this, &TrainingSettingsForm::edited);
  for (auto* w : findChildren<QComboBox*>())
    if (w != preset_) connect(w, &QComboBox::currentIndexChanged, this, &TrainingSettingsForm::edited);
  for (auto* w : findChildren<QCheckBox*>()) connect(w, &QCheckBox::toggled, this, &TrainingSettingsForm::edited);
  connect(seed_, &SeedSpinBox::valueChanged, this, &TrainingSettingsForm::edited);
  for (auto* w : findChildren<QComboBox*>())
    connect(w, &QComboBox::currentIndexChanged, this, &TrainingSettingsForm::updateEnabled);
  connect(min_snr_, &QCheckBox::toggled, this, &TrainingSettingsForm::updateEnabled);

  setSettings(steer::TrainingSettings{});
  untouched_settings_ = settingsShape();
}

std::string TrainingSettingsForm::settingsShape() const {
  steer::TrainingSettings s = settings();
  s.base_model.clear();
  s.output.clear();
  s.dataset.clear();
  return s.to_json().dump();
}

void TrainingSettingsForm::fitToModel(const QString& folder, int native_resolution) {
  setLoadedModel(folder);
  if (native_resolution <= 0 || settingsShape() != untouched_settings_) return;
  applyPreset(to_qstring(steer::training_preset_for_model(native_resolution)));
  resolution_->setValue(native_resolution);
  untouched_settings_ = settingsShape();
}

QWidget* TrainingSettingsForm::createRunGroup() {
  auto* group = new QGroupBox(tr("Run"), this);
  auto* form = new QFormLayout(group);

  preset_ = combo_box(group, "preset");
  preset_->addItem(tr("Custom"), QString());
  for (const std::string& name : steer::training_preset_names()) {
    preset_->addItem(to_qstring(name), to_qstring(name));
    preset_->setItemData(preset_->count() - 1, to_qstring(steer::training_preset_description(name)), Qt::ToolTipRole);
  }
  preset_->setToolTip(
      tr("Start from a preset: it sets the method, LoRA rank, steps, learning rate and "
         "cadence; paths and data stay"));
  form->addRow(tr("Preset"), preset_);
  preset_note_ = new QLabel(group);
  preset_note_->setObjectName(QStringLiteral("presetDescription"));
  preset_note_->setWordWrap(true);
  preset_note_->setForegroundRole(QPalette::PlaceholderText);
  preset_note_->hide();
  form->addRow(QString(), preset_note_);
  connect(preset_, &QComboBox::activated, this, [this](int index) {
    const QString name = preset_->itemData(index).toString();
    if (!name.isEmpty()) applyPreset(name);
  });

  method_ = combo_box(group, "method");
  add_choice(method_, tr("LoRA"), steer::TrainingMethod::Lora,
             tr("Low-rank adapters on the UNet's attention: a small .safetensors file"));
  add_choice(method_, tr("DreamBooth (full fine-tune)"), steer::TrainingMethod::DreamBooth,
             tr("Every UNet weight: a full diffusers model folder"));
  form->addRow(tr("Method"), method_);

  instance_prompt_ = text_edit(group, "instancePrompt", tr("a photo of sks mug"));
  instance_prompt_->setToolTip(
      tr("The caption of every photo without its own .txt caption; its rare word (sks) "
         "becomes the subject"));
  form->addRow(tr("Instance prompt"), instance_prompt_);

  base_model_ = text_edit(group, "baseModel", tr("The diffusers folder to personalise (the loaded model)"));
  auto* base_button = browse_button(group, "baseModelButton", tr("Choose the base model folder"));
  form->addRow(tr("Base model"), row_of(base_model_, base_button));
  connect(base_button, &QPushButton::clicked, this,
          [this] { chooseFolder(base_model_, QStringLiteral("training-base-model"), tr("Choose the Base Model")); });

  output_ = text_edit(group, "outputFolder", tr("The run folder: checkpoints, samples, the result"));
  output_->setToolTip(tr("Starting again on a folder that holds checkpoints continues the newest one"));
  auto* output_button = browse_button(group, "outputFolderButton", tr("Choose the run folder"));
  form->addRow(tr("Output folder"), row_of(output_, output_button));
  connect(output_button, &QPushButton::clicked, this,
          [this] { chooseFolder(output_, QStringLiteral("training-output"), tr("Choose the Run Folder")); });

  output_name_ = text_edit(group, "outputName", QStringLiteral("subject"));
  output_name_->setToolTip(tr("<name>.safetensors (LoRA) or the <name> folder (DreamBooth) in the run folder"));
  form->addRow(tr("Result name"), output_name_);

  device_ = combo_box(group, "device");
  device_->addItem(tr("CPU"), QStringLiteral("cpu"));
  device_->addItem(tr("CUDA GPU"), QStringLiteral("cuda"));
  form->addRow(tr("Device"), device_);
  return group;
}

QWidget* TrainingSettingsForm::createModelGroup() {
  auto* group = new QGroupBox(tr("Data and LoRA"), this);
  auto* form = new QFormLayout(group);
  resolution_ = int_box(group, "resolution", 64, 2048, 64);
  resolution_->setSuffix(QStringLiteral(" px"));
  resolution_->setToolTip(tr("Photos are cropped and resized to this square (512 for SD 1.x, 768 for SD 2.x)"));
  form->addRow(tr("Resolution"), resolution_);
  flip_ = check_box(group, "flip", tr("Random horizontal flips"));
  flip_->setToolTip(tr("Off for subjects that are not mirror-symmetric (text, logos)"));
  form->addRow(QString(), flip_);
  rank_ = int_box(group, "rank", 1, 1024);
  rank_->setToolTip(tr("LoRA rank r: capacity of the adapters (4–32 is typical)"));
  form->addRow(tr("Rank"), rank_);
  alpha_ = number_box(group, "alpha", 0.01, 4096, 2, 1);
  alpha_->setToolTip(tr("LoRA α: the adapters are scaled by α / r"));
  form->addRow(tr("Alpha"), alpha_);
  train_text_encoder_ = check_box(group, "trainTextEncoder", tr("Train the text encoder too"));
  form->addRow(QString(), train_text_encoder_);
  return group;
}

QWidget* TrainingSettingsForm::createOptimiserGroup() {
  auto* group = new QGroupBox(tr("Optimisation"), this);
  auto* form = new QFormLayout(group);
  steps_ = int_box(group, "steps", 1, 1'000'000, 50);
  steps_->setToolTip(tr("Optimizer steps"));
  form->addRow(tr("Steps"), steps_);
  learning_rate_ = new ScientificSpinBox(group);
  learning_rate_->setObjectName(QStringLiteral("learningRate"));
  learning_rate_->setToolTip(tr("AdamW learning rate (LoRA: about 1e-4; DreamBooth: about 5e-6)"));
  form->addRow(tr("Learning rate"), learning_rate_);
  schedule_ = combo_box(group, "lrSchedule");
  add_choice(schedule_, tr("Constant"), steer::LearningRateSchedule::Constant);
  add_choice(schedule_, tr("Constant with warmup"), steer::LearningRateSchedule::ConstantWithWarmup);
  add_choice(schedule_, tr("Cosine"), steer::LearningRateSchedule::Cosine);
  add_choice(schedule_, tr("Linear"), steer::LearningRateSchedule::Linear);
  form->addRow(tr("Schedule"), schedule_);
  warmup_ = int_box(group, "warmupSteps", 0, 1'000'000, 10);
  form->addRow(tr("Warmup steps"), warmup_);
  batch_size_ = int_box(group, "batchSize", 1, 64);
  form->addRow(tr("Batch size"), batch_size_);
  accumulation_ = int_box(group, "gradientAccumulation", 1, 256);
  accumulation_->setToolTip(tr("Micro-batches per optimizer step: a larger effective batch in the same memory"));
  form->addRow(tr("Gradient accumulation"), accumulation_);
  min_snr_ = check_box(group, "useMinSnr", tr("min-SNR γ"));
  min_snr_->setToolTip(tr("Min-SNR-γ loss weighting (Hang et al. 2023): faster, steadier training; 5 is usual"));
  snr_gamma_ = number_box(group, "snrGamma", 0.1, 100, 1, 0.5);
  form->addRow(min_snr_, snr_gamma_);
  noise_offset_ = number_box(group, "noiseOffset", 0, 1, 3, 0.01);
  noise_offset_->setToolTip(tr("Offset noise: helps very dark or bright images (0.05 is common; 0 = off)"));
  form->addRow(tr("Noise offset"), noise_offset_);
  precision_ = combo_box(group, "precision");
  add_choice(precision_, tr("fp32"), steer::TrainingPrecision::Fp32);
  add_choice(precision_, tr("bf16"), steer::TrainingPrecision::Bf16, tr("Half the activation memory (GPUs with bf16)"));
  add_choice(precision_, tr("fp16"), steer::TrainingPrecision::Fp16, tr("Half the activation memory, loss scaling"));
  precision_->setToolTip(tr("Compute precision; weights and optimizer state stay fp32"));
  form->addRow(tr("Precision"), precision_);
  gradient_checkpointing_ = check_box(group, "gradientCheckpointing", tr("Gradient checkpointing"));
  gradient_checkpointing_->setToolTip(tr("Recompute activations in the backward pass: less memory, about 30% slower"));
  form->addRow(QString(), gradient_checkpointing_);
  seed_ = new SeedSpinBox(group);
  seed_->setObjectName(QStringLiteral("trainingSeed"));
  seed_->setToolTip(tr("Seed of the noise, timesteps, crops and flips: the same seed trains the same result"));
  form->addRow(tr("Seed"), seed_);
  return group;
}

QWidget* TrainingSettingsForm::createPriorGroup() {
  auto* group = new QGroupBox(tr("Prior preservation"), this);
  auto* form = new QFormLayout(group);
  prior_ = combo_box(group, "prior");
  add_choice(prior_, tr("None"), steer::PriorPreservation::None);
  add_choice(prior_, tr("Class images"), steer::PriorPreservation::ClassImages,
             tr("Generate images of the class with the base model and train on them too"));
  add_choice(prior_, tr("Prior prediction"), steer::PriorPreservation::PriorPrediction,
             tr("Keep the base model's own prediction under the class prompt (no class images)"));
  prior_->setToolTip(tr("Keeps the model's idea of the class (\u201ca mug\u201d) while it learns the subject"));
  form->addRow(tr("Method"), prior_);
  class_prompt_ = text_edit(group, "classPrompt", tr("a photo of a mug"));
  form->addRow(tr("Class prompt"), class_prompt_);
  class_images_ = int_box(group, "classImages", 1, 10'000, 10);
  form->addRow(tr("Class images"), class_images_);
  prior_weight_ = number_box(group, "priorWeight", 0, 10, 2, 0.1);
  form->addRow(tr("Prior loss weight"), prior_weight_);
  return group;
}

QWidget* TrainingSettingsForm::createOutputsGroup() {
  auto* group = new QGroupBox(tr("Checkpoints and samples"), this);
  auto* form = new QFormLayout(group);
  checkpoint_every_ = int_box(group, "checkpointEvery", 0, 1'000'000, 50);
  checkpoint_every_->setSpecialValueText(tr("only at the end"));
  checkpoint_every_->setSuffix(tr(" steps"));
  keep_checkpoints_ = int_box(group, "keepCheckpoints", 1, 1000);
  keep_checkpoints_->setPrefix(tr("keep "));
  auto* checkpoint_row = new QHBoxLayout;
  checkpoint_row->addWidget(checkpoint_every_, 1);
  checkpoint_row->addWidget(keep_checkpoints_);
  form->addRow(tr("Checkpoint every"), checkpoint_row);
  sample_every_ = int_box(group, "sampleEvery", 0, 1'000'000, 50);
  sample_every_->setSpecialValueText(tr("never"));
  sample_every_->setSuffix(tr(" steps"));
  form->addRow(tr("Sample every"), sample_every_);
  sample_prompts_ = new QPlainTextEdit(group);
  sample_prompts_->setObjectName(QStringLiteral("samplePrompts"));
  sample_prompts_->setPlaceholderText(tr("One prompt per line, e.g. a photo of sks mug on a beach"));
  sample_prompts_->setTabChangesFocus(true);
  sample_prompts_->setFixedHeight(sample_prompts_->fontMetrics().lineSpacing() * 3 + 2 * sample_prompts_->frameWidth() + 12);
  form->addRow(tr("Sample prompts"), sample_prompts_);
  sample_seeds_ = text_edit(group, "sampleSeeds", QStringLiteral("0, 1"));
  form->addRow(tr("Sample seeds"), sample_seeds_);
  sample_steps_ = int_box(group, "sampleSteps", 1, 1000);
  sample_steps_->setToolTip(tr("Sampler steps per sample image"));
  form->addRow(tr("Sample steps"), sample_steps_);
  return group;
}

steer::TrainingSettings TrainingSettingsForm::settings() const {
  steer::TrainingSettings s = base_;
  s.method = choice<steer::TrainingMethod>(method_);
  s.instance_prompt = instance_prompt_->text().trimmed().toStdString();
  s.base_model = to_path(base_model_->text().trimmed());
  s.output = to_path(output_->text().trimmed());
  const QString name = output_name_->text().trimmed();
  s.output_name = name.isEmpty() ? std::string("subject") : name.toStdString();
  s.device = device_->currentData().toString().toStdString();

  s.resolution = resolution_->value();
  s.flip = flip_->isChecked();
  s.rank = rank_->value();
  s.alpha = alpha_->value();
  s.train_text_encoder = train_text_encoder_->isChecked();

  s.max_steps = steps_->value();
  s.learning_rate = learning_rate_->value();
  s.lr_schedule = choice<steer::LearningRateSchedule>(schedule_);
  s.warmup_steps = warmup_->value();
  s.batch_size = batch_size_->value();
  s.gradient_accumulation = accumulation_->value();
  s.snr_gamma = min_snr_->isChecked() ? std::optional<double>(snr_gamma_->value()) : std::nullopt;
  s.noise_offset = noise_offset_->value();
  s.precision = choice<steer::TrainingPrecision>(precision_);
  s.gradient_checkpointing = gradient_checkpointing_->isChecked();
  s.seed = static_cast<uint64_t>(seed_->value());

  s.prior = choice<steer::PriorPreservation>(prior_);
  s.class_prompt = class_prompt_->text().trimmed().toStdString();
  s.class_images = class_images_->value();
  s.prior_loss_weight = prior_weight_->value();

  s.checkpoint_every = checkpoint_every_->value();
  s.keep_checkpoints = keep_checkpoints_->value();
  s.sample_every = sample_every_->value();
  s.sample_prompts.clear();
  for (const QString& line : sample_prompts_->toPlainText().split(QLatin1Char('\n'))) {
    const QString prompt = line.trimmed();
    if (!prompt.isEmpty()) s.sample_prompts.push_back(prompt.toStdString());
  }
  s.sample_seeds = parse_seeds(sample_seeds_->text(), nullptr);
  s.sample_steps = sample_steps_->value();
  return s;
}

QString TrainingSettingsForm::inputError() const {
  QStringList bad;
  parse_seeds(sample_seeds_->text(), &bad);
  if (bad.isEmpty()) return {};
  return tr("sample seeds: %1 is not a whole number of 0 or more").arg(bad.join(QStringLiteral(", ")));
}

void TrainingSettingsForm::setSettings(const steer::TrainingSettings& s) {
  base_ = s;
  set_choice(method_, s.method);
  instance_prompt_->setText(to_qstring(s.instance_prompt));
  base_model_->setText(to_qstring(s.base_model));
  output_->setText(to_qstring(s.output));
  output_name_->setText(to_qstring(s.output_name));
  const int device = device_->findData(to_qstring(s.device));
  device_->setCurrentIndex(device >= 0 ? device : 0);

  resolution_->setValue(s.resolution);
  flip_->setChecked(s.flip);
  rank_->setValue(s.rank);
  alpha_->setValue(s.alpha);
  train_text_encoder_->setChecked(s.train_text_encoder);

  steps_->setValue(s.max_steps);
  learning_rate_->setValue(s.learning_rate);
  set_choice(schedule_, s.lr_schedule);
  warmup_->setValue(s.warmup_steps);
  batch_size_->setValue(s.batch_size);
  accumulation_->setValue(s.gradient_accumulation);
  min_snr_->setChecked(s.snr_gamma.has_value());
  snr_gamma_->setValue(s.snr_gamma.value_or(5.0));
  noise_offset_->setValue(s.noise_offset);
  set_choice(precision_, s.precision);
  gradient_checkpointing_->setChecked(s.gradient_checkpointing);
  seed_->setValue(static_cast<qint64>(std::min<uint64_t>(s.seed, static_cast<uint64_t>(SeedSpinBox::kMaximum))));

  set_choice(prior_, s.prior);
  class_prompt_->setText(to_qstring(s.class_prompt));
  class_images_->setValue(s.class_images);
  prior_weight_->setValue(s.prior_loss_weight);

  checkpoint_every_->setValue(s.checkpoint_every);
  keep_checkpoints_->setValue(s.keep_checkpoints);
  sample_every_->setValue(s.sample_every);
  QStringList prompts;
  for (const std::string& prompt : s.sample_prompts) prompts << to_qstring(prompt);
  sample_prompts_->setPlainText(prompts.join(QLatin1Char('\n')));
  sample_seeds_->setText(seeds_text(s.sample_seeds));
  sample_steps_->setValue(s.sample_steps);
  updateEnabled();
}

void TrainingSettingsForm::applyPreset(const QString& name) {
  steer::TrainingSettings s = settings();
  try {
    steer::apply_training_preset(s, name.toStdString());
  } catch (const std::exception& e) {
    preset_note_->setText(QString::fromStdString(e.what()));
    preset_note_->show();
    return;
  }
  setSettings(s);
  const QSignalBlocker block(preset_);
  preset_->setCurrentIndex(std::max(0, preset_->findData(name)));
  preset_note_->setText(to_qstring(steer::training_preset_description(name.toStdString())));
  preset_note_->show();
}

void TrainingSettingsForm::setLoadedModel(const QString& folder) {
  const QString shown = base_model_->text().trimmed();
  if (shown.isEmpty() || (!loaded_model_.isEmpty() && QDir::cleanPath(shown) == QDir::cleanPath(loaded_model_)))
    base_model_->setText(folder);
  loaded_model_ = folder;
}

void TrainingSettingsForm::updateEnabled() {
  const bool lora = choice<steer::TrainingMethod>(method_) == steer::TrainingMethod::Lora;
  rank_->setEnabled(lora);
  alpha_->setEnabled(lora);
  warmup_->setEnabled(choice<steer::LearningRateSchedule>(schedule_) != steer::LearningRateSchedule::Constant);
  const auto prior = choice<steer::PriorPreservation>(prior_);
  class_prompt_->setEnabled(prior != steer::PriorPreservation::None);
  prior_weight_->setEnabled(prior != steer::PriorPreservation::None);
  class_images_->setEnabled(prior == steer::PriorPreservation::ClassImages);
  snr_gamma_->setEnabled(min_snr_->isChecked());
}

void TrainingSettingsForm::chooseFolder(QLineEdit* edit, const QString& purpose, const QString& title) {
  FileQuestion question;
  question.kind =
      purpose == QLatin1String("training-output") ? FileQuestion::Kind::NewFolder : FileQuestion::Kind::ExistingFolder;
  question.purpose = purpose;
  question.title = title;
  const QString current = edit->text().trimmed();
  question.start = current.isEmpty() ? QDir::homePath() : QFileInfo(current).absolutePath();
  const QString chosen = chooser_ ? chooser_(this, question) : QString();
  if (!chosen.isEmpty()) edit->setText(QDir::cleanPath(chosen));
}

}  // namespace steer::ui
