// Sweep plans, ω schedules and guidance settings: pure value logic, no model.
#include <cmath>
#include <set>

#include "core/common/error.h"
#include "core/generation/sweep_plan.h"
#include "core/generation/sweep_runner.h"
#include "tests/support/test_harness.h"

using namespace steer;

TEST_CASE("omega schedules: values per step and text round trip") {
  auto lin = OmegaSchedule::parse("linear:0.2->0.8");
  auto v = lin.values(6);
  const double expected[] = {0.2, 0.32, 0.44, 0.56, 0.68, 0.8};
  for (int i = 0; i < 6; ++i) CHECK(std::fabs(v[i] - expected[i]) < 1e-12);
  auto cos = OmegaSchedule::parse("cosine:0.2->1");
  CHECK(std::fabs(cos.at(0, 5) - 0.2) < 1e-12);
  CHECK(std::fabs(cos.at(4, 5) - 1.0) < 1e-12);
  CHECK(std::fabs(cos.at(2, 5) - 0.6) < 1e-12);
  auto interval = OmegaSchedule::parse("interval:0.5@0.2-0.8");
  CHECK(interval.at(0, 11) == 1.0);
  CHECK(interval.at(5, 11) == 0.5);
  CHECK(interval.at(10, 11) == 1.0);
  CHECK(OmegaSchedule::parse("0.5").at(3, 10) == 0.5);
  CHECK(OmegaSchedule::parse("constant:0.25").is_constant());
  for (const char* text : {"0.5", "linear:0.2->0.8", "cosine:0.2->1", "interval:0.5@0.2-0.8"})
    CHECK_EQ(OmegaSchedule::parse(OmegaSchedule::parse(text).to_string()).to_string(), OmegaSchedule::parse(text).to_string());
  CHECK_EQ(OmegaSchedule::parse("1").at(0, 1), 1.0);
}

TEST_CASE("a sweep enumerates method x lambda x omega x seed x prompt, omega as columns") {
  SweepPlan plan;
  plan.base.prompt = "a photo of sks mug";
  plan.base.steps = 4;
  plan.methods = {"cfg", "pg"};
  plan.lambdas = {5.0};
  plan.omegas = {"0", "0.5", "1"};
  plan.seeds = {1, 2};
  plan.validate();
  auto axes = plan.axes();
  REQUIRE(axes.size() == 3);
  CHECK_EQ(axes[0].name, std::string("omega"));
  CHECK_EQ(axes[1].name, std::string("method"));
  CHECK_EQ(axes[2].name, std::string("seed"));
  // CFG declares no ω: one CFG cell per seed, spanning the ω columns; PG one per ω and seed.
  auto cells = plan.cells();
  REQUIRE(cells.size() == 8);
  CHECK_EQ(plan.full_grid_size(), size_t(12));
  for (size_t i = 0; i < cells.size(); ++i) CHECK_EQ(cells[i].index, i);
  CHECK(cells[0].request.guidance.method == GuidanceMethod::Cfg && cells[0].request.seed == 1);
  CHECK(cells[1].request.guidance.method == GuidanceMethod::Cfg && cells[1].request.seed == 2);
  CHECK((cells[0].position == std::vector<size_t>{kAxisNotApplicable, 0, 0}));
  CHECK((cells[1].position == std::vector<size_t>{kAxisNotApplicable, 0, 1}));
  CHECK(cells[2].request.guidance.method == GuidanceMethod::Personalization);
  CHECK((cells[2].position == std::vector<size_t>{0, 1, 0}));
  CHECK(cells[7].request.guidance.omega.start == 1.0 && cells[7].request.seed == 2);
  CHECK((cells[7].position == std::vector<size_t>{2, 1, 1}));
  for (const auto& c : cells) CHECK(c.request.guidance.scale == 5.0);
  // The CFG cell carries the base ω, not one of the axis's values.
  CHECK_EQ(cells[0].request.guidance.omega.to_string(), plan.base.guidance.omega.to_string());
  // No two cells are the same image.
  std::set<std::string> keys;
  for (const auto& c : cells) keys.insert(reproducibility_key(c.request));
  CHECK_EQ(keys.size(), cells.size());
}

TEST_CASE("axes that do not apply are not repeated: cfg x 3 omegas is 1 cell, pg x 3 is 3") {
  SweepPlan plan;
  plan.base.prompt = "a photo of sks mug";
  plan.omegas = {"0", "0.5", "1"};
  plan.methods = {"cfg"};
  CHECK_EQ(plan.cells().size(), size_t(1));
  CHECK_EQ(plan.cells()[0].position[0], kAxisNotApplicable);
  plan.methods = {"pg"};  // the control: ω changes PG's image
  CHECK_EQ(plan.cells().size(), size_t(3));
  for (const auto& c : plan.cells()) CHECK(c.position[0] != kAxisNotApplicable);
  // AG's weak model carries its own ω (omega:W), so the ω axis does not apply to AG either.
  plan.methods = {"ag"};
  plan.base.guidance.weak = WeakModel::parse("omega:0.5");
  CHECK_EQ(plan.cells().size(), size_t(1));
  // λ changes every method's image: CFG over λ x ω is one cell per λ.
  plan.methods = {"cfg"};
  plan.lambdas = {3, 5};
  const auto cells = plan.cells();
  REQUIRE(cells.size() == 2);
  CHECK(cells[0].request.guidance.scale == 3.0 && cells[1].request.guidance.scale == 5.0);
  // With λ as the only axis (no ω axis), nothing is spanned; nearly equal λ are two images.
  SweepPlan lambdas;
  lambdas.base.prompt = "x";
  lambdas.lambdas = {7.5, 7.5000001};
  REQUIRE(lambdas.cells().size() == 2);
  CHECK(lambdas.cells()[1].position[0] == 1);
}

TEST_CASE("a sweep file with a typo is refused, naming the key and the known ones") {
  GenerationRequest base;
  base.prompt = "x";
  auto file = json::parse(R"({"methods": ["cfg", "pg"], "omegaz": [0, 1]})");
  CHECK_THROWS_WITH(SweepPlan::from_json(file, "my-sweep.json", base), "my-sweep.json", "unknown key \"omegaz\"", "omegas");
  auto bad_method = json::parse(R"({"methods": ["cfg", "pgx"]})");
  CHECK_THROWS_WITH(SweepPlan::from_json(bad_method, "s.json", base).validate(), "\"pgx\"");
  auto bad_omega = json::parse(R"({"methods": ["pg"], "omegas": [0.5, 1.5]})");
  CHECK_THROWS_WITH(SweepPlan::from_json(bad_omega, "s.json", base).validate(), "1.5", "outside [0, 1]");
  auto bad_steps = json::parse(R"({"steps": 0})");
  CHECK_THROWS_WITH(SweepPlan::from_json(bad_steps, "s.json", base).validate(), "sweep cell 0", "steps 0");
  auto ok = SweepPlan::from_json(
      json::parse(R"({"methods": ["pg"], "omegas": ["linear:0.2->0.8", 1], "seeds": [7], "steps": 5})"), "s.json", base);
  ok.validate();
  CHECK_EQ(ok.cells().size(), size_t(2));
  CHECK_EQ(ok.cells()[0].request.steps, 5);
  CHECK_EQ(ok.cells()[0].request.seed, int64_t(7));
}

STEER_TEST_MAIN()
