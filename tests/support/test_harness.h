#pragma once
// Steer Studio's own minimal test harness. The GPU machine has no GoogleTest, and the
// same test programs must run there, so the tests depend on nothing but the C++ library.
// Each program prints one line per failed check and closes with "N passed, N failed".
#include <cmath>
#include <functional>
#include <initializer_list>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace steer::testing {

struct TestCase {
  const char* name;
  std::function<void()> body;
};

inline std::vector<TestCase>& registry() {
  static std::vector<TestCase> tests;
  return tests;
}

struct Registrar {
  Registrar(const char* name, std::function<void()> body) { registry().push_back({name, std::move(body)}); }
};

// Thrown by REQUIRE to stop the current test case.
struct RequireFailed {};

inline int& failures_in_current_test() {
  static int n = 0;
  return n;
}

inline void report_failure(const char* file, int line, const std::string& what) {
  ++failures_in_current_test();
  std::cerr << file << ":" << line << ": FAILED: " << what << "\n";
}

// Runs every registered test whose name contains one of the arguments (all without any).
inline int run_all(int argc, char** argv) {
  std::vector<std::string> filters(argv + 1, argv + argc);
  auto selected = [&](const std::string& name) {
    if (filters.empty()) return true;
    for (const auto& f : filters)
      if (name.find(f) != std::string::npos) return true;
    return false;
  };
  int passed = 0, failed = 0;
  for (auto& t : registry()) {
    if (!selected(t.name)) continue;
    failures_in_current_test() = 0;
    try {
      t.body();
    } catch (const RequireFailed&) {
    } catch (const std::exception& e) {
      report_failure(t.name, 0, std::string("unexpected exception: ") + e.what());
    }
    if (failures_in_current_test() == 0) {
      ++passed;
      std::cout << "[ ok ] " << t.name << "\n";
    } else {
      ++failed;
      std::cout << "[FAIL] " << t.name << "\n";
    }
  }
  std::cout << passed << " passed, " << failed << " failed\n";
  return failed == 0 && passed > 0 ? 0 : 1;
}

}  // namespace steer::testing

#define STEER_CAT_(a, b) a##b
#define STEER_CAT(a, b) STEER_CAT_(a, b)
#define TEST_CASE(name)                                                                                                \
  static void STEER_CAT(steer_test_fn_, __LINE__)();                                                                   \
  static ::steer::testing::Registrar STEER_CAT(steer_test_reg_, __LINE__)(name, &STEER_CAT(steer_test_fn_, __LINE__)); \
  static void STEER_CAT(steer_test_fn_, __LINE__)()

// c10 defines glog-style CHECK macros; the tests use these.
#undef CHECK
#undef CHECK_EQ
#define CHECK(cond)                                                           \
  do {                                                                        \
    if (!(cond)) ::steer::testing::report_failure(__FILE__, __LINE__, #cond); \
  } while (0)

#define REQUIRE(cond)                                              \
  do {                                                             \
    if (!(cond)) {                                                 \
      ::steer::testing::report_failure(__FILE__, __LINE__, #cond); \
      throw ::steer::testing::RequireFailed{};                     \
    }                                                              \
  } while (0)

#define CHECK_MSG(cond, msg)                                                 \
  do {                                                                       \
    if (!(cond)) {                                                           \
      std::ostringstream steer_os_;                                          \
      steer_os_ << #cond << " -- " << msg;                                   \
      ::steer::testing::report_failure(__FILE__, __LINE__, steer_os_.str()); \
    }                                                                        \
  } while (0)

#define CHECK_EQ(a, b) CHECK_MSG((a) == (b), "left: " << (a) << " right: " << (b))

// Checks that `expr` throws an exception whose message contains every given fragment.
#define CHECK_THROWS_WITH(expr, ...)                                                         \
  do {                                                                                       \
    bool steer_threw_ = false;                                                               \
    try {                                                                                    \
      (void)(expr);                                                                          \
    } catch (const std::exception& steer_e_) {                                               \
      steer_threw_ = true;                                                                   \
      std::string steer_msg_ = steer_e_.what();                                              \
      for (const std::string& steer_frag_ : std::initializer_list<std::string>{__VA_ARGS__}) \
        CHECK_MSG(steer_msg_.find(steer_frag_) != std::string::npos,                         \
                  "message \"" << steer_msg_ << "\" lacks \"" << steer_frag_ << "\"");       \
    }                                                                                        \
    CHECK_MSG(steer_threw_, #expr " did not throw");                                         \
  } while (0)

#define STEER_TEST_MAIN() \
  int main(int argc, char** argv) { return ::steer::testing::run_all(argc, argv); }
