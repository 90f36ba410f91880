// The pieces of a sweep export: A1111 parameters text, file-name templates, the bitmap
// font and the grid image.
#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/export/a1111_parameters.h"
#include "core/export/bitmap_font.h"
#include "core/export/file_naming.h"
#include "core/export/grid_image.h"
#include "core/export/image_metadata.h"
#include "core/export/png_text.h"
#include "core/export/sweep_record.h"
#include "core/imageio/image_file.h"
#include "tests/support/temp_folder.h"
#include "tests/support/test_harness.h"

using namespace steer;

namespace {

CellSettings pg_settings() {
  CellSettings s;
  s.method = "pg";
  s.lambda = 7.5;
  s.omega = "0.5";
  s.seed = 123;
  s.prompt = "a photo of sks dog on a beach";
  s.negative_prompt = "blurry, low quality";
  s.width = 512;
  s.height = 768;
  s.steps = 30;
  s.sampler = "euler_a";
  s.karras = true;
  s.model_name = "sd15";
  s.model_hash = "abcd1234";
  s.subject_name = "sks_dog";
  s.subject_hash = "0123abcd";
  s.subject_scale = 0.8;
  s.noise_device = "cpu";
  s.software_version = "Steer Studio 0.1.0";
  return s;
}

bool has_ink(const ImageRGBA8& image, int x0, int y0, int x1, int y1, Rgba8 background) {
  for (int y = std::max(0, y0); y < std::min(y1, image.height); ++y)
    for (int x = std::max(0, x0); x < std::min(x1, image.width); ++x) {
      const uint8_t* p = image.pixel(x, y);
      if (p[0] != background.r || p[1] != background.g || p[2] != background.b) return true;
    }
  return false;
}

ImageRGBA8 solid(int w, int h, uint8_t r, uint8_t g, uint8_t b) {
  ImageRGBA8 image(w, h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint8_t* p = image.pixel(x, y);
      p[0] = r;
      p[1] = g;
      p[2] = b;
      p[3] = 255;
    }
  return image;
}

}  // namespace

// ------------------------------------------------------------------ A1111 parameters

TEST_CASE("a1111 parameters: A1111's field names and order, Steer keys before Version") {
  const std::string text = a1111_parameters(pg_settings());
  const std::string expected =
      "a photo of sks dog on a beach\n"
      "Negative prompt: blurry, low quality\n"
      "Steps: 30, Sampler: Euler a, Schedule type: Karras, CFG scale: 7.5, Seed: 123, Size: 512x768, "
      "Model hash: abcd1234, Model: sd15, RNG: CPU, Lora hashes: \"sks_dog: 0123abcd\", Guidance: PG, "
      "PG omega: 0.5, Subject: sks_dog, Subject scale: 0.8, Version: Steer Studio 0.1.0";
  CHECK_EQ(text, expected);
}

TEST_CASE("a1111 parameters: round trip through the parser") {
  CellSettings s = pg_settings();
  s.omega = "linear:0.2->0.8";  // has ':' so it is quoted
  s.guidance_rescale = 0.7;
  s.guidance_interval = "sigma:0.28-5.42";
  s.eta = 0.25;
  s.seed = 4294967295LL;
  const auto p = parse_a1111_parameters(a1111_parameters(s));
  CHECK_EQ(p.at("Prompt"), s.prompt);
  CHECK_EQ(p.at("Negative prompt"), s.negative_prompt);
  CHECK_EQ(p.at("Steps"), "30");
  CHECK_EQ(p.at("Sampler"), "Euler a");
  CHECK_EQ(p.at("Schedule type"), "Karras");
  CHECK_EQ(p.at("CFG scale"), "7.5");
  CHECK_EQ(p.at("Seed"), "4294967295");
  CHECK_EQ(p.at("Size"), "512x768");
  CHECK_EQ(p.at("Model hash"), "abcd1234");
  CHECK_EQ(p.at("Model"), "sd15");
  CHECK_EQ(p.at("Eta"), "0.25");
  CHECK_EQ(p.at("Lora hashes"), "sks_dog: 0123abcd");
  CHECK_EQ(p.at("Guidance"), "PG");
  CHECK_EQ(p.at("PG omega"), "linear:0.2->0.8");
  CHECK_EQ(p.at("Guidance rescale"), "0.7");
  CHECK_EQ(p.at("Guidance interval"), "sigma:0.28-5.42");
  CHECK_EQ(p.at("Version"), "Steer Studio 0.1.0");
}

