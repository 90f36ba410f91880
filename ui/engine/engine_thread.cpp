#include "ui/engine/engine_thread.h"

#include <exception>

#include "core/common/error.h"
#include "ui/path_text.h"

namespace steer::ui {

void EngineWorker::loadModel(const QString& folder) {
  // The bridge is shutting down: drop commands that have not started.
  if (QThread::currentThread()->isInterruptionRequested()) return;
  try {
    ModelSummary summary = inspect_model_folder(to_path(folder));
    Q_EMIT modelLoaded(summary);
  } catch (const steer::Error& e) {
    Q_EMIT modelLoadFailed(folder, QString::fromStdString(e.what()));
  } catch (const std::exception& e) {
    // Anything else (out of memory, a torch error) is a bug or an environment problem,
    // but the window must survive it and the user must see it.
    Q_EMIT modelLoadFailed(folder, QStringLiteral("Unexpected error: %1").arg(QString::fromStdString(e.what())));
  }
}

EngineBridge::EngineBridge(QObject* parent) : QObject(parent) {
  qRegisterMetaType<steer::ModelSummary>();
  thread_.setObjectName(QStringLiteral("steer-engine"));
  worker_ = new EngineWorker;
  worker_->moveToThread(&thread_);
  connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
  connect(worker_, &EngineWorker::modelLoaded, this,
          [this](const steer::ModelSummary& summary) {
            commandFinished();
            Q_EMIT modelLoaded(summary);
          },
          Qt::QueuedConnection);
  connect(worker_, &EngineWorker::modelLoadFailed, this,
          [this](const QString& folder, const QString& message) {
            commandFinished();
            Q_EMIT modelLoadFailed(folder, message);
          },
          Qt::QueuedConnection);
  thread_.start();
}

EngineBridge::~EngineBridge() {
  thread_.requestInterruption();
  thread_.quit();
  thread_.wait();
}

void EngineBridge::loadModel(const QString& folder) {
  commandSubmitted();
  QMetaObject::invokeMethod(worker_, [worker = worker_, folder] { worker->loadModel(folder); },
                            Qt::QueuedConnection);
}

void EngineBridge::commandSubmitted() {
  if (pending_++ == 0) Q_EMIT busyChanged(true);
}

void EngineBridge::commandFinished() {
  if (--pending_ == 0) Q_EMIT busyChanged(false);
}

}  // namespace steer::ui
