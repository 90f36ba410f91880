#pragma once
// The one engine thread (design property 2), in Qt's worker-object pattern: EngineBridge
// lives on the UI thread and queues commands to an EngineWorker that lives on its own
// QThread and owns the one steer::Engine (the loaded model and subject). Results come
// back as values through queued signals, so no engine object is ever touched from the UI
// thread. Only a job's cancel and pause flags are shared: atomics the engine polls
// between steps. Training runs on this thread too: one thread owns the GPU, so a
// generation submitted during a training run waits for it.
#include <QObject>
#include <QString>
#include <QThread>
#include <QtGlobal>
#include <atomic>
#include <functional>
#include <map>
#include <memory>

#include "core/engine/engine.h"
#include "core/generation/generation_request.h"
#include "core/generation/sweep_plan.h"
#include "core/pipeline/model_inspection.h"
#include "core/training/training_run.h"
#include "core/training/training_settings.h"

namespace steer::ui {

// One step event on its way from the engine thread to the UI thread. `emitted_ns` is
// steady_clock time taken on the engine thread right before the event was sent, so the
// UI can measure how long the event queue held it (tests/bench/ui_latency_bench.cpp).
struct StepDelivery {
  quint64 job = 0;
  int cell = -1;
  steer::StepEvent event;
  qint64 emitted_ns = 0;
  bool counted_preview = false;  // counted in the previews-in-flight budget
};

// How a job ended: the engine's own outcome (core/engine/job.h); the message travels beside it.
using JobOutcome = steer::JobOutcome::Status;

// steady_clock now, in nanoseconds: the clock of StepDelivery::emitted_ns.
qint64 steady_now_ns();

}  // namespace steer::ui

Q_DECLARE_METATYPE(steer::ModelSummary)
Q_DECLARE_METATYPE(steer::StepEvent)
Q_DECLARE_METATYPE(steer::GenerationResult)
Q_DECLARE_METATYPE(steer::GenerationRequest)
Q_DECLARE_METATYPE(steer::SweepPlan)
Q_DECLARE_METATYPE(steer::SubjectSpec)
Q_DECLARE_METATYPE(steer::ui::StepDelivery)
Q_DECLARE_METATYPE(steer::ui::JobOutcome)
Q_DECLARE_METATYPE(steer::TrainingEvent)
Q_DECLARE_METATYPE(steer::TrainingSettings)

namespace steer::ui {

// What the bridge and the worker share about one job: the engine's job handle.
using JobControl = steer::JobControl;

// What the bridge and the worker share about the step-event queue: how many preview
// images are queued towards the UI and not yet delivered, and how many were dropped.
struct PreviewFlow {
  static constexpr int kMaxInFlight = 3;
  std::atomic<int> in_flight{0};
  std::atomic<qint64> dropped{0};
};

// Runs engine calls; every slot executes on the engine thread.
class EngineWorker : public QObject {
  Q_OBJECT
 public:
  explicit EngineWorker(std::shared_ptr<PreviewFlow> flow);
  ~EngineWorker() override;

  void loadModel(const QString& folder);
  void setSubject(const steer::SubjectSpec& subject);
  void generate(quint64 job, const std::shared_ptr<JobControl>& control, const steer::GenerationRequest& request);
  void runSweep(quint64 job, const std::shared_ptr<JobControl>& control, const steer::SweepPlan& plan);
  void train(quint64 job, const std::shared_ptr<JobControl>& control, const steer::TrainingSettings& settings);

  // Test instrumentation: called on the engine thread after every step, once its event
  // has been sent and before the next step starts (e.g. to stand in for a slow step).
  // Only touched on the engine thread (EngineBridge::setStepHookForTesting queues it).
  std::function<void(quint64 job, int cell, const steer::StepEvent&)> step_hook;
  // The same for training: called after each training event has been sent.
  std::function<void(quint64 job, const steer::TrainingEvent&)> training_hook;

 Q_SIGNALS:
  void modelLoaded(const steer::ModelSummary& summary);
  void modelLoadFailed(const QString& folder, const QString& message);
  void subjectChanged(const QString& note);
  // `still_attached`: the subject the engine kept (the one attached before; Engine::set_subject).
  void subjectFailed(const QString& message, const steer::SubjectSpec& still_attached);
  void jobStarted(quint64 job);
  void stepReady(const steer::ui::StepDelivery& delivery);
  void imageReady(quint64 job, int cell, const steer::GenerationResult& result);
  void trainingEvent(quint64 job, const steer::TrainingEvent& event);
  void jobEnded(quint64 job, steer::ui::JobOutcome outcome, const QString& message);

 private:
  // Sends one step event, without its preview images when the UI is behind.
  void sendStep(quint64 job, int cell, const steer::StepEvent& event);
  // Runs `body` unless the job was cancelled while queued, turning its end into jobEnded.
  template <class Body>
  void runJob(quint64 job, const std::shared_ptr<JobControl>& control, Body&& body);

  std::unique_ptr<steer::Engine> engine_;
  std::shared_ptr<PreviewFlow> flow_;
};

// The UI's handle on the engine thread. Owned by the main window; its destructor cancels
// every job, stops and joins the thread (a step in progress finishes first, queued
// commands are dropped).
class EngineBridge : public QObject {
  Q_OBJECT
 public:
  // At most this many step events with preview images wait in the queue towards the UI;
  // further intermediate previews are dropped (their step numbers still arrive). The
  // last step of a run always carries its preview.
  static constexpr int kMaxPreviewsInFlight = PreviewFlow::kMaxInFlight;

