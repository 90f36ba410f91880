#include "core/export/sweep_exporter.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <set>

#include "core/common/error.h"
#include "core/export/a1111_parameters.h"
#include "core/export/export_files.h"
#include "core/export/grid_image.h"
#include "core/export/png_text.h"
#include "core/imageio/image_file.h"

namespace steer {
namespace fs = std::filesystem;

namespace {

constexpr int kFormatVersion = 1;

std::string lower_ascii(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string csv_field(const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos && (value.empty() || (value.front() != ' ' && value.back() != ' ')))
    return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

// The settings as (column, text) pairs, in settings_to_json's order.
std::vector<std::pair<std::string, std::string>> settings_as_text(const CellSettings& s) {
  std::vector<std::pair<std::string, std::string>> fields;
  const json::Value object = settings_to_json(s);
  for (const auto& [key, value] : object.as_object()) {
    std::string text;
    if (key == "seed")
      text = std::to_string(s.seed);
    else if (value.is_string())
      text = value.as_string();
    else if (value.is_bool())
      text = value.as_bool() ? "true" : "false";
    else if (value.is_number())
      text = format_number(value.as_number());
    fields.emplace_back(key, std::move(text));
  }
  return fields;
}

// The encoder does not always report a full disk (OpenImageIO's PNG writer leaves a
// truncated file and says nothing), so the written bytes are checked: PNG chunk by chunk,
// JPEG by its end marker, anything else by decoding it.
void check_encoded_image(const fs::path& path, const std::string& bytes) {
  const std::string extension = lower_ascii(path.extension().string());
  bool complete = true;
  if (extension == ".png") {
    complete = export_detail::png_is_complete(bytes);
  } else if (extension == ".jpg" || extension == ".jpeg") {
    complete = bytes.size() >= 4 && static_cast<unsigned char>(bytes[0]) == 0xFF &&
               static_cast<unsigned char>(bytes[1]) == 0xD8 && static_cast<unsigned char>(bytes[bytes.size() - 2]) == 0xFF &&
               static_cast<unsigned char>(bytes[bytes.size() - 1]) == 0xD9;
  } else {
    try {
      (void)read_image(path);
    } catch (const std::exception&) {
      complete = false;
    }
  }
  if (complete) return;
  std::string reason = "the file on disk is incomplete";
  std::error_code ec;
  const fs::space_info space = fs::space(path.parent_path(), ec);
  if (!ec && space.available < (1u << 20)) reason = "No space left on device (the file on disk is incomplete)";
  throw Error("Could not write " + path.string() + ": " + reason);
}

// An axis position as JSON: null where the axis does not apply to the cell.
json::Value position_array(const std::vector<size_t>& values) {
  json::Array a;
  for (size_t v : values) a.emplace_back(v == kAxisNotApplicable ? json::Value(nullptr) : json::Value(static_cast<uint64_t>(v)));
  return json::Value(std::move(a));
}

// Whether two cells claim the same grid place: equal along every axis, where a position that
// does not apply stands for every value of its axis.
bool same_place(const std::vector<size_t>& a, const std::vector<size_t>& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i)
    if (a[i] != b[i] && a[i] != kAxisNotApplicable && b[i] != kAxisNotApplicable) return false;
  return true;
}

}  // namespace

SweepExporter::~SweepExporter() { abort(); }

void SweepExporter::begin(const SweepExportOptions& options, const std::vector<SweepAxis>& axes) {
  if (in_progress()) throw Error("An export is already in progress (into " + staging_.string() + ")");
  validate_name_template(options.name_template);
  if (options.parent_folder.empty()) throw InputError("No folder was chosen for the export");

  std::string extension = options.image_extension.empty() ? ".png" : options.image_extension;
  if (extension.front() != '.') extension.insert(0, ".");
  if (extension.find_first_of("/\\") != std::string::npos || extension.size() < 2)
    throw InputError("\"" + options.image_extension + "\" is not an image file extension (expected e.g. .png)");

  std::set<std::string> names;
  size_t total = axes.empty() ? 0 : 1;
  for (size_t i = 0; i < axes.size(); ++i) {
    if (axes[i].name.empty()) throw InputError("Sweep axis " + std::to_string(i + 1) + " has no name");
    if (!names.insert(axes[i].name).second) throw InputError("Two sweep axes are both named \"" + axes[i].name + "\"");
    if (axes[i].labels.empty()) throw InputError("The sweep axis \"" + axes[i].name + "\" has no values");
    total *= axes[i].labels.size();
  }

  const fs::path parent = options.parent_folder;
  std::error_code ec;
  if (fs::exists(parent, ec) && !fs::is_directory(parent, ec))
    throw Error("Cannot export the set into " + parent.string() + ": it is not a folder. Choose a writable folder.");
  fs::create_directories(parent, ec);
  if (ec)
    throw Error("Cannot export the set into " + parent.string() + ": the folder cannot be created (" + ec.message() +
                "). Choose a writable folder.");

  const std::string set_name = safe_file_stem(options.set_name.empty() ? std::string("sweep") : options.set_name);
  fs::path staging;
  for (int attempt = 0;; ++attempt) {
    staging = parent / ("." + set_name + ".partial-" + export_detail::random_tag());
    if (::mkdir(staging.c_str(), 0777) == 0) break;
    const int err = errno;
    if (err == EEXIST && attempt < 16) continue;
    throw Error("Cannot export the set into " + parent.string() + ": a folder cannot be created there (" + std::strerror(err) +
                "). Choose a writable folder.");
  }

  options_ = options;
  if (options_.set_name.empty()) options_.set_name = "sweep";
  folder_name_ = set_name;
  options_.image_extension = extension;
  axes_ = axes;
  records_.clear();
  namer_ = UniqueNamer();
  index_width_ = index_width_for(total);
  staging_ = staging;
}

std::string SweepExporter::add(const SweepCell& cell) {
  if (!in_progress()) throw Error("SweepExporter::add called without an export in progress (call begin first)");
  try {
    return add_cell(cell);
  } catch (...) {
    abort();
    throw;
  }
}

fs::path SweepExporter::finish() {
  if (!in_progress()) throw Error("SweepExporter::finish called without an export in progress (call begin first)");
  try {
    return finish_set();
  } catch (...) {
    abort();
    throw;
  }
}

void SweepExporter::abort() noexcept {
  if (staging_.empty()) return;
  std::error_code ignored;
  fs::remove_all(staging_, ignored);
  staging_.clear();
  records_.clear();
  namer_ = UniqueNamer();
}

void SweepExporter::write_checked(const fs::path& file, const std::function<void()>& write) {
  try {
    if (options_.before_write) options_.before_write(file);
    write();
  } catch (const Error&) {
    throw;  // already names the file and the reason
  } catch (const std::exception& e) {
    throw Error("Could not write " + file.string() + ": " + e.what());
  }
}

void SweepExporter::write_text(const fs::path& file, const std::string& content) {
  write_checked(file, [&] { export_detail::write_bytes_atomically(file, content); });
}

json::Value SweepExporter::axis_values(const std::vector<size_t>& position) const {
  json::Object values;
  for (size_t i = 0; i < axes_.size() && i < position.size(); ++i)
    values.emplace_back(axes_[i].name,
                        position[i] == kAxisNotApplicable ? json::Value(nullptr) : json::Value(axes_[i].labels[position[i]]));
  return json::Value(std::move(values));
}

std::string SweepExporter::add_cell(const SweepCell& cell) {
  const std::string which = "Cell " + std::to_string(cell.index);
  if (cell.axis_position.size() != axes_.size())
    throw InputError(which + " has " + std::to_string(cell.axis_position.size()) + " axis positions, but the sweep has " +
                     std::to_string(axes_.size()) + " axes");
  for (size_t i = 0; i < axes_.size(); ++i) {
    // Only the grid's columns can be spanned (a cell standing for every value of the axis).
    if (cell.axis_position[i] == kAxisNotApplicable) {
      if (i == 0) continue;
      throw InputError(which + " says the axis \"" + axes_[i].name +
                       "\" does not apply to it; only the first axis (the grid's columns) may");
    }
    if (cell.axis_position[i] >= axes_[i].labels.size())
      throw InputError(which + " lies at position " + std::to_string(cell.axis_position[i]) + " of the axis \"" + axes_[i].name +
                       "\", which has only " + std::to_string(axes_[i].labels.size()) + " values");
  }
  for (const Record& r : records_) {
    if (r.index == cell.index) throw InputError(which + " was added twice");
    if (!axes_.empty() && same_place(r.axis_position, cell.axis_position))
      throw InputError(which + " lies at the same axis position as cell " + std::to_string(r.index));
  }
  const ImageRGBA8& image = cell.image;
  if (image.empty() || image.width < 0 || image.height < 0 ||
      image.pixels.size() != static_cast<size_t>(image.width) * image.height * 4)
    throw InputError(which + " has no image to write (its image is empty or its pixel buffer has the wrong size)");

  Record record;
  record.index = cell.index;
  record.axis_position = cell.axis_position;
  record.settings = cell.settings;
  record.width = image.width;
  record.height = image.height;
  record.seconds = cell.seconds;
  const std::string stem = namer_.claim(expand_name_template(options_.name_template, cell.settings, cell.index, index_width_));
  record.file = stem + options_.image_extension;
  const std::string parameters = a1111_parameters(cell.settings);

  const bool png = lower_ascii(options_.image_extension) == ".png";
  const bool ascii =
      std::all_of(parameters.begin(), parameters.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  std::vector<std::pair<std::string, std::string>> metadata;
  if (!cell.settings.software_version.empty()) metadata.emplace_back("Software", cell.settings.software_version);
  const fs::path image_path = staging_ / record.file;
  if (png && !ascii) {
    // OpenImageIO writes text as tEXt, which readers decode as Latin-1; UTF-8 text goes
    // into an iTXt chunk added to the encoded file, as A1111 does for such prompts.
    const fs::path encoded = staging_ / ("." + stem + ".encoding" + options_.image_extension);
    write_checked(image_path, [&] {
      try {
        write_image(encoded, image, metadata);
        const std::string bytes = export_detail::read_bytes(encoded);
        check_encoded_image(image_path, bytes);
        fs::remove(encoded);
        export_detail::write_bytes_atomically(image_path, export_detail::insert_png_itxt(bytes, "parameters", parameters));
      } catch (...) {
        std::error_code ignored;
        fs::remove(encoded, ignored);
        throw;
      }
    });
  } else {
    // "parameters" is what A1111 and the tools that read its PNGs look for.
    metadata.emplace_back(png ? "parameters" : "ImageDescription", parameters);
    write_checked(image_path, [&] {
      write_image(image_path, image, metadata);
      check_encoded_image(image_path, export_detail::read_bytes(image_path));
      export_detail::sync_file(image_path);
    });
  }

  if (options_.write_sidecars) {
    record.sidecar = stem + ".json";
    json::Object sidecar;
    sidecar.emplace_back("format", "steer-sweep-cell");
    sidecar.emplace_back("format_version", kFormatVersion);
    sidecar.emplace_back("file", record.file);
    sidecar.emplace_back("index", static_cast<uint64_t>(record.index));
    sidecar.emplace_back("axis_position", position_array(record.axis_position));
    sidecar.emplace_back("axis_values", axis_values(record.axis_position));
    sidecar.emplace_back("seconds", record.seconds);
    sidecar.emplace_back("settings", settings_to_json(record.settings));
    if (!cell.request.is_null()) sidecar.emplace_back("request", cell.request);
    sidecar.emplace_back("parameters", parameters);
    write_text(staging_ / record.sidecar, json::Value(std::move(sidecar)).dump(2) + "\n");
  }
  records_.push_back(std::move(record));
  return records_.back().file;
}

std::string SweepExporter::index_json() const {
  json::Object root;
  root.emplace_back("format", "steer-sweep");
  root.emplace_back("format_version", kFormatVersion);
  root.emplace_back("set_name", options_.set_name);
  root.emplace_back("software_version", records_.front().settings.software_version);
  root.emplace_back("cell_count", static_cast<uint64_t>(records_.size()));
  root.emplace_back("grid", options_.write_grid ? json::Value("grid.png") : json::Value(nullptr));
  json::Array prompt_grids;  // [{"file": "grid-prompt-1.png", "prompt": ...}, ...]
  const std::vector<std::string> prompt_files = options_.write_grid ? prompt_grid_files() : std::vector<std::string>{};
  for (const SweepAxis& axis : axes_)
    if (axis.name == "prompt")
      for (size_t k = 0; k < prompt_files.size() && k < axis.labels.size(); ++k)
        prompt_grids.emplace_back(json::Object{{"file", prompt_files[k]}, {"prompt", axis.labels[k]}});
  root.emplace_back("prompt_grids", std::move(prompt_grids));
  json::Array axes;
  for (const SweepAxis& axis : axes_) {
    json::Array labels(axis.labels.begin(), axis.labels.end());
    axes.emplace_back(json::Object{{"name", axis.name}, {"labels", std::move(labels)}});
  }
  root.emplace_back("axes", std::move(axes));
  json::Array cells;
  for (const Record& r : records_) {
    json::Object cell;
    cell.emplace_back("index", static_cast<uint64_t>(r.index));
    cell.emplace_back("file", r.file);
    cell.emplace_back("sidecar", r.sidecar.empty() ? json::Value(nullptr) : json::Value(r.sidecar));
    cell.emplace_back("axis_position", position_array(r.axis_position));
    cell.emplace_back("axis_values", axis_values(r.axis_position));
    cell.emplace_back("seconds", r.seconds);
    cell.emplace_back("settings", settings_to_json(r.settings));
    cells.emplace_back(std::move(cell));
  }
  root.emplace_back("cells", std::move(cells));
  return json::Value(std::move(root)).dump(2) + "\n";
}

std::string SweepExporter::index_csv() const {
  std::vector<std::string> header = {"index", "file"};
  for (const SweepAxis& axis : axes_) header.push_back("axis:" + axis.name);
  for (const auto& [key, value] : settings_as_text(CellSettings{})) header.push_back(key);
  header.push_back("seconds");

  std::string csv;
  auto add_row = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) csv += ',';
      csv += csv_field(row[i]);
    }
    csv += "\r\n";  // RFC 4180
  };
  add_row(header);
  for (const Record& r : records_) {
    std::vector<std::string> row = {std::to_string(r.index), r.file};
    for (size_t i = 0; i < axes_.size(); ++i)  // empty where the axis does not apply
      row.push_back(r.axis_position[i] == kAxisNotApplicable ? std::string() : axes_[i].labels[r.axis_position[i]]);
    for (auto& [key, value] : settings_as_text(r.settings)) row.push_back(std::move(value));
    row.push_back(format_number(r.seconds));
    add_row(row);
  }
  return csv;
}

