#include "ui/widgets/dataset_grid.h"

#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMimeData>
#include <QPixmap>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QTimer>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <exception>

#include "ui/widgets/dataset_files.h"

namespace steer::ui {

namespace {

constexpr int kThumbnail = 88;
constexpr int kScanDelayMs = 250;

QStringList local_files(const QMimeData* mime) {
  QStringList files;
  if (!mime || !mime->hasUrls()) return files;
  for (const QUrl& url : mime->urls())
    if (url.isLocalFile()) files << url.toLocalFile();
  return files;
}

// A drop is either one folder (it becomes the dataset) or image files (copied in).
bool is_single_folder(const QStringList& files) { return files.size() == 1 && QFileInfo(files.front()).isDir(); }

bool has_images(const QStringList& files) {
  for (const QString& file : files)
    if (QFileInfo(file).isFile() && is_dataset_image(file)) return true;
  return false;
}

const char* kErrorStyle = "color: palette(bright-text); background: #b3261e; padding: 4px; border-radius: 4px;";
const char* kWarningStyle = "color: #1f1300; background: #f3c969; padding: 4px; border-radius: 4px;";

}  // namespace

DatasetGrid::DatasetGrid(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("datasetGrid"));
  setAcceptDrops(true);

  auto* column = new QVBoxLayout(this);
  column->setContentsMargins(0, 0, 0, 0);

  auto* folder_row = new QHBoxLayout;
  folder_edit_ = new QLineEdit(this);
  folder_edit_->setObjectName(QStringLiteral("datasetFolder"));
  folder_edit_->setPlaceholderText(tr("A folder of 3–20 photos of the subject, or drop photos below"));
  choose_button_ = new QPushButton(tr("Choose\u2026"), this);
  choose_button_->setObjectName(QStringLiteral("chooseDatasetButton"));
  choose_button_->setToolTip(tr("Choose the folder of subject photos"));
  folder_row->addWidget(new QLabel(tr("Photos"), this));
  folder_row->addWidget(folder_edit_, 1);
  folder_row->addWidget(choose_button_);
  column->addLayout(folder_row);
  connect(choose_button_, &QPushButton::clicked, this, &DatasetGrid::chooseFolder);
  connect(folder_edit_, &QLineEdit::editingFinished, this, [this] {
    if (QDir::cleanPath(folder_edit_->text().trimmed()) != scan_.source) setFolder(folder_edit_->text().trimmed());
  });

  thumbnails_ = new QListWidget(this);
  thumbnails_->setObjectName(QStringLiteral("datasetThumbnails"));
  thumbnails_->setViewMode(QListView::IconMode);
  thumbnails_->setFlow(QListView::LeftToRight);
  thumbnails_->setWrapping(true);
  thumbnails_->setMovement(QListView::Static);
  thumbnails_->setResizeMode(QListView::Adjust);
  thumbnails_->setIconSize(QSize(kThumbnail, kThumbnail));
  thumbnails_->setGridSize(QSize(kThumbnail + 16, kThumbnail + fontMetrics().height() + 12));
  thumbnails_->setSelectionMode(QAbstractItemView::SingleSelection);
  thumbnails_->setTextElideMode(Qt::ElideMiddle);
  // Drops go to the grid (copy into the dataset), not to the list's own item moving.
  thumbnails_->setDragDropMode(QAbstractItemView::NoDragDrop);
  thumbnails_->setAcceptDrops(false);
  thumbnails_->viewport()->setAcceptDrops(false);
  // One row of thumbnails (icon and name) and the frame: the warnings below need the room at
  // 1024x640.
  thumbnails_->setMinimumHeight(kThumbnail + fontMetrics().height() + 2 * thumbnails_->frameWidth() + 4);
  column->addWidget(thumbnails_, 1);
  connect(thumbnails_, &QListWidget::currentRowChanged, this, [this] { showSelected(); });

  summary_ = new QLabel(this);
  summary_->setObjectName(QStringLiteral("datasetSummary"));
  summary_->setWordWrap(true);
  column->addWidget(summary_);
  // The scan's warnings scroll: a folder of small photos warns about each one, and a taller
  // list would make the window grow (issue 11, item 5).
  messages_scroll_ = new QScrollArea(this);
  messages_scroll_->setObjectName(QStringLiteral("datasetMessagesScroll"));
  messages_scroll_->setFrameShape(QFrame::NoFrame);
  messages_scroll_->setWidgetResizable(true);
  messages_scroll_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  // Up to five lines, one when the window has no more room (the first line says what matters;
  // each photo's own warning is in its tooltip too).
  messages_scroll_->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
  messages_scroll_->setMinimumHeight(fontMetrics().lineSpacing() + 10);
  messages_scroll_->setMaximumHeight(fontMetrics().lineSpacing() * 5 + 12);
  messages_ = new QLabel;
  messages_->setObjectName(QStringLiteral("datasetMessages"));
  messages_->setWordWrap(true);
  messages_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  messages_scroll_->setWidget(messages_);
  messages_scroll_->hide();
  messages_->hide();
  column->addWidget(messages_scroll_);