  explicit EngineBridge(QObject* parent = nullptr);
  ~EngineBridge() override;

  // True from a command's submission until its result has been delivered.
  bool isBusy() const { return pending_ > 0; }
  // True once a model has loaded (the last load that succeeded stays loaded).
  bool hasModel() const { return has_model_; }
  const QString& modelFolder() const { return model_folder_; }

  // Queues loading a diffusers model folder (Engine::load_model: every weight read and
  // checked); modelLoaded or modelLoadFailed follows, in submission order. The model stays
  // loaded for generation; a failed load keeps the previous one.
  void loadModel(const QString& folder);

  // Queues attaching a subject (Kind::None detaches) -> subjectChanged | subjectFailed.
  void setSubject(const steer::SubjectSpec& subject);

  // Queues one image; returns the job id at once. -> jobStarted, jobStep(job, -1, e)...,
  // jobImage(job, -1, result), jobFinished(job); or jobCancelled / jobFailed.
  quint64 generate(const steer::GenerationRequest& request);
  // Queues a sweep. Per cell: jobStep(job, cellIndex, e)..., jobImage(job, cellIndex, r);
  // then jobFinished(job). A cell computed once for identical requests still gets its
  // jobImage.
  quint64 runSweep(const steer::SweepPlan& plan);
  // Queues a training run (steer::run_training, which loads its own copy of the base model
  // and leaves the generation model alone). -> jobStarted, trainingEvent(job, e)...; then
  // jobFinished, or jobCancelled (a checkpoint was written: training again on the same
  // output folder continues it), or jobFailed with the engine's message (bad settings or
  // data, out of memory with advice, I/O).
  quint64 train(const steer::TrainingSettings& settings);
  // Sets or clears a training job's pause flag at once: the run waits after its current
  // step (TrainingEvent::Paused) until it is cleared (Resumed) or the job is cancelled.
  // Unknown or ended jobs are ignored.
  void setPaused(quint64 job, bool paused);
  bool isPaused(quint64 job) const;

  // Sets the job's cancel flag at once (not through the queue): a running job stops before
  // its next step, a queued one is skipped; jobCancelled follows. A paused job is released
  // so that it can stop. Unknown or ended jobs are ignored.
  void cancel(quint64 job);
  void cancelAll();
  // True from submission until the job's jobFinished / jobCancelled / jobFailed.
  bool isJobActive(quint64 job) const { return jobs_.count(job) != 0; }

  // While a jobStep signal is being delivered: the engine-thread steady_clock time (ns)
  // at which that step event was sent. For latency measurements.
  qint64 stepEmittedAtNs() const { return step_emitted_ns_; }
  // Intermediate preview images dropped because the UI was behind, since construction.
  qint64 droppedPreviews() const { return flow_->dropped.load(); }
  // The CPU threads torch runs the engine thread's jobs with (steer::Engine::
  // cpu_threads_of_this_thread, asked on that thread): after a model has loaded, the count
  // `steer generate` uses on the same machine (EngineOptions::cpu_threads). Waits until the
  // engine thread has finished the commands queued before it; for tests and benchmarks.
  int engineCpuThreads();

  // See EngineWorker::step_hook. Queued like a command, so it applies to jobs submitted
  // after this call.
  void setStepHookForTesting(std::function<void(quint64 job, int cell, const steer::StepEvent&)> hook);
  void setTrainingHookForTesting(std::function<void(quint64 job, const steer::TrainingEvent&)> hook);

 Q_SIGNALS:
  void modelLoaded(const steer::ModelSummary& summary);
  void modelLoadFailed(const QString& folder, const QString& message);
  void busyChanged(bool busy);

  void subjectChanged(const QString& note);
  // `still_attached`: the subject the engine kept (the one attached before; Engine::set_subject).
  void subjectFailed(const QString& message, const steer::SubjectSpec& still_attached);

  void jobStarted(quint64 job);
  void jobStep(quint64 job, int cell, const steer::StepEvent& event);
  void jobImage(quint64 job, int cell, const steer::GenerationResult& result);
  void trainingEvent(quint64 job, const steer::TrainingEvent& event);
  void jobFinished(quint64 job);
  void jobCancelled(quint64 job);
  void jobFailed(quint64 job, const QString& message);

 private:
  void commandSubmitted();
  void commandFinished();
  quint64 submitJob(std::shared_ptr<JobControl>& control);
  void deliverStep(const StepDelivery& delivery);
  void endJob(quint64 job, JobOutcome outcome, const QString& message);

  QThread thread_;
  EngineWorker* worker_ = nullptr;  // deleted on the engine thread when it finishes
  std::shared_ptr<PreviewFlow> flow_ = std::make_shared<PreviewFlow>();
  std::map<quint64, std::shared_ptr<JobControl>> jobs_;  // submitted, not yet ended
  quint64 next_job_ = 1;
  int pending_ = 0;
  bool has_model_ = false;
  QString model_folder_;
  qint64 step_emitted_ns_ = 0;
};

}  // namespace steer::ui
