#include "ui/guidance_words.h"

#include <QCoreApplication>

namespace steer::ui {

namespace {
QString tr(const char* text) { return QCoreApplication::translate("steer::ui::GuidanceWords", text); }
}  // namespace

QString method_tooltip() {
  return tr(
      "<p>How each step is steered toward your prompt and subject.</p>"
      "<p><b>CFG</b>: the standard. Compares the picture with and without your prompt.<br>"
      "<b>AG</b> (autoguidance): compares your subject model with a weaker version of it: more "
      "subject, but it follows the prompt less.<br>"
      "<b>PG</b> (personalization guidance): CFG plus an extra push toward your subject that "
      "does not fight the prompt; ω sets how much.</p>"
      "<p>All three: guided = weak + λ·(strong − weak).</p>");
}

QString cfg_tooltip() {
  return tr(
      "Classifier-free guidance: your prompt against no prompt, both through the subject model. "
      "The reference the others are compared with.");
}

QString ag_tooltip() {
  return tr(
      "Autoguidance: the same prompt through your subject model and through a weaker model (the "
      "original model or an earlier checkpoint). More subject, less prompt.");
}

QString pg_tooltip() {
  return tr(
      "Personalization guidance: CFG whose no-prompt side uses a model with less of your subject, "
      "so each step leans further toward the subject. ω sets how much; ω = 1 is CFG.");
}

QString lambda_tooltip() {
  return tr(
      "<p><b>Guidance strength.</b> Higher follows the prompt (and, with AG and PG, the subject) "
      "more closely but can look harsh or over-saturated; lower is looser and more varied. "
      "Typical: 3 to 12 on Stable Diffusion; about 3.5 on the small demo model.</p>"
      "<p>λ in guided = weak + λ·(strong − weak).</p>");
}

QString omega_tooltip() {
  return tr(
      "<p><b>How much extra subject PG adds.</b> Lower ω = more subject: at 0 the no-prompt side "
      "comes from the original, pre-trained model, the strongest push toward your subject. "
      "At 1 it comes from the subject model itself: no extra push, exactly CFG (= CFG).</p>"
      "<p>θ_ω = (1−ω)·θ_pre + ω·θ_ft; weak = ε_ω(x, ∅).</p>");
}

QString guided_preview_tooltip() {
  return tr("The guided result: what the sampler uses from both branches, i.e. the picture you get.");
}

QString strong_preview_tooltip() { return tr("The strong branch alone: your subject model with your prompt, without guidance."); }

QString weak_preview_tooltip() {
  return tr(
      "The weak branch alone: what guidance pushes away from. CFG: the subject model with no prompt "
      "(or the negative prompt). AG: the weaker model with your prompt. PG: no prompt through the "
      "model with less subject (ω).");
}

QString omega_is_cfg_note() { return tr("= CFG"); }

QString omega_label(const QString& omega_text) {
  bool number = false;
  const double value = omega_text.toDouble(&number);
  if (number && value == 1.0) return omega_text + QStringLiteral(" (") + omega_is_cfg_note() + QLatin1Char(')');
  return omega_text;
}

}  // namespace steer::ui