  caption_title_ = new QLabel(tr("Caption"), this);
  caption_title_->setObjectName(QStringLiteral("captionTitle"));
  column->addWidget(caption_title_);
  auto* caption_row = new QHBoxLayout;
  caption_edit_ = new QPlainTextEdit(this);
  caption_edit_->setObjectName(QStringLiteral("captionEdit"));
  caption_edit_->setTabChangesFocus(true);
  caption_edit_->setFixedHeight(caption_edit_->fontMetrics().lineSpacing() * 2 + 2 * caption_edit_->frameWidth() + 12);
  caption_edit_->setEnabled(false);
  save_caption_ = new QPushButton(tr("Save Caption"), this);
  save_caption_->setObjectName(QStringLiteral("saveCaptionButton"));
  save_caption_->setToolTip(
      tr("Write the caption beside the photo as its .txt file (empty: remove it, so the "
         "instance prompt applies)"));
  save_caption_->setEnabled(false);
  caption_row->addWidget(caption_edit_, 1);
  caption_row->addWidget(save_caption_, 0, Qt::AlignTop);
  column->addLayout(caption_row);
  connect(save_caption_, &QPushButton::clicked, this, [this] { saveCaption(); });
  connect(caption_edit_, &QPlainTextEdit::modificationChanged, save_caption_, &QPushButton::setEnabled);

  note_ = new QLabel(this);
  note_->setObjectName(QStringLiteral("datasetNote"));
  note_->setWordWrap(true);
  note_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  note_->hide();
  column->addWidget(note_);

  watcher_ = new QFutureWatcher<DatasetScan>(this);
  connect(watcher_, &QFutureWatcher<DatasetScan>::finished, this, [this] {
    scan_ = watcher_->result();
    showScan();
    if (scan_again_) {
      scan_again_ = false;
      startScan();
    }
  });
  scan_timer_ = new QTimer(this);
  scan_timer_->setSingleShot(true);
  scan_timer_->setInterval(kScanDelayMs);
  connect(scan_timer_, &QTimer::timeout, this, &DatasetGrid::startScan);
  showScan();
}

DatasetGrid::~DatasetGrid() {
  // A scan in flight works on its own copies; its result is simply not collected.
  watcher_->disconnect(this);
}

QString DatasetGrid::folder() const {
  const QString text = folder_edit_->text().trimmed();
  return text.isEmpty() ? QString() : QDir::cleanPath(text);
}

void DatasetGrid::setFolder(const QString& folder) {
  const QString clean = folder.trimmed().isEmpty() ? QString() : QDir::cleanPath(folder.trimmed());
  if (folder_edit_->text() != clean) folder_edit_->setText(clean);
  note_->hide();
  rescan();
  Q_EMIT folderChanged(clean);
}

void DatasetGrid::setNativeSide(int native_side) {
  native_side_ = native_side;
  showMessages();
}

void DatasetGrid::showMessages() {
  if (!scan_.refusal.isEmpty()) {
    messages_->setText(tr("The trainer refuses this set: %1").arg(scan_.refusal));
    messages_->setStyleSheet(QString::fromLatin1(kErrorStyle));
    messages_->show();
    messages_scroll_->show();
    return;
  }
  if (scan_.warnings.isEmpty()) {
    messages_->clear();
    messages_->hide();
    messages_scroll_->hide();
    return;
  }
  QString text = QStringLiteral("\u26a0 ") + scan_.warnings.join(QStringLiteral("\n\u26a0 "));
  // SubjectDataset::load words a small photo "..., smaller than the WxH training size; ...".
  // Above such warnings, the first line in view: how that size compares with the model's.
  const bool small_photos = !scan_.warnings.filter(QStringLiteral("training size")).isEmpty();
  const int side = options_.resolution;
  if (small_photos && native_side_ > 0 && side == native_side_)
    text = tr("Training at this model's native %1×%1: smaller photos look soft.").arg(native_side_) + QLatin1Char('\n') + text;
  else if (small_photos && native_side_ > 0)
    text = tr("Training at %1×%1, not this model's native %2×%2: smaller photos look soft.").arg(side).arg(native_side_) +
           QLatin1Char('\n') + text;
  messages_->setText(text);
  messages_->setStyleSheet(QString::fromLatin1(kWarningStyle));
  messages_->show();
  messages_scroll_->show();
}