TEST_CASE("a1111 parameters: CFG and AG cells, no negative prompt, multi-line prompt") {
  CellSettings s;
  s.method = "ag";
  s.weak_model = "omega:0.5";
  s.lambda = 2;
  s.prompt = "line one\nline two, with \"quotes\"";
  s.noise_device = "cuda:0";
  const std::string text = a1111_parameters(s);
  CHECK(text.find("Negative prompt") == std::string::npos);
  CHECK(text.find("Schedule type: Automatic") != std::string::npos);
  CHECK(text.find("CFG scale: 2,") != std::string::npos);
  CHECK(text.find("RNG: GPU") != std::string::npos);
  const auto p = parse_a1111_parameters(text);
  CHECK_EQ(p.at("Prompt"), s.prompt);
  CHECK(p.count("Negative prompt") == 0);
  CHECK_EQ(p.at("Guidance"), "AG");
  CHECK_EQ(p.at("AG weak model"), "omega:0.5");
  CHECK(p.count("PG omega") == 0);
  CHECK(p.count("Version") == 0);  // no software version given
}

TEST_CASE("a1111 parameters: parses text written by A1111 itself") {
  const std::string a1111 =
      "masterpiece, (a cat:1.2) <lora:catstyle:0.7>\n"
      "Negative prompt: lowres,\n"
      "bad hands\n"
      "Steps: 20, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 3541287561, Size: 512x512, "
      "Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Lora hashes: \"catstyle: 1f2e3d4c5b6a\", "
      "TI hashes: \"emb: abc\", Version: v1.10.1";
  const auto p = parse_a1111_parameters(a1111);
  CHECK_EQ(p.at("Prompt"), "masterpiece, (a cat:1.2) <lora:catstyle:0.7>");
  CHECK_EQ(p.at("Negative prompt"), "lowres,\nbad hands");
  CHECK_EQ(p.at("Sampler"), "DPM++ 2M");
  CHECK_EQ(p.at("Seed"), "3541287561");
  CHECK_EQ(p.at("Lora hashes"), "catstyle: 1f2e3d4c5b6a");
  CHECK_EQ(p.at("TI hashes"), "emb: abc");
  CHECK_EQ(p.at("Version"), "v1.10.1");
  // A last line with fewer than three pairs is prompt, as in A1111.
  const auto prompt_only = parse_a1111_parameters("just a prompt: with a colon");
  CHECK_EQ(prompt_only.at("Prompt"), "just a prompt: with a colon");
  CHECK_EQ(prompt_only.size(), 1u);
}

TEST_CASE("a1111 sampler names") {
  CHECK_EQ(a1111_sampler_name("euler"), "Euler");
  CHECK_EQ(a1111_sampler_name("euler_a"), "Euler a");
  CHECK_EQ(a1111_sampler_name("dpmpp_2m"), "DPM++ 2M");
  CHECK_EQ(a1111_sampler_name("DDIM"), "DDIM");
  CHECK_EQ(a1111_sampler_name("my_sampler"), "my_sampler");
}

TEST_CASE("format_number is compact and exact") {
  CHECK_EQ(format_number(7.5), "7.5");
  CHECK_EQ(format_number(7.0), "7");
  CHECK_EQ(format_number(0.25), "0.25");
  CHECK_EQ(format_number(-0.0), "0");
  CHECK_EQ(format_number(0.1), "0.1");
  CHECK_EQ(std::stod(format_number(1.0 / 3.0)), 1.0 / 3.0);
}

TEST_CASE("settings JSON round trip, including seeds beyond 2^53") {
  CellSettings s = pg_settings();
  s.guidance_interval = "sigma:0.28-5.42";
  s.eta = 0.1;
  s.seed = 9007199254740993LL;  // 2^53 + 1: not representable as a double
  const json::Value parsed = json::parse(settings_to_json(s).dump(2));
  CHECK(settings_from_json(parsed) == s);
  s.seed = -42;
  CHECK(settings_from_json(json::parse(settings_to_json(s).dump())) == s);
  CHECK_THROWS_WITH(settings_from_json(json::parse(R"({"steps": "thirty"})")), "steps");
  // Absent keys keep their defaults.
  CHECK(settings_from_json(json::parse("{}")) == CellSettings{});
}

// ------------------------------------------------------------------ file names

