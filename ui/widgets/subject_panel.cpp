#include "ui/widgets/subject_panel.h"

#include <QDir>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

#include "core/training/subject_trigger.h"
#include "ui/path_text.h"

namespace steer::ui {

namespace {

QLabel* value_label(const char* object_name, QWidget* parent) {
  auto* label = new QLabel(parent);
  label->setObjectName(QString::fromLatin1(object_name));
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  label->setWordWrap(true);
  return label;
}

QString display_name(const QString& path) {
  const QString name = QFileInfo(QDir::cleanPath(path)).fileName();
  return name.isEmpty() ? path : name;
}

}  // namespace

QString SubjectPanel::kindText(steer::SubjectSpec::Kind kind) {
  switch (kind) {
    case steer::SubjectSpec::Kind::None:
      return tr("None");
    case steer::SubjectSpec::Kind::Lora:
      return tr("LoRA");
    case steer::SubjectSpec::Kind::FineTuned:
      return tr("Fine-tuned model");
  }
  return {};
}

QString SubjectPanel::describe(const steer::SubjectSpec& subject) {
  return QStringLiteral("%1 %2").arg(kindText(subject.kind), to_qstring(subject.path));
}

SubjectPanel::SubjectPanel(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("subjectPanel"));

  auto* box = new QGroupBox(tr("Subject"), this);
  state_ = value_label("subjectState", box);
  kind_ = value_label("subjectKindValue", box);
  path_ = value_label("subjectPathValue", box);
  note_ = value_label("subjectNoteValue", box);
  trigger_ = value_label("subjectTriggerValue", box);

  strength_ = new QDoubleSpinBox(box);
  strength_->setObjectName(QStringLiteral("subjectStrength"));
  strength_->setRange(0.0, 2.0);
  strength_->setSingleStep(0.05);
  strength_->setDecimals(2);
  strength_->setValue(1.0);
  strength_->setToolTip(tr("How strongly the LoRA changes the model: 1 = as trained, 0 = not at all, above 1 = exaggerated."));
  connect(strength_, &QDoubleSpinBox::editingFinished, this, [this] {
    if (attached_.kind == steer::SubjectSpec::Kind::Lora && attached_.multiplier != strength_->value())
      Q_EMIT loraStrengthEdited(strength_->value());
  });

  auto* facts = new QFormLayout;
  facts->addRow(tr("Attached:"), kind_);
  facts->addRow(tr("File:"), path_);
  facts->addRow(tr("Trigger word:"), trigger_);
  facts->addRow(tr("Engine:"), note_);
  facts->addRow(tr("LoRA strength:"), strength_);

  attach_lora_ = new QPushButton(tr("Attach &LoRA\u2026"), box);
  attach_lora_->setObjectName(QStringLiteral("attachLoraButton"));
  attach_lora_->setToolTip(tr("Attach a LoRA .safetensors file (kohya or diffusers naming)."));
  attach_fine_tuned_ = new QPushButton(tr("Attach &Fine-tuned Model\u2026"), box);
  attach_fine_tuned_->setObjectName(QStringLiteral("attachFineTunedButton"));
  attach_fine_tuned_->setToolTip(tr("Attach a fine-tuned diffusers folder of the same architecture."));
  detach_ = new QPushButton(tr("&Detach"), box);
  detach_->setObjectName(QStringLiteral("detachSubjectButton"));
  recent_button_ = new QToolButton(box);
  recent_button_->setObjectName(QStringLiteral("recentSubjectsButton"));
  recent_button_->setText(tr("Recent"));
  recent_button_->setPopupMode(QToolButton::InstantPopup);
  recent_menu_ = new QMenu(recent_button_);
  recent_menu_->setObjectName(QStringLiteral("recentSubjectsMenu"));
  recent_button_->setMenu(recent_menu_);
  connect(recent_menu_, &QMenu::aboutToShow, this, &SubjectPanel::rebuildRecentMenu);

  connect(attach_lora_, &QPushButton::clicked, this, &SubjectPanel::attachLoraRequested);
  connect(attach_fine_tuned_, &QPushButton::clicked, this, &SubjectPanel::attachFineTunedRequested);
  connect(detach_, &QPushButton::clicked, this, &SubjectPanel::detachRequested);

  auto* buttons = new QHBoxLayout;
  buttons->addWidget(attach_lora_);
  buttons->addWidget(attach_fine_tuned_);
  buttons->addWidget(detach_);
  buttons->addWidget(recent_button_);
  buttons->addStretch(1);

  auto* inner = new QVBoxLayout(box);
  inner->addWidget(state_);
  inner->addLayout(facts);
  inner->addLayout(buttons);

  auto* outer = new QVBoxLayout(this);
  outer->setContentsMargins(0, 0, 0, 0);
  outer->addWidget(box);

  rebuildRecentMenu();
  showDetached();
}

double SubjectPanel::loraStrength() const { return strength_->value(); }

void SubjectPanel::setLoraStrength(double multiplier) { strength_->setValue(multiplier); }

void SubjectPanel::setModelLoaded(bool loaded) {
  model_loaded_ = loaded;
  if (!loaded && !hasSubject())
    state_->setText(
        tr("Open a model first; then attach a LoRA file or a fine-tuned model folder, or drop one "
           "onto the window."));
  updateButtons();
}

