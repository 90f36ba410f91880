#pragma once
// The subject beside the base model: a LoRA file or a fine-tuned model folder. Shows what
// is attached, what the engine says it costs, and offers attach, detach and the recent
// subjects. The panel asks nothing itself: the main window answers its requests (file
// questions, the engine, the project), so there is one place that decides.
#include <QWidget>

#include "core/generation/generation_request.h"
#include "ui/project/recent_list.h"

class QDoubleSpinBox;
class QLabel;
class QMenu;
class QPushButton;
class QToolButton;

namespace steer::ui {

class SubjectPanel : public QWidget {
  Q_OBJECT
 public:
  explicit SubjectPanel(QWidget* parent = nullptr);

  // The strength a LoRA is attached at (SubjectSpec::multiplier).
  double loraStrength() const;
  void setLoraStrength(double multiplier);

  // Attach and detach need a loaded model.
  void setModelLoaded(bool loaded);
  void showAttaching(const steer::SubjectSpec& subject);
  // `note` is the engine's line about the subject (memory cost), possibly empty.
  void showAttached(const steer::SubjectSpec& subject, const QString& note);
  void showDetached();
  // `subject` could not be attached; `still_attached` is what the engine kept (the subject
  // attached before: a broken file dropped on the window costs the designer nothing).
  void showFailed(const steer::SubjectSpec& subject, const QString& message, const steer::SubjectSpec& still_attached);
  // The project remembers a subject whose file is gone, or one not attached yet.
  void showPending(const steer::SubjectSpec& subject, const QString& why);

  const steer::SubjectSpec& attached() const { return attached_; }
  // The attached subject's trigger words ("sks emblem"), read from its training record
  // (core/training/subject_trigger.h) when it is attached; empty when unknown or detached.
  const QString& triggerWords() const { return trigger_words_; }
  bool hasSubject() const { return attached_.kind != steer::SubjectSpec::Kind::None; }

  // Most recent first, in QSettings ("recentSubjects").
  RecentList& recentSubjects() { return recent_; }

  static QString kindText(steer::SubjectSpec::Kind kind);
  // "LoRA /path/file.safetensors": the kind and the path, for the log and error details.
  static QString describe(const steer::SubjectSpec& subject);

 Q_SIGNALS:
  void attachLoraRequested();
  void attachFineTunedRequested();
  void detachRequested();
  void recentSubjectRequested(const QString& path);
  // The strength changed while a LoRA is attached: re-attach at the new strength.
  void loraStrengthEdited(double multiplier);
  // triggerWords() changed (a subject attached, detached or failed).
  void triggerWordsChanged(const QString& words);

 private:
  void rebuildRecentMenu();
  void updateButtons();
  void showTrigger(const steer::SubjectSpec& subject);
  void findTrigger(const steer::SubjectSpec& subject);

  steer::SubjectSpec attached_;
  QString trigger_words_;
  bool model_loaded_ = false;
  bool busy_ = false;
  RecentList recent_{QStringLiteral("recentSubjects")};

  QLabel* state_ = nullptr;
  QLabel* kind_ = nullptr;
  QLabel* path_ = nullptr;
  QLabel* note_ = nullptr;
  QLabel* trigger_ = nullptr;
  QDoubleSpinBox* strength_ = nullptr;
  QPushButton* attach_lora_ = nullptr;
  QPushButton* attach_fine_tuned_ = nullptr;
  QPushButton* detach_ = nullptr;
  QToolButton* recent_button_ = nullptr;
  QMenu* recent_menu_ = nullptr;
};

}  // namespace steer::ui