size_t sweep_grid_row(const std::vector<SweepAxis>& axes, const std::vector<size_t>& axis_position) {
  size_t row = 0;
  for (size_t a = 1; a < axes.size() && a < axis_position.size(); ++a) row = row * axes[a].labels.size() + axis_position[a];
  return row;
}

namespace {

// How the grid names an axis: λ and ω as the guidance docs write them (the bitmap font draws
// both), the others by their name.
std::string axis_word(const std::string& name) {
  if (name == "lambda") return "λ";
  if (name == "omega") return "ω";
  return name;
}

bool has_axis(const std::vector<SweepAxis>& axes, const std::string& name) {
  return std::any_of(axes.begin(), axes.end(), [&](const SweepAxis& a) { return a.name == name; });
}

}  // namespace

GridSpec sweep_grid_spec(const std::string& set_name, const std::vector<SweepAxis>& axes, const CellSettings& shared,
                         size_t cell_count) {
  GridSpec spec;
  spec.header_lines.push_back(set_name);
  // What the images share: the model and subject, the prompt when it is not an axis.
  std::string who;
  if (!shared.model_name.empty()) who = "model: " + shared.model_name;
  if (!shared.subject_name.empty())
    who += (who.empty() ? "" : " | ") + std::string("subject: ") + shared.subject_name + " (strength " +
           format_number(shared.subject_scale) + ")";
  if (!who.empty()) spec.header_lines.push_back(who);
  if (!has_axis(axes, "prompt") && !shared.prompt.empty()) spec.header_lines.push_back("prompt: " + shared.prompt);
  if (axes.empty()) {
    spec.columns = cell_count;
    spec.rows = 1;
  } else {
    spec.columns = axes[0].labels.size();
    spec.column_labels = axes[0].labels;
    spec.rows = 1;
    for (size_t a = 1; a < axes.size(); ++a) spec.rows *= axes[a].labels.size();
    std::string layout = "columns: " + axis_word(axes[0].name);
    if (axes.size() > 1) {
      spec.corner_label = axis_word(axes[0].name) + ":";
      layout += " | rows: ";
      for (size_t a = 1; a < axes.size(); ++a) layout += (a > 1 ? " × " : "") + axis_word(axes[a].name);
      spec.row_labels.resize(spec.rows);
      for (size_t row = 0; row < spec.rows; ++row) {
        // Rows enumerate the other axes with the last one changing fastest (sweep_grid_row).
        size_t rest = row;
        std::vector<std::string> lines(axes.size());
        for (size_t a = axes.size() - 1; a >= 1; --a) {
          const size_t n = axes[a].labels.size();
          lines[a] = axis_word(axes[a].name) + ": " + axes[a].labels[rest % n];
          rest /= n;
        }
        for (size_t a = 1; a < axes.size(); ++a) spec.row_labels[row] += (a > 1 ? "\n" : "") + lines[a];
      }
    }
    spec.header_lines.push_back(layout);
  }
  // The settings that are not axes.
  std::string fixed;
  auto add = [&](const std::string& part) { fixed += (fixed.empty() ? "" : " | ") + part; };
  if (!has_axis(axes, "method") && !shared.method.empty()) add("method: " + shared.method);
  if (!has_axis(axes, "lambda")) add("λ: " + format_number(shared.lambda));
  if (!has_axis(axes, "omega") && !shared.omega.empty()) add("ω: " + shared.omega);
  if (!has_axis(axes, "seed")) add("seed: " + std::to_string(shared.seed));
  add(shared.sampler + (shared.karras ? " karras" : "") + ", " + std::to_string(shared.steps) + " steps");
  add(std::to_string(shared.width) + "x" + std::to_string(shared.height));
  spec.header_lines.push_back(fixed);
  return spec;
}

