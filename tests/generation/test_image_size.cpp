// Image sizes against the model (core/generation/image_size.h): whole latent cells, with the
// nearest valid sides named; a note when far from the native size, silence when near it.
#include <string>

#include "core/common/error.h"
#include "core/generation/image_size.h"
#include "tests/support/test_harness.h"

using namespace steer;

TEST_CASE("a side that is not whole latent cells is refused naming the nearest valid sides") {
  check_image_size(512, 768, 8);  // SD 1.5 sizes pass
  check_image_size(64, 36, 4);    // the demo model's 4-pixel cells
  CHECK_THROWS_WITH(check_image_size(100, 512, 8), "width 100", "multiple of 8", "96 or 104");
  CHECK_THROWS_WITH(check_image_size(512, 63, 8), "height 63", "56 or 64");
  CHECK_THROWS_WITH(check_image_size(64, 66, 4), "height 66", "multiple of 4", "64 or 68");
  // At the ends of the range only the valid neighbour is offered.
  CHECK_THROWS_WITH(check_image_size(5, 64, 8), "width 5", "use 8");
  CHECK_THROWS_WITH(check_image_size(4095, 64, 8), "width 4095", "use 4088");
  CHECK_THROWS_WITH(check_image_size(0, 64, 8), "width 0", "out of range");
  CHECK_THROWS_WITH(check_image_size(64, 4104, 8), "height 4104", "out of range", "4096");
  // Control: the message for a valid size is never produced.
  bool threw = false;
  try {
    check_image_side("width", 4096, 8);
  } catch (const InputError&) {
    threw = true;
  }
  CHECK(!threw);
}

TEST_CASE("a size far from the native one is noted, a near one is not") {
  // The demo model: 64 px native; half to twice it passes silently.
  CHECK_EQ(native_size_note(64, 64, 64), std::string());
  CHECK_EQ(native_size_note(32, 128, 64), std::string());
  CHECK_EQ(native_size_note(512, 512, 0), std::string());  // native size unknown: nothing to say
  const std::string large = native_size_note(512, 512, 64);
  CHECK(large.find("512x512") != std::string::npos && large.find("larger") != std::string::npos &&
        large.find("--size 64x64") != std::string::npos);
  CHECK(large.find('\n') == std::string::npos);  // one line
  const std::string small = native_size_note(512, 248, 512);
  CHECK(small.find("smaller") != std::string::npos && small.find("512x512") != std::string::npos);
  CHECK(native_size_note(16, 136, 64).find("far from") != std::string::npos);
  CHECK(!native_size_note(136, 64, 64).empty());  // one side is enough
}

STEER_TEST_MAIN()