void DatasetGrid::setOptions(const steer::SubjectDatasetOptions& options) {
  const bool same = options.resolution == options_.resolution && options.instance_prompt == options_.instance_prompt &&
                    options.minimum_images == options_.minimum_images && options.center_crop == options_.center_crop &&
                    options.buckets == options_.buckets && options.background[0] == options_.background[0] &&
                    options.background[1] == options_.background[1] && options.background[2] == options_.background[2];
  options_ = options;
  if (!same && !folder().isEmpty()) scan_timer_->start();
}

bool DatasetGrid::isScanning() const { return watcher_->isRunning() || scan_timer_->isActive() || scan_again_; }

void DatasetGrid::rescan() {
  scan_timer_->stop();
  startScan();
}

void DatasetGrid::startScan() {
  if (watcher_->isRunning()) {
    scan_again_ = true;
    return;
  }
  const QString source = folder();
  if (source.isEmpty()) {
    scan_ = DatasetScan{};
    showScan();
    return;
  }
  summary_->setText(tr("Reading %1\u2026").arg(QDir::toNativeSeparators(source)));
  watcher_->setFuture(QtConcurrent::run(scan_dataset, source, options_, kThumbnail));
}

void DatasetGrid::showScan() {
  const QString selected_path = shown_caption_ >= 0 && shown_caption_ < thumbnails_->count()
                                    ? thumbnails_->item(shown_caption_)->data(Qt::UserRole).toString()
                                    : QString();
  {
    const QSignalBlocker block(thumbnails_);
    thumbnails_->clear();
    for (const DatasetScan::Image& image : scan_.images) {
      const QString name = QFileInfo(image.path).fileName();
      QPixmap pixmap(kThumbnail, kThumbnail);
      if (image.thumbnail.isNull())
        pixmap.fill(palette().color(QPalette::Mid));
      else
        pixmap = QPixmap::fromImage(image.thumbnail);
      auto* item = new QListWidgetItem(QIcon(pixmap), name);
      item->setData(Qt::UserRole, image.path);
      QStringList tip{QDir::toNativeSeparators(image.path)};
      tip << (image.caption.isEmpty() ? tr("Caption: the instance prompt") : tr("Caption: %1").arg(image.caption));
      if (image.thumbnail.isNull()) tip << tr("Could not be decoded");
      for (const QString& warning : scan_.warnings)
        if (warning.contains(name)) tip << warning;
      item->setToolTip(tip.join(QLatin1Char('\n')));
      thumbnails_->addItem(item);
    }
  }

  int captioned = 0;
  for (const DatasetScan::Image& image : scan_.images)
    if (!image.caption.isEmpty()) ++captioned;
  if (scan_.source.isEmpty()) {
    summary_->setText(
        tr("No photos yet: choose a folder, or drop photos here (they are copied into the "
           "dataset folder)."));
  } else {
    summary_->setText(tr("%n photo(s), %1 with its own caption; the others use the instance prompt.", nullptr,
                         static_cast<int>(scan_.images.size()))
                          .arg(captioned));
  }
  showMessages();

  // Keep the image being edited selected (its caption text stays as typed).
  int row = -1;
  for (int i = 0; i < thumbnails_->count(); ++i)
    if (thumbnails_->item(i)->data(Qt::UserRole).toString() == selected_path) row = i;
  if (row >= 0) {
    const QSignalBlocker block(thumbnails_);
    thumbnails_->setCurrentRow(row);
    shown_caption_ = row;
  } else {
    shown_caption_ = -1;
    showSelected();
  }
  Q_EMIT scanned();
}

int DatasetGrid::selectedImage() const { return thumbnails_->currentRow(); }

void DatasetGrid::selectImage(int index) { thumbnails_->setCurrentRow(index); }

void DatasetGrid::showSelected() {
  // An edit not saved yet is kept, not dropped, when the designer moves on.
  if (shown_caption_ >= 0 && caption_edit_->document()->isModified()) saveCaption();
  const int row = thumbnails_->currentRow();
  const bool has = row >= 0 && row < static_cast<int>(scan_.images.size());
  shown_caption_ = has ? row : -1;
  caption_edit_->setEnabled(has);
  if (!has) {
    caption_title_->setText(tr("Caption (select a photo)"));
    caption_edit_->clear();
    caption_edit_->setPlaceholderText(QString());
  } else {
    const DatasetScan::Image& image = scan_.images[static_cast<size_t>(row)];
    caption_title_->setText(tr("Caption of %1").arg(QFileInfo(image.path).fileName()));
    caption_edit_->setPlainText(image.caption);
    caption_edit_->setPlaceholderText(
        options_.instance_prompt.empty()
            ? tr("No caption file; set an instance prompt or write a caption")
            : tr("No caption file: \u201c%1\u201d is used").arg(QString::fromStdString(options_.instance_prompt)));
  }
  caption_edit_->document()->setModified(false);
  save_caption_->setEnabled(false);
}