TEST_CASE("name template: every token") {
  CellSettings s = pg_settings();
  s.omega = "linear:0.2->0.8";
  s.prompt = "A Photo of <sks> Dog, Café & Crème brûlée!";
  CHECK_EQ(expand_name_template("{index}_{method}_l{lambda}_w{omega}_s{seed}", s, 7, 2), "07_pg_l7.5_wlinear-0.2to0.8_s123");
  CHECK_EQ(expand_name_template("{prompt}", s, 0, 1), "a-photo-of-sks-dog-cafe-creme-brulee");
  CHECK_EQ(expand_name_template("{sampler}-{steps}", s, 0, 1), "euler_a-30");
  s.omega = "interval:0.5@0.2-0.8";
  CHECK_EQ(expand_name_template("{omega}", s, 0, 1), "interval-0.5at0.2-0.8");
  s.omega = "cosine:0.2->1";
  CHECK_EQ(expand_name_template("{omega}", s, 0, 1), "cosine-0.2to1");
  CellSettings cfg;
  cfg.method = "cfg";
  cfg.lambda = 0.25;
  CHECK_EQ(expand_name_template("{index}_{method}_l{lambda}_w{omega}_s{seed}", cfg, 3, 1), "3_cfg_l0.25_wnone_s0");
  CHECK_EQ(expand_name_template("{prompt}", cfg, 0, 1), "none");
}

TEST_CASE("name template: unknown token and unclosed brace") {
  CellSettings s;
  CHECK_THROWS_WITH(validate_name_template("{index}_{cfg}"), "{cfg}", "{index}", "{method}", "{lambda}", "{omega}", "{seed}",
                    "{prompt}", "{sampler}", "{steps}");
  CHECK_THROWS_WITH(expand_name_template("{seed", s, 0, 1), "{seed", "without a closing");
  bool input_error = false;
  try {
    validate_name_template("{nope}");
  } catch (const InputError&) {
    input_error = true;
  }
  CHECK(input_error);
  validate_name_template("plain text is fine");
}

TEST_CASE("slug: lowercase ASCII, dashes, at most 40 characters") {
  CHECK_EQ(slug("  Hello,   World!! "), "hello-world");
  CHECK_EQ(slug("λ 東京 tower"), "tower");
  const std::string long_slug = slug("a very long prompt about a dog sitting on a chair in a sunlit room");
  CHECK(long_slug.size() <= 40);
  CHECK(long_slug.back() != '-');
  CHECK_EQ(long_slug, "a-very-long-prompt-about-a-dog-sitting-o");
  CHECK_EQ(slug(""), "");
}

TEST_CASE("safe file stems") {
  CHECK_EQ(safe_file_stem("a/b:c*d?e"), "a-b-c-d-e");
  CHECK_EQ(safe_file_stem("../../etc/passwd"), "etc-passwd");
  CHECK_EQ(safe_file_stem("..hidden"), "hidden");
  CHECK_EQ(safe_file_stem("trailing..."), "trailing");
  CHECK_EQ(safe_file_stem("CON"), "_CON");
  CHECK_EQ(safe_file_stem("lpt1.txt"), "_lpt1.txt");
  CHECK_EQ(safe_file_stem(""), "image");
  CHECK_EQ(safe_file_stem("λ=7.5"), "7.5");
  CHECK(safe_file_stem(std::string(400, 'x')).size() <= 150);
}

TEST_CASE("preview names: collisions get numeric suffixes, index is reserved") {
  std::vector<CellSettings> cells(3, pg_settings());
  const auto names = preview_names("{method}_{seed}", cells);
  REQUIRE(names.size() == 3u);
  CHECK_EQ(names[0], "pg_123.png");
  CHECK_EQ(names[1], "pg_123-2.png");
  CHECK_EQ(names[2], "pg_123-3.png");
  const auto indexed = preview_names("{index}", std::vector<CellSettings>(12), ".jpg");
  CHECK_EQ(indexed.front(), "00.jpg");
  CHECK_EQ(indexed.back(), "11.jpg");
  const auto reserved = preview_names("index", std::vector<CellSettings>(1));
  CHECK_EQ(reserved.front(), "index-2.png");
  CHECK_THROWS_WITH(preview_names("{bad}", cells), "{bad}");
  UniqueNamer namer;
  CHECK_EQ(namer.claim("Cat"), "Cat");
  CHECK_EQ(namer.claim("cat"), "cat-2");  // case-insensitive file systems
}

// ------------------------------------------------------------------ font

TEST_CASE("bitmap font: every printable ASCII character has a glyph") {
  for (int c = 0x21; c <= 0x7E; ++c) {
    const auto& g = BitmapFont::glyph(static_cast<char>(c));
    bool ink = false;
    for (uint8_t row : g) ink = ink || row != 0;
    CHECK_MSG(ink, "glyph for '" << static_cast<char>(c) << "' is blank");
  }
  for (uint8_t row : BitmapFont::glyph(' ')) CHECK(row == 0);
  CHECK(BitmapFont::glyph('\x01') == BitmapFont::glyph('?'));
  CHECK(BitmapFont::glyph('A') != BitmapFont::glyph('B'));
}