void SweepExporter::write_grid_image(const std::string& file, const std::string& title, const std::vector<SweepAxis>& axes,
                                     const std::vector<GridCell>& cells) {
  const CellSettings& first = cells.front().record->settings;
  GridSpec spec = sweep_grid_spec(title, axes, first, cells.size());
  spec.max_cell_side = options_.grid_max_cell_side;
  int longest = 1;
  for (const GridCell& c : cells) longest = std::max({longest, c.record->width, c.record->height});
  spec.image_upscale = grid_upscale_factor(options_.grid_upscale, longest, options_.grid_max_cell_side);
  std::vector<GridTile> tiles;
  for (size_t i = 0; i < cells.size(); ++i) {
    const Record& r = *cells[i].record;
    const std::vector<size_t>& position = cells[i].position;
    const fs::path path = staging_ / r.file;
    // A cell the column axis does not apply to is one tile across the row's columns.
    const bool spans = !axes.empty() && position[0] == kAxisNotApplicable;
    const size_t column = axes.empty() ? i : spans ? 0 : position[0];
    GridTile tile{column, sweep_grid_row(axes, position), r.width, r.height, [path] { return read_image(path); }};
    if (spans) tile.column_span = axes[0].labels.size();
    tiles.push_back(std::move(tile));
  }
  const fs::path grid_path = staging_ / file;
  write_checked(grid_path, [&] {
    const ImageRGBA8 grid = compose_grid(spec, tiles);
    std::vector<std::pair<std::string, std::string>> metadata;
    if (!first.software_version.empty()) metadata.emplace_back("Software", first.software_version);
    write_image(grid_path, grid, metadata);
  });
}