bool DatasetGrid::saveCaption() {
  if (shown_caption_ < 0 || shown_caption_ >= static_cast<int>(scan_.images.size())) return false;
  DatasetScan::Image& image = scan_.images[static_cast<size_t>(shown_caption_)];
  const QString text = caption_edit_->toPlainText().trimmed();
  try {
    write_caption(image.path, text);
  } catch (const std::exception& e) {
    showNote(QString::fromStdString(e.what()), true);
    return false;
  }
  image.caption = text;
  caption_edit_->document()->setModified(false);
  save_caption_->setEnabled(false);
  showNote(text.isEmpty() ? tr("Removed the caption of %1: the instance prompt applies.").arg(QFileInfo(image.path).fileName())
                          : tr("Saved %1").arg(QFileInfo(caption_file_for(image.path)).fileName()),
           false);
  // Whether every photo has a caption decides whether the set loads without a prompt.
  scan_timer_->start();
  return true;
}

void DatasetGrid::showNote(const QString& text, bool is_error) {
  note_->setText(text);
  note_->setStyleSheet(is_error ? QString::fromLatin1(kErrorStyle) : QString());
  note_->setVisible(!text.isEmpty());
}

QString DatasetGrid::askForFolder() {
  FileQuestion question;
  question.kind = FileQuestion::Kind::NewFolder;
  question.purpose = QStringLiteral("dataset-folder");
  question.title = tr("Choose or Create the Dataset Folder");
  question.start = QDir::homePath();
  const QString chosen = chooser_ ? chooser_(this, question) : QString();
  if (chosen.isEmpty()) return {};
  if (!QDir().mkpath(chosen)) {
    showNote(tr("Could not create the dataset folder %1").arg(chosen), true);
    return {};
  }
  return QDir::cleanPath(QFileInfo(chosen).absoluteFilePath());
}

void DatasetGrid::chooseFolder() {
  FileQuestion question;
  question.kind = FileQuestion::Kind::ExistingFolder;
  question.purpose = QStringLiteral("dataset");
  question.title = tr("Choose the Folder of Subject Photos");
  question.start = folder().isEmpty() ? QDir::homePath() : folder();
  const QString chosen = chooser_ ? chooser_(this, question) : QString();
  if (!chosen.isEmpty()) setFolder(chosen);
}

QStringList DatasetGrid::addImages(const QStringList& files) {
  // A folder named but not made yet is created by the copy; without one, ask.
  QString target = folder();
  if (target.isEmpty()) {
    target = askForFolder();
    if (target.isEmpty()) return {};
    folder_edit_->setText(target);
    Q_EMIT folderChanged(target);
  }
  const DatasetCopy copy = copy_into_dataset(files, target);
  QString note;
  if (!copy.copied.isEmpty())
    note = tr("Copied %n photo(s) into %1.", nullptr, static_cast<int>(copy.copied.size())).arg(QDir::toNativeSeparators(target));
  if (!copy.skipped.isEmpty())
    note +=
        (note.isEmpty() ? QString() : QStringLiteral("\n")) + tr("Not added: %1").arg(copy.skipped.join(QStringLiteral("; ")));
  showNote(note, copy.copied.isEmpty());
  rescan();
  return copy.copied;
}

void DatasetGrid::dragEnterEvent(QDragEnterEvent* event) {
  const QStringList files = local_files(event->mimeData());
  if (is_single_folder(files) || has_images(files)) event->acceptProposedAction();
}

void DatasetGrid::dropEvent(QDropEvent* event) {
  const QStringList files = local_files(event->mimeData());
  if (is_single_folder(files)) {
    event->acceptProposedAction();
    setFolder(files.front());
    return;
  }
  if (!has_images(files)) return;
  // Copied, never moved: the originals stay where the designer keeps them.
  event->setDropAction(Qt::CopyAction);
  event->accept();
  // Deferred: a folder question inside a drop handler would run a dialog while the
  // platform's drag is still in progress.
  QTimer::singleShot(0, this, [this, files] { addImages(files); });
}

}  // namespace steer::ui