void SubjectPanel::showAttaching(const steer::SubjectSpec& subject) {
  busy_ = true;
  state_->setText(tr("Attaching %1\u2026").arg(display_name(to_qstring(subject.path))));
  updateButtons();
}

void SubjectPanel::showAttached(const steer::SubjectSpec& subject, const QString& note) {
  busy_ = false;
  attached_ = subject;
  if (subject.kind == steer::SubjectSpec::Kind::None) {
    showDetached();
    return;
  }
  const QString path = to_qstring(subject.path);
  state_->setText(tr("%1 is attached. Generate compares it with the base model.").arg(display_name(path)));
  kind_->setText(subject.kind == steer::SubjectSpec::Kind::Lora ? tr("LoRA at strength %1").arg(subject.multiplier, 0, 'g', 3)
                                                                : kindText(subject.kind));
  path_->setText(path);
  note_->setText(note.isEmpty() ? tr("No extra memory beside the base model.") : note);
  if (subject.kind == steer::SubjectSpec::Kind::Lora) strength_->setValue(subject.multiplier);
  showTrigger(subject);
  recent_.add(path);
  updateButtons();
}

void SubjectPanel::showDetached() {
  busy_ = false;
  attached_ = {};
  state_->setText(model_loaded_ ? tr("No subject attached. Attach a LoRA file or a fine-tuned model folder, or "
                                     "drop one onto the window.")
                                : tr("Open a model first; then attach a LoRA file or a fine-tuned model folder, or "
                                     "drop one onto the window."));
  kind_->setText(kindText(steer::SubjectSpec::Kind::None));
  path_->clear();
  note_->clear();
  showTrigger({});
  updateButtons();
}

void SubjectPanel::showTrigger(const steer::SubjectSpec& subject) {
  const QString before = trigger_words_;
  trigger_words_.clear();
  trigger_->clear();
  trigger_->setToolTip({});
  if (subject.kind != steer::SubjectSpec::Kind::None) findTrigger(subject);
  if (trigger_words_ != before) Q_EMIT triggerWordsChanged(trigger_words_);
}

void SubjectPanel::findTrigger(const steer::SubjectSpec& subject) {
  // A header and a small JSON file at most: quick enough for the UI thread.
  if (const auto found = steer::find_subject_trigger(subject.path)) {
    trigger_words_ = QString::fromStdString(found->words);
    trigger_->setText(tr("<b>%1</b> (use it in prompts)").arg(trigger_words_.toHtmlEscaped()));
    trigger_->setToolTip(tr("The words the subject was trained with, from %1. A prompt calls up the subject "
                            "with them, e.g. “a photo of %2 on a beach”.")
                             .arg(QString::fromStdString(found->source), trigger_words_));
  } else {
    trigger_->setText(tr("not recorded"));
    trigger_->setToolTip(
        tr("The subject's file says nothing about its trigger word: use the words it was "
           "trained with (e.g. “sks mug”)."));
  }
}

void SubjectPanel::showFailed(const steer::SubjectSpec& subject, const QString& message,
                              const steer::SubjectSpec& still_attached) {
  busy_ = false;
  const bool kept = still_attached.kind != steer::SubjectSpec::Kind::None;
  if (!kept || still_attached.path != attached_.path) {
    attached_ = still_attached;
    kind_->setText(kindText(attached_.kind));
    path_->setText(kept ? to_qstring(attached_.path) : QString());
    note_->clear();
    showTrigger(attached_);
  }
  const QString failed = tr("Could not attach %1:\n%2").arg(display_name(to_qstring(subject.path)), message);
  state_->setText(kept ? failed + tr("\nStill attached: %1").arg(display_name(to_qstring(attached_.path))) : failed);
  updateButtons();
}

void SubjectPanel::showPending(const steer::SubjectSpec& subject, const QString& why) {
  busy_ = false;
  attached_ = {};
  kind_->setText(kindText(subject.kind));
  path_->setText(to_qstring(subject.path));
  note_->clear();
  state_->setText(why);
  showTrigger(attached_);
  updateButtons();
}

void SubjectPanel::updateButtons() {
  attach_lora_->setEnabled(model_loaded_ && !busy_);
  attach_fine_tuned_->setEnabled(model_loaded_ && !busy_);
  detach_->setEnabled(model_loaded_ && !busy_ && hasSubject());
  recent_button_->setEnabled(model_loaded_ && !busy_);
}

void SubjectPanel::rebuildRecentMenu() {
  recent_menu_->clear();
  const QStringList paths = recent_.paths();
  for (int i = 0; i < paths.size(); ++i) {
    const QString path = paths[i];
    const QString kind = QFileInfo(path).isDir() ? tr("fine-tuned") : tr("LoRA");
    QAction* action = recent_menu_->addAction(QStringLiteral("&%1 %2 (%3)").arg(i + 1).arg(display_name(path), kind), this,
                                              [this, path] { Q_EMIT recentSubjectRequested(path); });
    action->setStatusTip(path);
    action->setToolTip(path);
  }
  if (paths.isEmpty()) recent_menu_->addAction(tr("No recent subjects"))->setEnabled(false);
  recent_menu_->addSeparator();
  QAction* clear = recent_menu_->addAction(tr("&Clear List"), this, [this] { recent_.clear(); });
  clear->setEnabled(!paths.isEmpty());
}

}  // namespace steer::ui
