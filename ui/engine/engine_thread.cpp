#include "ui/engine/engine_thread.h"

#include <chrono>
#include <exception>
#include <new>
#include <utility>

#include "core/common/error.h"
#include "core/generation/cell_record.h"
#include "ui/path_text.h"

namespace steer::ui {

qint64 steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

namespace {

bool shutting_down() { return QThread::currentThread()->isInterruptionRequested(); }

QString message_of(const steer::JobOutcome& outcome) { return QString::fromStdString(outcome.message); }

// Engine::record_for, or the request alone when a weights file cannot be hashed now (it was
// readable when loaded): the image is still kept, only without the files' hashes.
steer::CellSettings record_of(const steer::Engine& engine, const steer::GenerationRequest& request) {
  try {
    return engine.record_for(request);
  } catch (const std::exception&) {
    return steer::cell_settings_for(request, {}, engine.subject(), engine.options().device);
  }
}

}  // namespace

EngineWorker::EngineWorker(std::shared_ptr<PreviewFlow> flow)
    : engine_(std::make_unique<steer::Engine>()), flow_(std::move(flow)) {}

EngineWorker::~EngineWorker() = default;

void EngineWorker::loadModel(const QString& folder) {
  // The bridge is shutting down: drop commands that have not started.
  if (shutting_down()) return;
  auto loaded = engine_->load_model(to_path(folder));
  if (loaded.finished()) {
    Q_EMIT modelLoaded(*loaded.value);
    // Hash the weights once now (cached on disk by path, size and time), so that the first
    // kept image does not wait for a 3.4 GB hash.
    record_of(*engine_, {});
  } else
    Q_EMIT modelLoadFailed(folder, message_of(loaded.outcome));
}

void EngineWorker::setSubject(const steer::SubjectSpec& subject) {
  if (shutting_down()) return;
  auto attached = engine_->set_subject(subject);
  if (attached.finished())
    Q_EMIT subjectChanged(QString::fromStdString(*attached.value));
  else
    Q_EMIT subjectFailed(message_of(attached.outcome), engine_->subject());
}

template <class Body>
void EngineWorker::runJob(quint64 job, const std::shared_ptr<JobControl>& control, Body&& body) {
  if (control->cancel.load() || shutting_down()) {
    Q_EMIT jobEnded(job, JobOutcome::Cancelled, {});
    return;
  }
  Q_EMIT jobStarted(job);
  // Every failure ends the job, never the app: the engine turns exceptions into outcomes.
  const steer::JobOutcome outcome = body();
  Q_EMIT jobEnded(job, outcome.status, message_of(outcome));
}

void EngineWorker::generate(quint64 job, const std::shared_ptr<JobControl>& control, const steer::GenerationRequest& request) {
  runJob(job, control, [&] {
    auto result = engine_->generate(
        request, [&](const steer::StepEvent& event) { sendStep(job, -1, event); }, control.get());
    if (result.finished()) {
      // The image the user may keep carries what reproduces it, computed here so the UI
      // thread never hashes weights (docs/architecture.md, "A job's life").
      result.value->record = record_of(*engine_, request);
      Q_EMIT imageReady(job, -1, *result.value);
    }
    return result.outcome;
  });
}

void EngineWorker::runSweep(quint64 job, const std::shared_ptr<JobControl>& control, const steer::SweepPlan& plan) {
  runJob(job, control, [&] {
    return engine_->run_sweep(
        plan,
        [&](const steer::SweepPlan::Cell& cell, const steer::GenerationResult& result, bool /*reused*/) {
          Q_EMIT imageReady(job, static_cast<int>(cell.index), result);
        },
        [&](const steer::SweepPlan::Cell& cell, const steer::StepEvent& event) {
          sendStep(job, static_cast<int>(cell.index), event);
        },
        control.get());
  });
}

void EngineWorker::train(quint64 job, const std::shared_ptr<JobControl>& control, const steer::TrainingSettings& settings) {
  // A run that fails (bad data, a full disk, the device out of memory) leaves its last
  // checkpoint intact and the window usable.
  runJob(job, control, [&] {
    return engine_
        ->train(
            settings,
            [&](const steer::TrainingEvent& event) {
              Q_EMIT trainingEvent(job, event);
              if (training_hook) training_hook(job, event);
            },
            control.get())
        .outcome;
  });
}

void EngineWorker::sendStep(quint64 job, int cell, const steer::StepEvent& event) {
  StepDelivery delivery{job, cell, event, 0, false};
  const bool has_preview = !event.preview.empty() || !event.preview_strong.empty() || !event.preview_weak.empty();
  if (has_preview) {
    // Coalescing: when the UI has not yet taken the last few previews, the ones in between
    // would only be painted over; drop their images (the step itself still arrives). The
    // last step of a run always carries its preview, so the view ends on the real one.
    const bool last_step = event.step >= event.steps;
    if (!last_step && flow_->in_flight.load() >= PreviewFlow::kMaxInFlight) {
      delivery.event.preview = {};
      delivery.event.preview_strong = {};
      delivery.event.preview_weak = {};
      ++flow_->dropped;
    } else {
      ++flow_->in_flight;
      delivery.counted_preview = true;
    }
  }
  delivery.emitted_ns = steady_now_ns();
  Q_EMIT stepReady(delivery);
  if (step_hook) step_hook(job, cell, event);
}

EngineBridge::EngineBridge(QObject* parent) : QObject(parent) {
  qRegisterMetaType<steer::ModelSummary>();
  qRegisterMetaType<steer::StepEvent>();
  qRegisterMetaType<steer::GenerationResult>();
  qRegisterMetaType<steer::GenerationRequest>();
  qRegisterMetaType<steer::SweepPlan>();
  qRegisterMetaType<steer::SubjectSpec>();
  qRegisterMetaType<steer::ui::StepDelivery>();
  qRegisterMetaType<steer::ui::JobOutcome>();
  qRegisterMetaType<steer::TrainingEvent>();
  qRegisterMetaType<steer::TrainingSettings>();
  thread_.setObjectName(QStringLiteral("steer-engine"));
  worker_ = new EngineWorker(flow_);
  worker_->moveToThread(&thread_);
  connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
  connect(
      worker_, &EngineWorker::modelLoaded, this,
      [this](const steer::ModelSummary& summary) {
        has_model_ = true;
        model_folder_ = to_qstring(summary.folder);
        commandFinished();
        Q_EMIT modelLoaded(summary);
      },
      Qt::QueuedConnection);
  connect(
      worker_, &EngineWorker::modelLoadFailed, this,
      [this](const QString& folder, const QString& message) {
        commandFinished();
        Q_EMIT modelLoadFailed(folder, message);
      },
      Qt::QueuedConnection);
  connect(
      worker_, &EngineWorker::subjectChanged, this,
      [this](const QString& note) {
        commandFinished();
        Q_EMIT subjectChanged(note);
      },
      Qt::QueuedConnection);
  connect(
      worker_, &EngineWorker::subjectFailed, this,
      [this](const QString& message, const steer::SubjectSpec& still_attached) {
        commandFinished();
        Q_EMIT subjectFailed(message, still_attached);
      },
      Qt::QueuedConnection);
  connect(worker_, &EngineWorker::jobStarted, this, &EngineBridge::jobStarted, Qt::QueuedConnection);
  connect(worker_, &EngineWorker::stepReady, this, &EngineBridge::deliverStep, Qt::QueuedConnection);
  connect(worker_, &EngineWorker::imageReady, this, &EngineBridge::jobImage, Qt::QueuedConnection);
  connect(worker_, &EngineWorker::trainingEvent, this, &EngineBridge::trainingEvent, Qt::QueuedConnection);
  connect(worker_, &EngineWorker::jobEnded, this, &EngineBridge::endJob, Qt::QueuedConnection);
  thread_.start();
}

EngineBridge::~EngineBridge() {
  cancelAll();
  thread_.requestInterruption();
  thread_.quit();
  thread_.wait();
}

void EngineBridge::loadModel(const QString& folder) {
  commandSubmitted();
  QMetaObject::invokeMethod(
      worker_, [worker = worker_, folder] { worker->loadModel(folder); }, Qt::QueuedConnection);
}

void EngineBridge::setSubject(const steer::SubjectSpec& subject) {
  commandSubmitted();
  QMetaObject::invokeMethod(
      worker_, [worker = worker_, subject] { worker->setSubject(subject); }, Qt::QueuedConnection);
}

quint64 EngineBridge::submitJob(std::shared_ptr<JobControl>& control) {
  const quint64 job = next_job_++;
  control = std::make_shared<JobControl>();
  jobs_.emplace(job, control);
  commandSubmitted();
  return job;
}

quint64 EngineBridge::generate(const steer::GenerationRequest& request) {
  std::shared_ptr<JobControl> control;
  const quint64 job = submitJob(control);
  QMetaObject::invokeMethod(
      worker_, [worker = worker_, job, control, request] { worker->generate(job, control, request); }, Qt::QueuedConnection);
  return job;
}

quint64 EngineBridge::runSweep(const steer::SweepPlan& plan) {
  std::shared_ptr<JobControl> control;
  const quint64 job = submitJob(control);
  QMetaObject::invokeMethod(
      worker_, [worker = worker_, job, control, plan] { worker->runSweep(job, control, plan); }, Qt::QueuedConnection);
  return job;
}

quint64 EngineBridge::train(const steer::TrainingSettings& settings) {
  std::shared_ptr<JobControl> control;
  const quint64 job = submitJob(control);
  QMetaObject::invokeMethod(
      worker_, [worker = worker_, job, control, settings] { worker->train(job, control, settings); }, Qt::QueuedConnection);
  return job;
}

void EngineBridge::setPaused(quint64 job, bool paused) {
  if (auto it = jobs_.find(job); it != jobs_.end()) it->second->pause.store(paused);
}

bool EngineBridge::isPaused(quint64 job) const {
  const auto it = jobs_.find(job);
  return it != jobs_.end() && it->second->pause.load();
}

void EngineBridge::cancel(quint64 job) {
  if (auto it = jobs_.find(job); it != jobs_.end()) {
    it->second->cancel.store(true);
    it->second->pause.store(false);
  }
}

void EngineBridge::cancelAll() {
  for (auto& [job, control] : jobs_) {
    control->cancel.store(true);
    control->pause.store(false);
  }
}

int EngineBridge::engineCpuThreads() {
  int threads = 0;
  QMetaObject::invokeMethod(
      worker_, [&threads] { threads = steer::Engine::cpu_threads_of_this_thread(); }, Qt::BlockingQueuedConnection);
  return threads;
}

void EngineBridge::setStepHookForTesting(std::function<void(quint64, int, const steer::StepEvent&)> hook) {
  QMetaObject::invokeMethod(
      worker_, [worker = worker_, hook = std::move(hook)] { worker->step_hook = hook; }, Qt::QueuedConnection);
}

void EngineBridge::setTrainingHookForTesting(std::function<void(quint64, const steer::TrainingEvent&)> hook) {
  QMetaObject::invokeMethod(
      worker_, [worker = worker_, hook = std::move(hook)] { worker->training_hook = hook; }, Qt::QueuedConnection);
}

void EngineBridge::deliverStep(const StepDelivery& delivery) {
  step_emitted_ns_ = delivery.emitted_ns;
  Q_EMIT jobStep(delivery.job, delivery.cell, delivery.event);
  // Counted out only once the receivers have handled (converted, scheduled a paint of) it.
  if (delivery.counted_preview) --flow_->in_flight;
}

void EngineBridge::endJob(quint64 job, JobOutcome outcome, const QString& message) {
  jobs_.erase(job);
  commandFinished();
  switch (outcome) {
    case JobOutcome::Finished:
      Q_EMIT jobFinished(job);
      break;
    case JobOutcome::Cancelled:
      Q_EMIT jobCancelled(job);
      break;
    case JobOutcome::Failed:
      Q_EMIT jobFailed(job, message);
      break;
  }
}

void EngineBridge::commandSubmitted() {
  if (pending_++ == 0) Q_EMIT busyChanged(true);
}

void EngineBridge::commandFinished() {
  if (--pending_ == 0) Q_EMIT busyChanged(false);
}

}  // namespace steer::ui
