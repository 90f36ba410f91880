#include "ui/export/kept_image.h"

#include "core/export/image_export.h"
#include "core/generation/cell_record.h"
#include "core/generation/request_json.h"
#include "core/guidance/guidance_settings.h"
#include "ui/path_text.h"

namespace steer::ui {

KeptImage kept_image_of(const steer::GenerationResult& result, const steer::GenerationRequest& submitted) {
  KeptImage kept;
  kept.pixels = result.image;
  kept.request = submitted;
  kept.record = result.record ? *result.record : steer::cell_settings_for(submitted, {}, {}, "");
  kept.seconds = result.seconds;
  return kept;
}

QString suggested_file_name(const KeptImage& image) {
  return QStringLiteral("%1-seed%2.png")
      .arg(QString::fromLatin1(steer::guidance_method_name(image.request.guidance.method)))
      .arg(image.request.seed);
}

QString save_kept_image(const QString& wanted, const KeptImage& image) {
  const std::filesystem::path written =
      steer::export_image(to_path(wanted), image.pixels, image.record, image.seconds, steer::request_to_json(image.request));
  return to_qstring(written);
}

}  // namespace steer::ui
