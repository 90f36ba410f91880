#include "ui/board/board_text.h"

#include <QCoreApplication>

#include "core/export/sweep_exporter.h"
#include "core/guidance/guidance_method.h"
#include "ui/guidance_words.h"
#include "ui/path_text.h"

namespace steer::ui {

namespace {

// The board's own words: translated in the board's context, where they were first written.
QString tr(const char* text) { return QCoreApplication::translate("steer::ui::CompareBoard", text); }

QString q(const std::string& s) { return QString::fromStdString(s); }

QString number_text(double v) { return QString::number(v, 'g', 12); }

// "ω: 1" -> "ω: 1 (= CFG)" in a row label ("seed: 1, ω: 1").
QString omega_one_is_cfg(QString text) {
  const QString one = QStringLiteral("ω: 1");
  for (qsizetype at = text.indexOf(one); at >= 0; at = text.indexOf(one, at + one.size())) {
    const qsizetype end = at + one.size();
    if (end < text.size() && (text[end].isDigit() || text[end] == QLatin1Char('.'))) continue;
    text.insert(end, QStringLiteral(" (") + omega_is_cfg_note() + QLatin1Char(')'));
  }
  return text;
}

}  // namespace

QString describe_request(const GenerationRequest& r) {
  QString text = q(r.guidance.describe());
  // PG at ω = 1 is CFG (docs/guidance.md): say so wherever ω = 1 is shown.
  if (r.guidance.method == GuidanceMethod::Personalization && r.guidance.omega.to_string() == "1")
    text += QLatin1Char(' ') + omega_is_cfg_note();
  text += QStringLiteral(" · seed %1").arg(r.seed);
  if (!r.prompt.empty()) text += QStringLiteral(" · “%1”").arg(q(r.prompt));
  return text;
}

QString axis_title(const std::string& name) {
  if (name == "lambda") return QStringLiteral("λ");
  if (name == "omega") return QStringLiteral("ω");
  return q(name);
}

QStringList column_labels(const BoardModel& model) {
  QStringList out;
  const auto& axes = model.axes();
  if (axes.empty()) return out;
  for (const auto& label : axes[0].labels)
    out << axis_title(axes[0].name) + QStringLiteral(": ") + (axes[0].name == "omega" ? omega_label(q(label)) : q(label));
  return out;
}

QStringList row_labels(const BoardModel& model) {
  QStringList out;
  const auto& axes = model.axes();
  if (axes.size() < 2) return out;
  // The exported grid's row labels (sweep_grid_spec), so the board and grid.png agree.
  const GridSpec spec = sweep_grid_spec("", axes, CellSettings{}, static_cast<size_t>(model.cellCount()));
  for (const auto& label : spec.row_labels) {
    QString text = q(label);
    for (const auto& axis : axes)
      if (axis.name == "lambda" || axis.name == "omega")
        text.replace(q(axis.name) + QStringLiteral(": "), axis_title(axis.name) + QStringLiteral(": "));
    out << omega_one_is_cfg(text);
  }
  return out;
}

QString cell_settings_text(const BoardModel& model, int index) {
  if (!model.isCell(index)) return {};
  const BoardCell& c = model.cell(index);
  const auto& axes = model.axes();
  const GenerationRequest& r = c.request;
  const auto& g = r.guidance;
  QStringList lines;
  lines << tr("Cell: %1 of %2").arg(index + 1).arg(model.cellCount());
  for (size_t a = 0; a < axes.size() && a < c.position.size(); ++a) {
    // "–": the axis does not change this cell's image (ω for CFG): one cell for all its values.
    if (c.position[a] == kAxisNotApplicable) {
      lines << QStringLiteral("%1: %2").arg(
          axis_title(axes[a].name),
          tr("– (does not apply to %1)").arg(QString::fromLatin1(guidance_method_rule(g.method).label())));
      continue;
    }
    lines << QStringLiteral("%1: %2").arg(axis_title(axes[a].name), axes[a].name == "omega"
                                                                        ? omega_label(q(axes[a].labels[c.position[a]]))
                                                                        : q(axes[a].labels[c.position[a]]));
  }
  lines << tr("Method: %1").arg(QString::fromLatin1(guidance_method_name(g.method)));
  lines << tr("λ (guidance scale): %1").arg(number_text(g.scale));
  if (g.method == GuidanceMethod::Personalization) lines << tr("ω: %1").arg(omega_label(q(g.omega.to_string())));
  if (g.method == GuidanceMethod::Autoguidance) lines << tr("Weak model: %1").arg(q(g.weak.to_string()));
  lines << tr("Seed: %1").arg(r.seed);
  lines << tr("Prompt: %1").arg(q(r.prompt));
  if (!r.negative_prompt.empty()) lines << tr("Negative prompt: %1").arg(q(r.negative_prompt));
  lines << tr("Sampler: %1%2").arg(q(r.sampler), r.karras_sigmas ? tr(" (Karras σ)") : QString());
  lines << tr("Steps: %1").arg(r.steps);
  lines << tr("Size: %1×%2").arg(r.width).arg(r.height);
  if (r.eta > 0) lines << tr("η: %1").arg(number_text(r.eta));
  if (r.clip_skip > 0) lines << tr("CLIP skip: %1").arg(r.clip_skip);
  if (g.rescale > 0) lines << tr("CFG rescale φ: %1").arg(number_text(g.rescale));
  if (g.has_interval()) lines << tr("Guidance interval σ: %1").arg(q(g.interval_text()));
  lines << tr("Noise: %1").arg(r.noise_on_device ? q(model.sourceDevice()) : QStringLiteral("cpu"));
  if (!model.sourceModelFolder().empty()) lines << tr("Model: %1").arg(to_qstring(model.sourceModelFolder()));
  const SubjectSpec& subject = model.sourceSubject();
  if (subject.kind != SubjectSpec::Kind::None)
    lines << tr("Subject: %1 (strength %2)").arg(to_qstring(subject.path), number_text(subject.multiplier));
  if (c.hasImage() && c.seconds > 0) lines << tr("Time: %1 s").arg(c.seconds, 0, 'f', 2);
  if (!c.file.empty()) lines << tr("File: %1").arg(to_qstring(c.file));
  return lines.join(QLatin1Char('\n'));
}

}  // namespace steer::ui
