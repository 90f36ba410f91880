#pragma once
// The sample images a training run renders every few steps, newest last, as thumbnails;
// each one's tooltip names its step, prompt and seed, so a designer can see when the
// subject appeared and when it began to overfit.
#include <QImage>
#include <QListWidget>
#include <QString>
#include <vector>

namespace steer::ui {

class TrainingSampleStrip : public QListWidget {
  Q_OBJECT
 public:
  struct Sample {
    QImage image;
    int step = 0;
    QString prompt;
    qint64 seed = 0;
    QString file;  // the PNG the run saved ("" when it saved none)
  };

  explicit TrainingSampleStrip(QWidget* parent = nullptr);

  void add(Sample sample);
  // Drops the samples after `step` (a run resumed from the checkpoint at `step` renders
  // them again).
  void removeAfter(int step);
  void clearSamples();
  int sampleCount() const { return static_cast<int>(samples_.size()); }
  const Sample& sample(int index) const { return samples_.at(static_cast<size_t>(index)); }

  QSize sizeHint() const override;

 private:
  std::vector<Sample> samples_;
};

}  // namespace steer::ui
