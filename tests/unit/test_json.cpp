// The JSON parser that reads every config and safetensors header.
#include "core/formats/json.h"
#include "tests/support/test_harness.h"

using namespace steer;

TEST_CASE("parses the values a diffusers config holds") {
  auto v = json::parse(R"({"a": 1, "b": [1.5, -2e3, true, null], "c": "x\u00e9\n", "d": {"e": false}})");
  CHECK_EQ(v.at("a").as_int(), 1);
  CHECK_EQ(v.at("b").as_array()[1].as_number(), -2000.0);
  CHECK(v.at("b").as_array()[3].is_null());
  CHECK_EQ(v.at("c").as_string(), std::string("x\xc3\xa9\n"));
  CHECK(!v.at("d").at("e").as_bool());
}

TEST_CASE("64-bit integers beyond 2^53 keep every digit") {
  auto v = json::parse("[18446744073709551615, 9007199254740993]");
  CHECK_EQ(v.as_array()[0].as_uint(), 18446744073709551615ull);
  CHECK_EQ(v.as_array()[1].as_uint(), 9007199254740993ull);
}

TEST_CASE("rejects malformed documents with the byte offset") {
  CHECK_THROWS_WITH(json::parse("{\"a\": }"), "at byte 6");
  CHECK_THROWS_WITH(json::parse("[1, 2"), "at byte 5");
  CHECK_THROWS_WITH(json::parse("{\"a\": 1} x"), "after the JSON value");
  CHECK_THROWS_WITH(json::parse("\"\xff\""), "invalid UTF-8");
  CHECK_THROWS_WITH(json::parse("{\"a\":1,\"a\":2}"), "duplicate key");
  CHECK_THROWS_WITH(json::parse(std::string(100, '[') + std::string(100, ']')), "nesting");
  CHECK_THROWS_WITH(json::parse("\"\\ud800\""), "surrogate");
}

TEST_CASE("dump and parse round-trip") {
  auto v = json::parse(R"({"name": "a\"b", "list": [1, 2.5, "t\tx"], "nested": {"k": null}})");
  auto again = json::parse(v.dump(2));
  CHECK_EQ(again.dump(), v.dump());
}

STEER_TEST_MAIN()
