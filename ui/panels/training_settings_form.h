#pragma once
// Every setting of a training run the designer edits, as a form over steer::TrainingSettings:
// a preset to start from, what is trained on which base model into which folder, the
// LoRA shape, the optimiser, prior preservation, and the checkpoint and sample cadence.
// Settings without a control here (Adam's betas, the sample sampler, ...) are kept from the
// last setSettings and given back unchanged. The dataset is the Train panel's (its grid).
#include <QString>
#include <QWidget>

#include "core/training/training_settings.h"
#include "ui/widgets/file_chooser.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace steer::ui {

class ScientificSpinBox;
class SeedSpinBox;

class TrainingSettingsForm : public QWidget {
  Q_OBJECT
 public:
  explicit TrainingSettingsForm(QWidget* parent = nullptr);

  // The settings as edited. Entries that do not parse (a sample seed that is not a
  // number) are left out; inputError() names them.
  steer::TrainingSettings settings() const;
  void setSettings(const steer::TrainingSettings& settings);
  // What the form itself cannot turn into settings ("" when everything parses).
  QString inputError() const;

  // Applies a preset (steer::apply_training_preset) to the settings shown.
  void applyPreset(const QString& name);
  // The model the app has loaded: the base model field takes it while it is empty or
  // still holds the previously loaded model (the designer's own choice stays).
  void setLoadedModel(const QString& folder);
  // A model was loaded: the base model field follows it, and a form the designer has not
  // edited since it was last filled in starts from the preset that fits the model
  // (steer::training_preset_for_model) at the model's native resolution.
  void fitToModel(const QString& folder, int native_resolution);
  void setFileChooser(FileChooser chooser) { chooser_ = std::move(chooser); }

 Q_SIGNALS:
  // Any control changed (also programmatic changes).
  void edited();

 private:
  QWidget* createRunGroup();
  QWidget* createModelGroup();
  QWidget* createOptimiserGroup();
  QWidget* createPriorGroup();
  QWidget* createOutputsGroup();
  void updateEnabled();
  void chooseFolder(QLineEdit* edit, const QString& purpose, const QString& title);

  FileChooser chooser_ = ask_with_file_dialog;
  steer::TrainingSettings base_;
  QString loaded_model_;
  // The settings as last filled in automatically (construction or fitToModel), without the
  // base model and the paths: a form still equal to them has not been edited.
  std::string untouched_settings_;
  std::string settingsShape() const;

  QComboBox* preset_ = nullptr;
  QLabel* preset_note_ = nullptr;
  QComboBox* method_ = nullptr;
  QLineEdit* instance_prompt_ = nullptr;
  QLineEdit* base_model_ = nullptr;
  QLineEdit* output_ = nullptr;
  QLineEdit* output_name_ = nullptr;
  QComboBox* device_ = nullptr;

  QSpinBox* resolution_ = nullptr;
  QCheckBox* flip_ = nullptr;
  QSpinBox* rank_ = nullptr;
  QDoubleSpinBox* alpha_ = nullptr;
  QCheckBox* train_text_encoder_ = nullptr;

  QSpinBox* steps_ = nullptr;
  ScientificSpinBox* learning_rate_ = nullptr;
  QComboBox* schedule_ = nullptr;
  QSpinBox* warmup_ = nullptr;
  QSpinBox* batch_size_ = nullptr;
  QSpinBox* accumulation_ = nullptr;
  QCheckBox* min_snr_ = nullptr;
  QDoubleSpinBox* snr_gamma_ = nullptr;
  QDoubleSpinBox* noise_offset_ = nullptr;
  QComboBox* precision_ = nullptr;
  QCheckBox* gradient_checkpointing_ = nullptr;
  SeedSpinBox* seed_ = nullptr;

  QComboBox* prior_ = nullptr;
  QLineEdit* class_prompt_ = nullptr;
  QSpinBox* class_images_ = nullptr;
  QDoubleSpinBox* prior_weight_ = nullptr;

  QSpinBox* checkpoint_every_ = nullptr;
  QSpinBox* keep_checkpoints_ = nullptr;
  QSpinBox* sample_every_ = nullptr;
  QPlainTextEdit* sample_prompts_ = nullptr;
  QLineEdit* sample_seeds_ = nullptr;
  QSpinBox* sample_steps_ = nullptr;
};

}  // namespace steer::ui
