#include "ui/getting_started.h"

#include <QCoreApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace steer::ui {

namespace {
QString tr(const char* text) { return QCoreApplication::translate("steer::ui::GettingStarted", text); }
}  // namespace

QString getting_started_text() {
  return tr(
      "<h3>Getting started</h3>"
      "<p><b>1. Open a model.</b> File &gt; Open Model Folder… and choose a Stable Diffusion model in "
      "diffusers form (a folder with model_index.json). The small demo model in "
      "<i>resources/demo-model</i> runs in seconds on any computer.</p>"
      "<p><b>2. Bring your subject.</b> On the Model tab, attach a LoRA file or a fine-tuned model "
      "folder, or drop one onto the window. No subject yet? The Train tab teaches the model a "
      "subject from a few photos. The Subject panel shows the subject's trigger word, e.g. "
      "“sks emblem”: write it in your prompts.</p>"
      "<p><b>3. Generate.</b> On the Generate tab write a prompt such as “a photo of sks emblem on a "
      "beach” and press Generate (Ctrl+Return). <b>Method</b> chooses how each step is steered: "
      "CFG is the standard; PG (personalization guidance) adds an extra push toward your subject. "
      "<b>λ</b> is how strongly the guidance acts. <b>ω</b> (PG only) is how much subject PG adds: "
      "lower ω = more subject, and ω = 1 is exactly CFG. Hover over any setting for a short "
      "explanation.</p>"
      "<p><b>4. Compare.</b> The Compare tab runs a board of images over methods, λ, ω, seeds and "
      "prompts side by side. Click two cells and press Space to flip between them (A/B); "
      "Export… saves the images, a grid and their settings.</p>"
      "<p>More: the README (“The first minutes”), and docs/guidance.md for what each method computes.</p>");
}

QDialog* open_getting_started(QWidget* parent) {
  auto* dialog = new QDialog(parent);
  dialog->setObjectName(QStringLiteral("gettingStartedDialog"));
  dialog->setWindowTitle(tr("Getting Started"));
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  auto* text = new QTextBrowser(dialog);
  text->setObjectName(QStringLiteral("gettingStartedText"));
  text->setHtml(getting_started_text());
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
  QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
  auto* layout = new QVBoxLayout(dialog);
  layout->addWidget(text);
  layout->addWidget(buttons);
  dialog->resize(560, 460);
  dialog->show();
  return dialog;
}

}  // namespace steer::ui
