// Sweep plans, ω schedules and guidance settings: pure value logic, no model.
#include <cmath>

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
  auto cells = plan.cells();
  REQUIRE(cells.size() == 12);
  CHECK(cells[0].request.guidance.method == GuidanceMethod::Cfg);
  CHECK(cells[1].request.guidance.method == GuidanceMethod::Cfg && cells[1].request.seed == 2);
  CHECK(cells[2].request.guidance.method == GuidanceMethod::Personalization);
  CHECK(cells[11].request.guidance.omega.start == 1.0 && cells[11].request.seed == 2);
  for (const auto& c : cells) CHECK(c.request.guidance.scale == 5.0);
  // CFG ignores ω: its cells along the ω axis are the same image, computed once.
  CHECK_EQ(reproducibility_key(cells[0].request), reproducibility_key(cells[4].request));
  CHECK(reproducibility_key(cells[2].request) != reproducibility_key(cells[6].request));
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