TEST_CASE("bitmap font: λ and ω have glyphs of their own; other non-ASCII becomes '?'") {
  const std::string lambda(1, BitmapFont::kLambda), omega(1, BitmapFont::kOmega);
  CHECK_EQ(to_font_text("λ=7.5 ω\t0.5"), lambda + "=7.5 " + omega + " 0.5");
  CHECK_EQ(to_font_text("3×4 – σ φ θ η"), std::string("3") + BitmapFont::kTimes + "4 - " + BitmapFont::kSigma + " " +
                                              BitmapFont::kPhi + " " + BitmapFont::kTheta + " " + BitmapFont::kEta);
  // Each symbol is drawn with ink, unlike '?', and ω is not the Latin 'w'.
  for (char symbol : {BitmapFont::kLambda, BitmapFont::kOmega, BitmapFont::kSigma, BitmapFont::kPhi, BitmapFont::kTheta,
                      BitmapFont::kEta, BitmapFont::kTimes})
    CHECK(BitmapFont::glyph(symbol) != BitmapFont::glyph('?') && BitmapFont::glyph(symbol) != BitmapFont::glyph(' '));
  CHECK(BitmapFont::glyph(BitmapFont::kOmega) != BitmapFont::glyph('w'));
  CHECK_EQ(text_width(to_font_text("λ"), 1), text_width("x", 1));  // one glyph wide
  CHECK_EQ(to_font_text("é ∅ 😀"), "? ? ?");
  CHECK_EQ(to_font_text("\xff\xfe ok"), "?? ok");
  const auto lines = wrap_text("the quick brown fox jumps", 10, 5);
  REQUIRE(lines.size() == 3u);
  CHECK_EQ(lines[0], "the quick");
  CHECK_EQ(lines[1], "brown fox");
  CHECK_EQ(lines[2], "jumps");
  const auto cut = wrap_text("the quick brown fox jumps over the lazy dog", 10, 2);
  REQUIRE(cut.size() == 2u);
  CHECK_EQ(cut[1], "brown f...");
  const auto broken = wrap_text("abcdefghijkl", 5, 5);
  REQUIRE(broken.size() == 3u);
  CHECK_EQ(broken[0], "abcde");
  CHECK_EQ(broken[2], "kl");
  const auto paragraphs = wrap_text("seed: 1\nprompt: cat", 20, 4);
  REQUIRE(paragraphs.size() == 2u);
  CHECK_EQ(paragraphs[1], "prompt: cat");
}

TEST_CASE("bitmap font: drawing puts ink inside the text box and nowhere else") {
  ImageRGBA8 image = solid(100, 40, 255, 255, 255);
  const int end = draw_text(image, 10, 5, "Hi!", Rgba8{0, 0, 0, 255}, 2);
  CHECK_EQ(end, 10 + 3 * BitmapFont::kAdvance * 2);
  CHECK(has_ink(image, 10, 5, end, 5 + BitmapFont::kLineHeight * 2, Rgba8{255, 255, 255, 255}));
  CHECK(!has_ink(image, 0, 0, 10, 40, Rgba8{255, 255, 255, 255}));
  CHECK(!has_ink(image, end, 0, 100, 40, Rgba8{255, 255, 255, 255}));
  // Clipped, not crashing, at the edges.
  draw_text(image, 95, 35, "WWW", Rgba8{0, 0, 0, 255}, 3);
  draw_text(image, -20, -10, "WWW", Rgba8{0, 0, 0, 255}, 3);
}

// ------------------------------------------------------------------ grid

