// SHA-256 against the FIPS 180-4 test vectors and the coreutils sha256sum of a file.
#include <cstdio>
#include <fstream>

#include "core/formats/sha256.h"
#include "tests/support/temp_folder.h"
#include "tests/support/test_harness.h"

using namespace steer;

TEST_CASE("FIPS 180-4 test vectors") {
  CHECK_EQ(sha256_hex(""), std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
  CHECK_EQ(sha256_hex("abc"), std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
  CHECK_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
           std::string("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
  CHECK_EQ(sha256_hex(std::string(1000000, 'a')),
           std::string("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
}

TEST_CASE("a file hashes like sha256sum") {
  steer::testing::TempFolder dir;
  const auto file = dir.path() / "data.bin";
  std::string content;
  for (int i = 0; i < 3'000'000; ++i) content += static_cast<char>(i * 7 % 251);
  std::ofstream(file, std::ios::binary) << content;
  CHECK_EQ(sha256_file(file), sha256_hex(content));
  const std::string cmd = "sha256sum '" + file.string() + "'";
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  char buf[65] = {};
  REQUIRE(fread(buf, 1, 64, p) == 64);
  pclose(p);
  CHECK_EQ(sha256_file(file), std::string(buf));
  CHECK_THROWS_WITH(sha256_file(dir.path() / "missing.bin"), "missing.bin", "cannot be read");
}

STEER_TEST_MAIN()
