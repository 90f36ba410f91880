// Exporting a sweep end to end: a 3 (lambda) x 2 (method) sweep of small synthetic images
// goes through SweepExporter into a folder, and everything written is read back.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/export/a1111_parameters.h"
#include "core/export/grid_image.h"
#include "core/export/image_metadata.h"
#include "core/export/sweep_exporter.h"
#include "core/formats/json.h"
#include "core/imageio/image_file.h"
#include "tests/support/temp_folder.h"
#include "tests/support/test_harness.h"

using namespace steer;
namespace fs = std::filesystem;
using steer::testing::TempFolder;

namespace {

const std::vector<SweepAxis> kAxes = {
    {"lambda", {"3", "7.5", "12"}},
    {"method", {"cfg", "pg"}},
};
const double kLambdas[] = {3, 7.5, 12};

// A 64x64 image: a solid colour per cell, plus a white diagonal and a cell-specific
// square so that a mix-up of cells or rows would show.
ImageRGBA8 pattern_image(size_t cell) {
  ImageRGBA8 image(64, 64);
  for (int y = 0; y < 64; ++y)
    for (int x = 0; x < 64; ++x) {
      uint8_t* p = image.pixel(x, y);
      p[0] = static_cast<uint8_t>(30 + 40 * cell);
      p[1] = static_cast<uint8_t>(200 - 30 * cell);
      p[2] = static_cast<uint8_t>((x * 4) & 0xff);
      p[3] = 255;
      if (x == y) p[0] = p[1] = p[2] = 255;
      if (x >= 8 + 6 * static_cast<int>(cell) && x < 14 + 6 * static_cast<int>(cell) && y >= 50 && y < 56) p[0] = p[1] = p[2] = 0;
    }
  return image;
}

std::vector<SweepCell> make_cells() {
  std::vector<SweepCell> cells;
  size_t index = 0;
  for (size_t m = 0; m < 2; ++m)
    for (size_t l = 0; l < 3; ++l) {
      SweepCell cell;
      cell.index = index;
      cell.axis_position = {l, m};
      CellSettings& s = cell.settings;
      s.method = m == 0 ? "cfg" : "pg";
      s.lambda = kLambdas[l];
      s.omega = m == 0 ? "" : "linear:0.2->0.8";
      s.seed = 1000 + static_cast<int64_t>(index);
      s.prompt = "a photo of sks dog, café";
      s.negative_prompt = "blurry";
      s.width = 64;
      s.height = 64;
      s.steps = 20 + static_cast<int>(index);
      s.sampler = "euler";
      s.karras = index % 2 == 1;
      s.guidance_interval = m == 1 ? "sigma:0.28-5.42" : "";
      s.model_name = "tiny-sd";
      s.model_hash = "deadbeef01";
      s.subject_name = "sks_dog";
      s.subject_hash = "0badc0de";
      s.subject_scale = 0.75;
      s.software_version = "Steer Studio 0.1.0";
      cell.image = pattern_image(index);
      cell.seconds = 0.5 * static_cast<double>(index + 1);
      cells.push_back(std::move(cell));
      ++index;
    }
  return cells;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> folder_entries(const fs::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

fs::path export_sweep(const fs::path& parent, const std::string& set_name, SweepExportOptions options = {}) {
  options.parent_folder = parent;
  options.set_name = set_name;
  SweepExporter exporter;
  exporter.begin(options, kAxes);
  for (const SweepCell& cell : make_cells()) exporter.add(cell);
  return exporter.finish();
}

bool has_ink(const ImageRGBA8& image, int x0, int y0, int x1, int y1, Rgba8 background) {
  for (int y = std::max(0, y0); y < std::min(y1, image.height); ++y)
    for (int x = std::max(0, x0); x < std::min(x1, image.width); ++x) {
      const uint8_t* p = image.pixel(x, y);
      if (p[0] != background.r || p[1] != background.g || p[2] != background.b) return true;
    }
  return false;
}

}  // namespace

TEST_CASE("export: images, sidecars, PNG parameters, index and grid") {
  TempFolder temp;
  const fs::path final_folder = export_sweep(temp.path(), "lambda vs method");
  CHECK_EQ(final_folder, temp.path() / "lambda-vs-method");
  REQUIRE(fs::is_directory(final_folder));
  // Nothing else in the parent: the staging folder became the final one.
  CHECK(folder_entries(temp.path()) == std::vector<std::string>{"lambda-vs-method"});

  const std::vector<SweepCell> cells = make_cells();
  size_t images = 0;
  for (const auto& entry : fs::directory_iterator(final_folder))
    if (entry.path().extension() == ".png" && entry.path().filename() != "grid.png") ++images;
  CHECK_EQ(images, cells.size());

  // index.json lists every cell; each cell's files hold what was exported.
  const json::Value index = json::parse(read_text(final_folder / "index.json"));
  CHECK_EQ(index.at("format").as_string(), "steer-sweep");
  CHECK_EQ(index.at("set_name").as_string(), "lambda vs method");
  CHECK_EQ(index.at("grid").as_string(), "grid.png");
  REQUIRE(index.at("axes").as_array().size() == 2u);
  CHECK_EQ(index.at("axes").as_array()[0].at("name").as_string(), "lambda");
  const json::Array& listed = index.at("cells").as_array();
  REQUIRE(listed.size() == cells.size());
  for (size_t i = 0; i < cells.size(); ++i) {
    const SweepCell& cell = cells[i];
    const json::Value& entry = listed[i];
    CHECK_EQ(entry.at("index").as_int(), static_cast<int64_t>(i));
    CHECK(settings_from_json(entry.at("settings")) == cell.settings);
    const std::string file = entry.at("file").as_string();
    CHECK_EQ(entry.at("axis_values").at("lambda").as_string(), kAxes[0].labels[cell.axis_position[0]]);
    CHECK_EQ(entry.at("axis_values").at("method").as_string(), kAxes[1].labels[cell.axis_position[1]]);

    // The default template: {index}_{method}_l{lambda}_w{omega}_s{seed}.
    const std::string expected_file =
        std::to_string(i) + "_" + cell.settings.method + "_l" + format_number(cell.settings.lambda) + "_w" +
        (cell.settings.omega.empty() ? "none" : "linear-0.2to0.8") + "_s" + std::to_string(cell.settings.seed) + ".png";
    CHECK_EQ(file, expected_file);

    const ImageRGBA8 decoded = read_image(final_folder / file);
    CHECK_EQ(decoded.width, 64);
    CHECK_EQ(decoded.height, 64);
    CHECK_MSG(decoded.pixels == cell.image.pixels, "pixels of " << file);

    const json::Value sidecar = json::parse(read_text(final_folder / entry.at("sidecar").as_string()));
    CHECK_EQ(sidecar.at("file").as_string(), file);
    CHECK_EQ(sidecar.at("index").as_int(), static_cast<int64_t>(i));
    CHECK(settings_from_json(sidecar.at("settings")) == cell.settings);
    REQUIRE(sidecar.at("axis_position").as_array().size() == 2u);
    CHECK_EQ(sidecar.at("axis_position").as_array()[0].as_int(), static_cast<int64_t>(cell.axis_position[0]));
    CHECK_EQ(sidecar.at("axis_position").as_array()[1].as_int(), static_cast<int64_t>(cell.axis_position[1]));
    CHECK_EQ(sidecar.at("seconds").as_number(), cell.seconds);

    // The prompt is not ASCII, so the text is UTF-8 in an iTXt chunk (tEXt means Latin-1).
    CHECK(read_text(final_folder / file).find(std::string("iTXtparameters\0", 15)) != std::string::npos);
    const auto metadata = read_image_metadata(final_folder / file);
    REQUIRE(metadata.count("parameters") == 1);
    CHECK_EQ(metadata.at("parameters"), a1111_parameters(cell.settings));
    const auto parameters = parse_a1111_parameters(metadata.at("parameters"));
    CHECK_EQ(parameters.at("Prompt"), cell.settings.prompt);  // UTF-8 survives the PNG chunk
    CHECK_EQ(parameters.at("Seed"), std::to_string(cell.settings.seed));
    CHECK_EQ(parameters.at("Steps"), std::to_string(cell.settings.steps));
    CHECK_EQ(std::stod(parameters.at("CFG scale")), cell.settings.lambda);
    CHECK_EQ(parameters.at("Guidance"), cell.settings.method == "cfg" ? "CFG" : "PG");
  }

  // index.csv: a header and one row per cell with the file and every axis value.
  const std::string csv = read_text(final_folder / "index.csv");
  std::vector<std::string> rows;
  for (size_t start = 0; start < csv.size();) {
    const size_t end = csv.find("\r\n", start);
    REQUIRE(end != std::string::npos);
    rows.push_back(csv.substr(start, end - start));
    start = end + 2;
  }
  REQUIRE(rows.size() == cells.size() + 1);
  CHECK(rows[0].rfind("index,file,axis:lambda,axis:method,method,lambda,omega,", 0) == 0);
  for (size_t i = 0; i < cells.size(); ++i) {
    const std::string& row = rows[i + 1];
    const std::string file = listed[i].at("file").as_string();
    CHECK(row.rfind(std::to_string(i) + "," + file + "," + kAxes[0].labels[cells[i].axis_position[0]] + "," +
                        kAxes[1].labels[cells[i].axis_position[1]] + ",",
                    0) == 0);
    CHECK(row.find("\"a photo of sks dog, café\"") != std::string::npos);  // quoted: it has a comma
    CHECK(row.find("," + std::to_string(cells[i].settings.seed) + ",") != std::string::npos);
  }

  // grid.png: the expected layout, each cell where its axis position puts it, labels drawn.
  const ImageRGBA8 grid = read_image(final_folder / "grid.png");
  GridSpec spec = sweep_grid_spec("lambda vs method", kAxes, cells[0].settings, cells.size());
  CHECK_EQ(spec.columns, 3u);
  CHECK_EQ(spec.rows, 2u);
  // 64 px images are enlarged 4 times by default (to 256 px), each pixel a 4x4 block.
  spec.image_upscale = grid_upscale_factor(SweepExportOptions{}.grid_upscale, 64);
  REQUIRE(spec.image_upscale == 4);
  const int u = spec.image_upscale;
  const GridGeometry g = measure_grid(spec, 64, 64);
  CHECK_EQ(grid.width, g.width);
  CHECK_EQ(grid.height, g.height);
  CHECK_EQ(g.cell_width, 256);
  for (const SweepCell& cell : cells) {
    const int x0 = g.cell_x(cell.axis_position[0]), y0 = g.cell_y(sweep_grid_row(kAxes, cell.axis_position));
    for (int y = 0; y < 64; y += 7)
      for (int x = 0; x < 64; x += 5)
        for (int corner : {0, u - 1})
          CHECK_MSG(std::equal(grid.pixel(x0 + x * u + corner, y0 + y * u + corner),
                               grid.pixel(x0 + x * u + corner, y0 + y * u + corner) + 4, cell.image.pixel(x, y)),
                    "grid pixel " << x << "," << y << " of cell " << cell.index);
  }
  CHECK(g.header_height > 0);
  CHECK(has_ink(grid, 0, 0, grid.width, g.header_height, kGridHeaderBackground));
  CHECK(has_ink(grid, g.cell_x(0), g.label_band_top(), grid.width, g.label_band_bottom(), kGridBackground));
  CHECK(has_ink(grid, 0, g.cell_y(0), g.row_label_width, g.cell_y(1), kGridBackground));
}

TEST_CASE("export: an existing set is never overwritten; the next goes to <name>-2, -3") {
  TempFolder temp;
  const fs::path first = export_sweep(temp.path(), "sweep");
  const auto first_files = folder_entries(first);
  const fs::path second = export_sweep(temp.path(), "sweep");
  CHECK_EQ(second, temp.path() / "sweep-2");
  CHECK(folder_entries(first) == first_files);
  CHECK(fs::exists(second / "index.json"));
  // An empty folder (which a plain rename would replace) and a file also block a name.
  fs::create_directory(temp.path() / "sweep-3");
  std::ofstream(temp.path() / "sweep-4") << "not a folder";
  const fs::path fifth = export_sweep(temp.path(), "sweep");
  CHECK_EQ(fifth, temp.path() / "sweep-5");
  CHECK(fs::is_empty(temp.path() / "sweep-3"));
  CHECK_EQ(read_text(temp.path() / "sweep-4"), "not a folder");
}

TEST_CASE("export: custom template, JPEG, no sidecars, no grid") {
  TempFolder temp;
  SweepExportOptions options;
  options.name_template = "{prompt}_{sampler}_{steps}";
  options.image_extension = "jpg";
  options.write_sidecars = false;
  options.write_grid = false;
  const fs::path folder = export_sweep(temp.path(), "jpegs", options);
  const auto files = folder_entries(folder);
  CHECK(std::find(files.begin(), files.end(), "grid.png") == files.end());
  CHECK(std::find(files.begin(), files.end(), "a-photo-of-sks-dog-cafe_euler_20.jpg") != files.end());
  size_t jpegs = 0, jsons = 0;
  for (const auto& f : files) {
    if (f.size() > 4 && f.substr(f.size() - 4) == ".jpg") ++jpegs;
    if (f.size() > 5 && f.substr(f.size() - 5) == ".json") ++jsons;
  }
  CHECK_EQ(jpegs, 6u);
  CHECK_EQ(jsons, 1u);  // index.json only
  const ImageRGBA8 decoded = read_image(folder / "a-photo-of-sks-dog-cafe_euler_20.jpg");
  CHECK_EQ(decoded.width, 64);
  const auto metadata = read_image_metadata(folder / "a-photo-of-sks-dog-cafe_euler_20.jpg");
  REQUIRE(metadata.count("ImageDescription") == 1);
  CHECK_EQ(parse_a1111_parameters(metadata.at("ImageDescription")).at("Seed"), "1000");
  const json::Value index = json::parse(read_text(folder / "index.json"));
  CHECK(index.at("grid").is_null());
  CHECK(index.at("cells").as_array()[0].at("sidecar").is_null());
}

TEST_CASE("export: an ASCII-only PNG carries a plain tEXt parameters chunk") {
  TempFolder temp;
  SweepExportOptions options;
  options.parent_folder = temp.path();
  SweepExporter exporter;
  exporter.begin(options, {{"seed", {"1000"}}});
  SweepCell cell = make_cells()[0];
  cell.axis_position = {0};
  cell.settings.prompt = "a photo of sks dog";
  const std::string file = exporter.add(cell);
  const fs::path folder = exporter.finish();
  CHECK(read_text(folder / file).find(std::string("tEXtparameters\0", 15)) != std::string::npos);
  CHECK_EQ(read_image_metadata(folder / file).at("parameters"), a1111_parameters(cell.settings));
}

TEST_CASE("export: a bad template or axis fails before anything is created") {
  TempFolder temp;
  SweepExporter exporter;
  SweepExportOptions options;
  options.parent_folder = temp.path();
  options.name_template = "{index}_{cfg_scale}";
  CHECK_THROWS_WITH(exporter.begin(options, kAxes), "{cfg_scale}", "{index}", "{lambda}");
  options.name_template = "{index}";
  CHECK_THROWS_WITH(exporter.begin(options, {{"lambda", {}}}), "lambda", "no values");
  CHECK_THROWS_WITH(exporter.begin(options, {{"seed", {"1"}}, {"seed", {"2"}}}), "seed");
  CHECK(!exporter.in_progress());
  CHECK(fs::is_empty(temp.path()));
}

TEST_CASE("export: an unwritable parent folder is a clear error and leaves nothing") {
  TempFolder temp;
  // Tests run as root, where chmod does not stop writes: a path below a regular file does.
  const fs::path file = temp.path() / "plain-file.txt";
  std::ofstream(file) << "x";
  SweepExportOptions options;
  options.parent_folder = file / "exports";
  SweepExporter exporter;
  CHECK_THROWS_WITH(exporter.begin(options, kAxes), "Cannot export", (file / "exports").string(), "Not a directory");
  CHECK(!exporter.in_progress());
  options.parent_folder = file;
  CHECK_THROWS_WITH(exporter.begin(options, kAxes), "Cannot export", file.string(), "not a folder");
  CHECK(folder_entries(temp.path()) == std::vector<std::string>{"plain-file.txt"});

  // /proc accepts no new folders, not even from root.
  options.parent_folder = "/proc";
  CHECK_THROWS_WITH(exporter.begin(options, kAxes), "Cannot export", "/proc");
  CHECK(!exporter.in_progress());
  bool staging_left = false;
  for (const auto& entry : fs::directory_iterator("/proc"))
    staging_left = staging_left || entry.path().filename().string().rfind(".sweep.partial-", 0) == 0;
  CHECK(!staging_left);
}

TEST_CASE("export: abort() and the destructor remove the staging folder") {
  TempFolder temp;
  SweepExportOptions options;
  options.parent_folder = temp.path();
  const std::vector<SweepCell> cells = make_cells();
  {
    SweepExporter exporter;
    exporter.begin(options, kAxes);
    REQUIRE(exporter.in_progress());
    const fs::path staging = exporter.staging_folder();
    CHECK_EQ(staging.parent_path(), temp.path());
    CHECK(staging.filename().string().rfind(".sweep.partial-", 0) == 0);
    exporter.add(cells[0]);
    exporter.add(cells[1]);
    CHECK(folder_entries(staging).size() == 4u);  // two images, two sidecars
    exporter.abort();
    CHECK(!exporter.in_progress());
    CHECK(!fs::exists(staging));
    CHECK(fs::is_empty(temp.path()));
    // The exporter can start again after an abort.
    exporter.begin(options, kAxes);
    exporter.add(cells[0]);
  }  // destroyed unfinished
  CHECK(fs::is_empty(temp.path()));
}

TEST_CASE("export: a write failure mid-set names the file and leaves no partial set") {
  TempFolder temp;
  const std::vector<SweepCell> cells = make_cells();
  SweepExportOptions options;
  options.parent_folder = temp.path();
  int writes = 0;
  options.before_write = [&](const fs::path& file) {
    if (++writes == 6) throw std::runtime_error("No space left on device");
  };
  SweepExporter exporter;
  exporter.begin(options, kAxes);
  exporter.add(cells[0]);  // writes 1, 2
  exporter.add(cells[1]);  // writes 3, 4
  // Write 6 is cell 2's sidecar.
  CHECK_THROWS_WITH(exporter.add(cells[2]), "No space left on device", "2_cfg_l12_wnone_s1002.json");
  CHECK(!exporter.in_progress());
  CHECK(fs::is_empty(temp.path()));

  // A failure while finishing (here: the grid) leaves nothing either.
  options.before_write = [](const fs::path& file) {
    if (file.filename() == "grid.png") throw std::runtime_error("Input/output error");
  };
  exporter.begin(options, kAxes);
  for (const SweepCell& cell : cells) exporter.add(cell);
  CHECK_THROWS_WITH(exporter.finish(), "grid.png", "Input/output error");
  CHECK(fs::is_empty(temp.path()));

  // So does a cell without an image.
  options.before_write = nullptr;
  exporter.begin(options, kAxes);
  exporter.add(cells[0]);
  SweepCell empty = cells[1];
  empty.image = ImageRGBA8();
  CHECK_THROWS_WITH(exporter.add(empty), "Cell 1", "no image");
  CHECK(fs::is_empty(temp.path()));

  // And finishing a set with no cells.
  exporter.begin(options, kAxes);
  CHECK_THROWS_WITH(exporter.finish(), "Nothing to export");
  CHECK(fs::is_empty(temp.path()));
}

TEST_CASE("export: cells must fit the axes and not repeat") {
  TempFolder temp;
  const std::vector<SweepCell> cells = make_cells();
  SweepExportOptions options;
  options.parent_folder = temp.path();
  SweepExporter exporter;
  exporter.begin(options, kAxes);
  SweepCell outside = cells[0];
  outside.axis_position = {3, 0};
  CHECK_THROWS_WITH(exporter.add(outside), "lambda", "3");
  exporter.begin(options, kAxes);
  exporter.add(cells[0]);
  SweepCell same_place = cells[1];
  same_place.axis_position = cells[0].axis_position;
  CHECK_THROWS_WITH(exporter.add(same_place), "same axis position");
  exporter.begin(options, kAxes);
  SweepCell wrong_rank = cells[0];
  wrong_rank.axis_position = {0};
  CHECK_THROWS_WITH(exporter.add(wrong_rank), "1 axis positions", "2 axes");
  CHECK(fs::is_empty(temp.path()));
}

TEST_CASE("export: a cell the omega axis does not apply to is written once, null for omega, spanning the grid") {
  // ω (columns) x method (rows): CFG stands for every ω, PG has one cell per ω.
  const std::vector<SweepAxis> axes = {{"omega", {"0", "0.5", "1"}}, {"method", {"cfg", "pg"}}};
  std::vector<SweepCell> cells;
  auto add_cell = [&](size_t column, size_t row, const std::string& method, const std::string& omega) {
    SweepCell cell;
    cell.index = cells.size();
    cell.axis_position = {column, row};
    cell.settings.method = method;
    cell.settings.omega = omega;
    cell.settings.width = cell.settings.height = 64;
    cell.image = pattern_image(cell.index);
    cells.push_back(std::move(cell));
  };
  add_cell(kAxisNotApplicable, 0, "cfg", "");
  for (size_t w = 0; w < 3; ++w) add_cell(w, 1, "pg", axes[0].labels[w]);

  TempFolder temp;
  SweepExportOptions options;
  options.parent_folder = temp.path();
  options.set_name = "omega";
  SweepExporter exporter;
  exporter.begin(options, axes);
  // The CFG cell claims its whole row: a second cell in that row is refused.
  for (const SweepCell& cell : cells) exporter.add(cell);
  SweepCell again = cells[1];
  again.index = 9;
  again.axis_position = {1, 0};
  CHECK_THROWS_WITH(exporter.add(again), "same axis position", "cell 0");
  exporter.begin(options, axes);
  for (const SweepCell& cell : cells) exporter.add(cell);
  const fs::path folder = exporter.finish();

  size_t images = 0;
  for (const auto& entry : fs::directory_iterator(folder))
    if (entry.path().extension() == ".png" && entry.path().filename() != "grid.png") ++images;
  CHECK_EQ(images, size_t(4));  // 1 CFG + 3 PG, not 3 + 3
  const json::Value index = json::parse(read_text(folder / "index.json"));
  const json::Array& listed = index.at("cells").as_array();
  REQUIRE(listed.size() == 4u);
  CHECK(listed[0].at("axis_values").at("omega").is_null());
  CHECK(listed[0].at("axis_position").as_array()[0].is_null());
  CHECK(listed[0].at("settings").at("omega").is_null());
  CHECK_EQ(listed[0].at("axis_values").at("method").as_string(), "cfg");
  CHECK_EQ(listed[2].at("axis_values").at("omega").as_string(), "0.5");  // the control: PG's ω
  CHECK_EQ(listed[2].at("settings").at("omega").as_string(), "0.5");
  const json::Value sidecar = json::parse(read_text(folder / listed[0].at("sidecar").as_string()));
  CHECK(sidecar.at("axis_values").at("omega").is_null());
  CHECK(sidecar.at("axis_position").as_array()[0].is_null());
  CHECK(settings_from_json(sidecar.at("settings")) == cells[0].settings);  // null reads back as ""
  const std::string csv = read_text(folder / "index.csv");
  CHECK(csv.find("\r\n0," + listed[0].at("file").as_string() + ",,cfg,") != std::string::npos);

  // The grid: the CFG image once, centred across the three ω columns of its row, on the
  // span band; PG's three images in the row below.
  const ImageRGBA8 grid = read_image(folder / "grid.png");
  GridSpec spec = sweep_grid_spec("omega", axes, cells[0].settings, cells.size());
  spec.image_upscale = grid_upscale_factor(0, 64);
  const int u = spec.image_upscale;
  const GridGeometry g = measure_grid(spec, 64, 64);
  REQUIRE(grid.width == g.width);
  const int span = g.span_width(3);
  const int x0 = g.cell_x(0) + (span - 64 * u) / 2, y0 = g.cell_y(0);
  CHECK(std::equal(grid.pixel(x0 + 10 * u, y0 + 20 * u), grid.pixel(x0 + 10 * u, y0 + 20 * u) + 4, cells[0].image.pixel(10, 20)));
  const uint8_t* band = grid.pixel(g.cell_x(0) + 1, y0 + 1);
  CHECK(band[0] == kGridSpanBand.r && band[1] == kGridSpanBand.g);  // not "missing" grey
  for (size_t w = 0; w < 3; ++w) {
    const SweepCell& pg = cells[1 + w];
    const int px = g.cell_x(w) + 10 * u, py = g.cell_y(1) + 20 * u;
    CHECK(std::equal(grid.pixel(px, py), grid.pixel(px, py) + 4, pg.image.pixel(10, 20)));
  }
}

TEST_CASE("export: only the first axis may not apply to a cell") {
  TempFolder temp;
  SweepExportOptions options;
  options.parent_folder = temp.path();
  SweepExporter exporter;
  exporter.begin(options, kAxes);
  SweepCell cell = make_cells()[0];
  cell.axis_position = {0, kAxisNotApplicable};
  CHECK_THROWS_WITH(exporter.add(cell), "\"method\" does not apply", "first axis");
  CHECK(fs::is_empty(temp.path()));
}

TEST_CASE("export: a partly filled sweep exports, with missing grid cells") {
  TempFolder temp;
  const std::vector<SweepCell> cells = make_cells();
  SweepExportOptions options;
  options.parent_folder = temp.path();
  SweepExporter exporter;
  exporter.begin(options, kAxes);
  exporter.add(cells[4]);  // out of order on purpose
  exporter.add(cells[0]);
  const fs::path folder = exporter.finish();
  const json::Value index = json::parse(read_text(folder / "index.json"));
  REQUIRE(index.at("cells").as_array().size() == 2u);
  CHECK_EQ(index.at("cells").as_array()[0].at("index").as_int(), 0);
  const ImageRGBA8 grid = read_image(folder / "grid.png");
  GridSpec spec = sweep_grid_spec("sweep", kAxes, cells[0].settings, 2);
  spec.image_upscale = grid_upscale_factor(0, 64);
  const GridGeometry g = measure_grid(spec, 64, 64);
  CHECK_EQ(grid.width, g.width);
  const uint8_t* missing = grid.pixel(g.cell_x(2) + 1, g.cell_y(0) + 1);
  CHECK_EQ(static_cast<int>(missing[0]), static_cast<int>(kGridMissingCell.r));
}

// ------------------------------------------------------------------ exports ready to show

namespace {

// Whether the wrapped lines hold the text (wrapping breaks lines at spaces).
bool has_line_containing(const std::vector<std::string>& lines, const std::string& utf8) {
  std::string joined;
  for (const auto& l : lines) joined += (joined.empty() ? "" : " ") + l;
  return joined.find(to_font_text(utf8)) != std::string::npos;
}

}  // namespace

TEST_CASE("grid header: model, subject, prompt, the axes and the fixed settings, in λ and ω") {
  const std::vector<SweepAxis> axes = {{"omega", {"0", "0.5"}}, {"lambda", {"3", "5"}}};
  CellSettings shared = make_cells()[0].settings;
  shared.method = "pg";
  const GridSpec spec = sweep_grid_spec("my set", axes, shared, 4);
  const GridGeometry g = measure_grid(spec, 256, 256);
  for (const char* line : {"my set", "model: tiny-sd", "subject: sks_dog (strength 0.75)", "prompt: a photo of sks dog",
                           "columns: ω | rows: λ", "method: pg", "seed: 1000", "64x64"})
    CHECK_MSG(has_line_containing(g.header_text, line), line << " is not in the grid's header");
  // λ and ω are drawn with their own glyphs, never '?' (only the prompt's "é" has no glyph).
  for (const auto& line : g.header_text)
    if (line.find("caf") == std::string::npos) CHECK_MSG(line.find('?') == std::string::npos, line);
  CHECK_EQ(g.row_text[0][0], to_font_text("λ: 3"));
  CHECK(!has_line_containing(g.header_text, "λ: 7.5"));  // λ is an axis here, not a fixed setting
  CHECK(g.header_height >= static_cast<int>(g.header_text.size()) * BitmapFont::kLineHeight * g.text_scale);
}

TEST_CASE("grid labels: two prompts that differ only at the end are never cut to the same text") {
  const std::string common = "a photo of sks dog sitting on a red blanket in a sunny park with trees and a lake behind it, ";
  const std::vector<std::string> prompts = {common + "oil painting", common + "watercolour"};
  // The control: plain wrapping at this size cuts both to the same lines.
  REQUIRE(wrap_text("prompt: " + prompts[0], 20, 3) == wrap_text("prompt: " + prompts[1], 20, 3));
  const auto distinct = wrap_labels_distinct({"prompt: " + prompts[0], "prompt: " + prompts[1]}, 20, 3);
  CHECK(distinct[0] != distinct[1]);
  CHECK_MSG(distinct[1].back().find("water") != std::string::npos || distinct[1][1].find("water") != std::string::npos,
            distinct[1].back());
  // Equal labels stay equal; labels already apart are untouched.
  CHECK(wrap_labels_distinct({"same", "same"}, 20, 3)[0] == wrap_labels_distinct({"same", "same"}, 20, 3)[1]);
  CHECK((wrap_labels_distinct({"cat", "dog"}, 20, 3)[1] == std::vector<std::string>{"dog"}));
  // Through a grid: prompt rows beside 64 px cells.
  const std::vector<SweepAxis> axes = {{"seed", {"1", "2"}}, {"prompt", prompts}};
  GridSpec spec = sweep_grid_spec("prompts", axes, CellSettings{}, 4);
  spec.text_scale = 1;
  const GridGeometry g = measure_grid(spec, 64, 64);
  REQUIRE(g.row_text.size() == 2u);
  CHECK(g.row_text[0] != g.row_text[1]);
  // Labels that differ in their middle only and cannot show it are numbered.
  const auto numbered = wrap_labels_distinct(
      {"x" + std::string(200, 'a') + "1" + std::string(200, 'a'), "x" + std::string(200, 'a') + "2" + std::string(200, 'a')}, 6,
      1);
  CHECK(numbered[0] != numbered[1]);
}

TEST_CASE("grids: one per prompt when a sweep has several, each decoding, listed in index.json") {
  const std::vector<SweepAxis> axes = {{"lambda", {"3", "7.5"}}, {"prompt", {"a photo of sks dog", "sks dog on the beach"}}};
  TempFolder temp;
  SweepExportOptions options;
  options.parent_folder = temp.path();
  options.set_name = "two prompts";
  SweepExporter exporter;
  exporter.begin(options, axes);
  size_t index = 0;
  for (size_t l = 0; l < 2; ++l)
    for (size_t p = 0; p < 2; ++p) {
      SweepCell cell;
      cell.index = index;
      cell.axis_position = {l, p};
      cell.settings.lambda = l == 0 ? 3 : 7.5;
      cell.settings.prompt = axes[1].labels[p];
      cell.settings.width = cell.settings.height = 64;
      cell.image = pattern_image(index++);
      exporter.add(cell);
    }
  const fs::path folder = exporter.finish();
  const json::Value listed = json::parse(read_text(folder / "index.json")).at("prompt_grids");
  REQUIRE(listed.as_array().size() == 2u);
  for (size_t p = 0; p < 2; ++p) {
    const std::string file = "grid-prompt-" + std::to_string(p + 1) + ".png";
    CHECK_EQ(listed.as_array()[p].at("file").as_string(), file);
    CHECK_EQ(listed.as_array()[p].at("prompt").as_string(), axes[1].labels[p]);
    REQUIRE(fs::exists(folder / file));
    const ImageRGBA8 grid = read_image(folder / file);
    // λ along the columns, one row; its header names its prompt in full.
    GridSpec spec = sweep_grid_spec("two prompts - prompt " + std::to_string(p + 1), {axes[0]}, CellSettings{}, 2);
    CHECK_EQ(spec.rows, 1u);
    CellSettings shared;
    shared.prompt = axes[1].labels[p];
    shared.lambda = 3;
    shared.width = shared.height = 64;
    spec = sweep_grid_spec("two prompts - prompt " + std::to_string(p + 1), {axes[0]}, shared, 2);
    spec.image_upscale = grid_upscale_factor(0, 64);
    const GridGeometry g = measure_grid(spec, 64, 64);
    CHECK(has_line_containing(g.header_text, "prompt: " + axes[1].labels[p]));
    CHECK_EQ(grid.width, g.width);
    CHECK_EQ(grid.height, g.height);
    // The second column holds the λ 7.5 cell of this prompt.
    const int u = spec.image_upscale;
    const ImageRGBA8 expected = pattern_image(2 + p);
    CHECK(std::equal(grid.pixel(g.cell_x(1) + 5 * u, g.cell_y(0) + 9 * u),
                     grid.pixel(g.cell_x(1) + 5 * u, g.cell_y(0) + 9 * u) + 4, expected.pixel(5, 9)));
  }
  // One prompt: no per-prompt grids.
  TempFolder single;
  options.parent_folder = single.path();
  exporter.begin(options, {axes[0]});
  SweepCell cell;
  cell.axis_position = {0};
  cell.settings.width = cell.settings.height = 64;
  cell.image = pattern_image(0);
  exporter.add(cell);
  const fs::path one = exporter.finish();
  CHECK(!fs::exists(one / "grid-prompt-1.png"));
  CHECK(json::parse(read_text(one / "index.json")).at("prompt_grids").as_array().empty());
}

TEST_CASE("grid upscale: whole-number factors, each pixel an exact block") {
  CHECK_EQ(grid_upscale_factor(0, 64), 4);   // automatic: at least 256 px
  CHECK_EQ(grid_upscale_factor(0, 100), 3);  // 300 px
  CHECK_EQ(grid_upscale_factor(0, 256), 1);
  CHECK_EQ(grid_upscale_factor(0, 512), 1);
  CHECK_EQ(grid_upscale_factor(1, 64), 1);  // asked for none
  CHECK_EQ(grid_upscale_factor(2, 64), 2);
  CHECK_EQ(grid_upscale_factor(0, 64, 128), 2);  // never past the largest cell
  const ImageRGBA8 small = pattern_image(3);
  const ImageRGBA8 big = upscale_nearest(small, 3);
  REQUIRE(big.width == 3 * small.width);
  REQUIRE(big.height == 3 * small.height);
  bool exact = true;
  for (int y = 0; y < big.height; ++y)
    for (int x = 0; x < big.width; ++x)
      exact = exact && std::equal(big.pixel(x, y), big.pixel(x, y) + 4, small.pixel(x / 3, y / 3));
  CHECK(exact);
  CHECK(upscale_nearest(small, 1).pixels == small.pixels);
  // Through the exporter: --grid-upscale 3 makes 192 px cells holding the blocks.
  TempFolder temp;
  SweepExportOptions options;
  options.grid_upscale = 3;
  const fs::path folder = export_sweep(temp.path(), "upscaled", options);
  const ImageRGBA8 grid = read_image(folder / "grid.png");
  GridSpec spec = sweep_grid_spec("upscaled", kAxes, make_cells()[0].settings, 6);
  spec.image_upscale = 3;
  const GridGeometry g = measure_grid(spec, 64, 64);
  CHECK_EQ(g.cell_width, 192);
  CHECK_EQ(grid.width, g.width);
  const ImageRGBA8 first = make_cells()[0].image;
  for (int y = 0; y < 64; y += 9)
    for (int x = 0; x < 64; x += 7)
      for (int d = 0; d < 3; ++d)
        CHECK(std::equal(grid.pixel(g.cell_x(0) + 3 * x + d, g.cell_y(0) + 3 * y + d),
                         grid.pixel(g.cell_x(0) + 3 * x + d, g.cell_y(0) + 3 * y + d) + 4, first.pixel(x, y)));
}

STEER_TEST_MAIN()
