#include "ui/board/subject_comparison.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

namespace steer::ui {

QString suggested_lambda_text(const QString& model_folder) {
  if (model_folder.isEmpty()) return {};
  QFile recipe(QDir(model_folder).filePath(QStringLiteral("recipe.json")));
  if (!recipe.open(QIODevice::ReadOnly)) return {};
  const QJsonObject object = QJsonDocument::fromJson(recipe.readAll()).object();
  if (object.value(QStringLiteral("format")).toString() == QLatin1String("steer-demo-model-recipe")) return QStringLiteral("3.5");
  return {};
}

BoardAxisTexts subject_comparison_axes(const BoardAxisTexts& current, const QStringList& prompts, const QString& model_folder) {
  BoardAxisTexts texts = current;
  texts.methods = "cfg, pg";
  texts.omegas = kFirstComparisonOmegas;
  texts.lambdas = suggested_lambda_text(model_folder).toStdString();
  if (!prompts.isEmpty()) {
    texts.prompts.clear();
    for (const QString& prompt : prompts) texts.prompts.push_back(prompt.toStdString());
  }
  return texts;
}

}  // namespace steer::ui