std::vector<std::string> SweepExporter::prompt_grid_files() const {
  std::vector<std::string> files;
  for (const SweepAxis& axis : axes_)
    if (axis.name == "prompt" && axis.labels.size() > 1)
      for (size_t k = 0; k < axis.labels.size(); ++k) files.push_back("grid-prompt-" + std::to_string(k + 1) + ".png");
  return files;
}

void SweepExporter::write_grid() {
  std::vector<GridCell> all;
  for (const Record& r : records_) all.push_back({&r, r.axis_position});
  write_grid_image("grid.png", options_.set_name, axes_, all);
  // With several prompts, one grid per prompt as well: the other axes around one prompt,
  // written out in full in its header.
  const auto prompt_axis = std::find_if(axes_.begin(), axes_.end(), [](const SweepAxis& a) { return a.name == "prompt"; });
  if (prompt_axis == axes_.end() || prompt_axis->labels.size() < 2) return;
  const size_t p = static_cast<size_t>(prompt_axis - axes_.begin());
  std::vector<SweepAxis> others = axes_;
  others.erase(others.begin() + static_cast<std::ptrdiff_t>(p));
  const std::vector<std::string> files = prompt_grid_files();
  for (size_t k = 0; k < prompt_axis->labels.size(); ++k) {
    std::vector<GridCell> cells;
    for (const Record& r : records_) {
      if (r.axis_position[p] != k) continue;
      std::vector<size_t> position = r.axis_position;
      position.erase(position.begin() + static_cast<std::ptrdiff_t>(p));
      cells.push_back({&r, std::move(position)});
    }
    if (cells.empty()) continue;
    write_grid_image(files[k], options_.set_name + " - prompt " + std::to_string(k + 1), others, cells);
  }
}

fs::path SweepExporter::finish_set() {
  if (records_.empty()) throw InputError("Nothing to export: no image was added to the set");
  std::sort(records_.begin(), records_.end(), [](const Record& a, const Record& b) { return a.index < b.index; });
  write_text(staging_ / "index.json", index_json());
  write_text(staging_ / "index.csv", index_csv());
  if (options_.write_grid) write_grid();
  export_detail::sync_folder(staging_);

  const fs::path parent = options_.parent_folder;
  for (int n = 1; n < 100000; ++n) {
    const std::string name = n == 1 ? folder_name_ : folder_name_ + "-" + std::to_string(n);
    const fs::path target = parent / name;
    if (export_detail::rename_folder_no_replace(staging_, target)) {
      export_detail::sync_folder(parent);
      staging_.clear();
      records_.clear();
      namer_ = UniqueNamer();
      return target;
    }
  }
  throw Error("Could not find a free folder name for \"" + folder_name_ + "\" in " + parent.string());
}

}  // namespace steer
