#pragma once
// The words the app uses to explain guidance to a designer (issue 11, item 6): what Method,
// λ, ω and the preview branches mean, plain language first and the formula after it
// (docs/guidance.md). One place, so the Generate panel, the ω editor and the compare board
// say the same thing. QtCore only.
#include <QString>

namespace steer::ui {

QString method_tooltip();
// One line per method, for the method choice's items.
QString cfg_tooltip();
QString ag_tooltip();
QString pg_tooltip();
QString lambda_tooltip();
// ω: which end means more subject, and that 1 is CFG.
QString omega_tooltip();
// The preview choices.
QString guided_preview_tooltip();
QString strong_preview_tooltip();
QString weak_preview_tooltip();
// "= CFG" for ω = 1 (docs/guidance.md: PG at ω = 1 is CFG to the bit).
QString omega_is_cfg_note();
// "0.5", or "1 (= CFG)" for ω text that is exactly constant 1.
QString omega_label(const QString& omega_text);

}  // namespace steer::ui
