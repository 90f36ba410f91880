#pragma once
// The one engine thread (design property 2), in Qt's worker-object pattern: EngineBridge
// lives on the UI thread and queues commands to an EngineWorker that lives on its own
// QThread. Results come back as values through queued signals, so no engine object is
// ever touched from the UI thread.
#include <QObject>
#include <QString>
#include <QThread>

#include "core/engine/model_inspection.h"

Q_DECLARE_METATYPE(steer::ModelSummary)

namespace steer::ui {

// Runs engine calls; every slot executes on the engine thread.
class EngineWorker : public QObject {
  Q_OBJECT
 public Q_SLOTS:
  void loadModel(const QString& folder);

 Q_SIGNALS:
  void modelLoaded(const steer::ModelSummary& summary);
  void modelLoadFailed(const QString& folder, const QString& message);
};

// The UI's handle on the engine thread. Owned by the main window; its destructor stops
// and joins the thread (a command in progress finishes first, queued ones are dropped).
class EngineBridge : public QObject {
  Q_OBJECT
 public:
  explicit EngineBridge(QObject* parent = nullptr);
  ~EngineBridge() override;

  // True from a command's submission until its result has been delivered.
  bool isBusy() const { return pending_ > 0; }

  // Queues loading (inspecting) a diffusers model folder; modelLoaded or
  // modelLoadFailed follows, in submission order.
  void loadModel(const QString& folder);

 Q_SIGNALS:
  void modelLoaded(const steer::ModelSummary& summary);
  void modelLoadFailed(const QString& folder, const QString& message);
  void busyChanged(bool busy);

 private:
  void commandSubmitted();
  void commandFinished();

  QThread thread_;
  EngineWorker* worker_ = nullptr;  // deleted on the engine thread when it finishes
  int pending_ = 0;
};

}  // namespace steer::ui
