#pragma once
// The board a subject is first compared on (steer-studio --compare-prompts, and Compare
// after training): CFG against PG at ω values below 1, where PG differs from CFG
// (docs/guidance.md, "Personalization guidance": ω = 1 is CFG), at a λ that suits the
// model. Issue 11, item 1: the first comparison a designer sees shows a difference. QtCore only.
#include <QString>
#include <QStringList>

#include "ui/board/board_plan.h"

namespace steer::ui {

// The ω values the first comparison shows: the full push, half and a quarter of it.
inline constexpr const char* kFirstComparisonOmegas = "0, 0.5, 0.75";

// The λ that suits the model in `model_folder`, as the board's λ text: "3.5" for the demo
// model (its recipe.json says "steer-demo-model-recipe"; docs/tradeoff.md: CFG at λ 3.5 is
// its Pareto-optimal CFG setting), "" (the Generate panel's λ) for any other model.
QString suggested_lambda_text(const QString& model_folder);

// `current` with methods "cfg, pg", the first comparison's ω values, the model's λ and the
// prompts (when given; else the Generate panel's prompt). Seeds are kept.
BoardAxisTexts subject_comparison_axes(const BoardAxisTexts& current, const QStringList& prompts, const QString& model_folder);

}  // namespace steer::ui
