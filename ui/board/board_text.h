#pragma once
// The words the compare board shows for its cells and axes, made from the model alone: a
// request in one line (tooltips, the A/B caption, the enlarged view's title), axis titles
// (λ, ω), the column and row labels (as the exported grid.png has them), and every setting
// of a cell as "name: value" lines (the enlarged view, Copy settings). QtCore only.
#include <QString>
#include <QStringList>
#include <string>

#include "core/generation/generation_request.h"
#include "ui/board/board_model.h"

namespace steer::ui {

// "PG λ=5 ω=0.5 · seed 1 · “a photo of sks mug”"
QString describe_request(const GenerationRequest& request);
// "λ" for lambda, "ω" for omega, other axes by their name.
QString axis_title(const std::string& axis_name);
// "method: cfg", ...: the first axis.
QStringList column_labels(const BoardModel& model);
// "seed: 1", ...: every combination of the other axes; empty with one axis.
QStringList row_labels(const BoardModel& model);
// Every setting of the cell, one "name: value" per line; empty for no cell.
QString cell_settings_text(const BoardModel& model, int cell);

}  // namespace steer::ui