TEST_CASE("grid: size, cell placement, labels, missing cells") {
  std::vector<ImageRGBA8> images;
  for (int i = 0; i < 5; ++i) images.push_back(solid(64, 48, static_cast<uint8_t>(40 * i), 100, 200));
  GridSpec spec;
  spec.columns = 3;
  spec.rows = 2;
  spec.header_lines = {"a sweep", "columns: lambda   rows: seed"};
  spec.column_labels = {"3", "7.5", "a very long label that needs wrapping and truncation"};
  spec.row_labels = {"seed: 1", "seed: 2"};
  std::vector<GridTile> tiles;
  for (int i = 0; i < 5; ++i) tiles.push_back(grid_tile(static_cast<size_t>(i % 3), static_cast<size_t>(i / 3), images[i]));
  const ImageRGBA8 grid = compose_grid(spec, tiles);
  const GridGeometry g = measure_grid(spec, 64, 48);
  CHECK_EQ(grid.width, g.width);
  CHECK_EQ(grid.height, g.height);
  CHECK_EQ(g.text_scale, 1);  // small cells: 1x text
  CHECK(g.width >= 3 * 64 && g.height >= 2 * 48);
  CHECK(g.header_height > 0 && g.column_label_height > 0 && g.row_label_width > 0);
  REQUIRE(g.column_text.size() == 3u);
  CHECK(g.column_text[2].size() == 3u);
  CHECK(g.column_text[2].back().find("...") != std::string::npos);
  for (int i = 0; i < 5; ++i) {
    const uint8_t* p = grid.pixel(g.cell_x(static_cast<size_t>(i % 3)) + 32, g.cell_y(static_cast<size_t>(i / 3)) + 24);
    CHECK_EQ(static_cast<int>(p[0]), 40 * i);
    CHECK_EQ(static_cast<int>(p[2]), 200);
  }
  const uint8_t* missing = grid.pixel(g.cell_x(2) + 2, g.cell_y(1) + 2);
  CHECK_EQ(static_cast<int>(missing[0]), static_cast<int>(kGridMissingCell.r));
  CHECK(has_ink(grid, 0, 0, g.width, g.header_height, kGridHeaderBackground));
  CHECK(has_ink(grid, g.cell_x(0), g.label_band_top(), g.width, g.label_band_bottom(), kGridBackground));
  CHECK(has_ink(grid, 0, g.cell_y(0), g.row_label_width, g.cell_y(1), kGridBackground));
  CHECK_THROWS_WITH(compose_grid(spec, {grid_tile(3, 0, images[0])}), "outside");
}

TEST_CASE("grid: large cells get 2x text and can be scaled down") {
  GridSpec spec;
  spec.columns = 2;
  spec.rows = 1;
  spec.column_labels = {"cfg", "pg"};
  CHECK_EQ(measure_grid(spec, 512, 512).text_scale, 2);
  spec.max_cell_side = 128;
  const ImageRGBA8 big = solid(512, 256, 10, 20, 30);
  const ImageRGBA8 grid = compose_grid(spec, {grid_tile(0, 0, big), grid_tile(1, 0, big)});
  const GridGeometry g = measure_grid(spec, 512, 256);
  CHECK_EQ(g.cell_width, 128);
  CHECK_EQ(g.cell_height, 64);
  CHECK_EQ(grid.width, g.width);
  const uint8_t* p = grid.pixel(g.cell_x(1) + 64, g.cell_y(0) + 32);
  CHECK_EQ(static_cast<int>(p[0]), 10);
  CHECK_EQ(static_cast<int>(p[2]), 30);
}

// ------------------------------------------------------------------ PNG text chunks

TEST_CASE("png: CRC-32, completeness, and an inserted iTXt chunk reads back as UTF-8") {
  using namespace steer::export_detail;
  CHECK_EQ(png_crc32("IEND"), 0xAE426082u);
  CHECK_EQ(png_crc32("123456789"), 0xCBF43926u);

  steer::testing::TempFolder temp;
  const auto path = temp.path() / "plain.png";
  write_image(path, solid(8, 8, 1, 2, 3));
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  CHECK(png_is_complete(bytes));
  CHECK(!png_is_complete(bytes.substr(0, bytes.size() - 1)));
  CHECK(!png_is_complete(bytes.substr(0, bytes.size() / 2)));
  std::string corrupt = bytes;
  corrupt[40] = static_cast<char>(corrupt[40] ^ 0x55);
  CHECK(!png_is_complete(corrupt));

  const std::string text = "café 東京\nSteps: 20, Sampler: Euler, CFG scale: 7";
  const std::string with_text = insert_png_itxt(bytes, "parameters", text);
  CHECK(png_is_complete(with_text));
  CHECK(with_text.find(std::string("iTXtparameters\0", 15)) != std::string::npos);
  const auto out = temp.path() / "itxt.png";
  std::ofstream(out, std::ios::binary) << with_text;
  CHECK_EQ(read_image_metadata(out).at("parameters"), text);
  CHECK(read_image(out).pixels == solid(8, 8, 1, 2, 3).pixels);
  CHECK_THROWS_WITH(insert_png_itxt("GIF89a", "parameters", "x"), "Not a PNG");
  CHECK_THROWS_WITH(read_image_metadata(temp.path() / "absent.png"), "absent.png");
}

STEER_TEST_MAIN()
