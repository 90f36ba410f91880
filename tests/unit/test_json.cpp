// The JSON parser that reads every config and safetensors header.
#include <chrono>
#include <limits>
#include <string>

#include "core/formats/json.h"
#include "tests/support/test_harness.h"

// GCC 12 at -O3 reports moving a json::Value whose variant holds a number into an array as a
// read of the array member ("may be used uninitialized", a known false positive with
// std::variant of vectors); with -Werror (the ci preset) it would stop the build.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

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

TEST_CASE("numbers dump in their shortest exact form") {
  // The text a person reads in a sidecar or in `steer train --help`: 0.9, not 0.90000000000000002.
  CHECK_EQ(json::Value(0.9).dump(), std::string("0.9"));
  CHECK_EQ(json::Value(0.999).dump(), std::string("0.999"));
  CHECK_EQ(json::Value(7.5).dump(), std::string("7.5"));
  CHECK_EQ(json::Value(1e-7).dump(), std::string("1e-07"));
  CHECK_EQ(json::Value(-0.1).dump(), std::string("-0.1"));
  // Shortest does not mean rounded: each reads back as the very same double.
  for (double d : {0.9, 1e-7, 0.1 + 0.2, 1.0 / 3.0, 5e-324, 1.7976931348623157e308, -2.5e-5, 123456.789})
    CHECK_MSG(json::parse(json::Value(d).dump()).as_number() == d, "dump " << json::Value(d).dump());
  // 0.1 + 0.2 is not 0.3 and must not print as it.
  CHECK_EQ(json::Value(0.1 + 0.2).dump(), std::string("0.30000000000000004"));
  // Whole numbers print as integers, as before, and so do integers read from a file.
  CHECK_EQ(json::Value(512.0).dump(), std::string("512"));
  CHECK_EQ(json::Value(-3.0).dump(), std::string("-3"));
  CHECK_EQ(json::Value(0.0).dump(), std::string("0"));
  CHECK_EQ(json::parse("[18446744073709551615, 1e2, 2.50]").dump(), std::string("[18446744073709551615,100,2.5]"));
  // Beyond 2^53 a double is written in exponent form, still exactly.
  CHECK_EQ(json::Value(1e20).dump(), std::string("1e+20"));
  // JSON has no NaN or infinity.
  CHECK_EQ(json::Value(std::numeric_limits<double>::quiet_NaN()).dump(), std::string("null"));
}

TEST_CASE("copies of arrays and objects are independent") {
  const json::Value array = json::Array{1, "two", json::Array{3}};
  json::Value array_copy = array;
  array_copy.as_array().push_back(4);
  array_copy.as_array()[1] = "changed";
  array_copy.as_array()[2].as_array().push_back(5);
  CHECK_EQ(array.dump(), std::string(R"([1,"two",[3]])"));
  CHECK_EQ(array_copy.dump(), std::string(R"([1,"changed",[3,5],4])"));

  json::Value object = json::Object{{"a", 1}, {"inner", json::Object{{"b", 2}}}};
  json::Value object_copy = object;
  object_copy.set("a", 10);
  object_copy.set("c", 3);
  object_copy.as_object()[1].second.set("b", 20);
  CHECK_EQ(object.dump(), std::string(R"({"a":1,"inner":{"b":2}})"));
  CHECK_EQ(object_copy.dump(), std::string(R"({"a":10,"inner":{"b":20},"c":3})"));
  // And the other way round: changing the original leaves the copy alone.
  object.as_object()[1].second.set("d", 4);
  CHECK(!object_copy.at("inner").contains("d"));
}

TEST_CASE("copy assignment makes an independent copy") {
  const json::Value source = json::Object{{"list", json::Array{1, 2}}, {"nested", json::Object{{"k", "v"}}}};
  json::Value target = json::Array{"replaced"};
  target = source;
  target.as_object()[0].second.as_array().clear();
  target.as_object()[1].second.set("k", "w");
  target.set("new", true);
  CHECK_EQ(source.dump(), std::string(R"({"list":[1,2],"nested":{"k":"v"}})"));
  CHECK_EQ(target.dump(), std::string(R"({"list":[],"nested":{"k":"w"},"new":true})"));

  json::Value scalar = 5;
  scalar = source.at("list");
  scalar.as_array().push_back(3);
  CHECK_EQ(source.at("list").as_array().size(), size_t{2});
  CHECK_EQ(scalar.dump(), std::string("[1,2,3]"));
}

TEST_CASE("copies of parsed documents are independent") {
  const std::string text = R"({"unet": {"block_out_channels": [320, 640], "sample_size": 64}, "names": ["a", "b"]})";
  json::Value parsed = json::parse(text);
  const std::string original = parsed.dump();

  json::Value whole = parsed;
  whole.set("names", json::Array{});
  json::Value unet = parsed.at("unet");
  unet.set("sample_size", 96);
  json::Value channels;
  channels = parsed.at("unet").at("block_out_channels");
  channels.as_array()[0] = 1;
  CHECK_EQ(parsed.dump(), original);
  CHECK_EQ(unet.at("sample_size").as_int(), 96);
  CHECK_EQ(channels.dump(), std::string("[1,640]"));

  // A parsed copy keeps the exact 64-bit integers too.
  const json::Value big = json::parse("[18446744073709551615]");
  json::Value big_copy = big;
  CHECK_EQ(big_copy.as_array()[0].as_uint(), 18446744073709551615ull);
}

TEST_CASE("a value can be assigned one of its own members") {
  json::Value node = json::parse(R"({"a": {"b": {"c": [1, {"d": 2}]}}})");
  node = node.at("a");
  node = node.at("b").at("c");
  CHECK_EQ(node.dump(), std::string(R"([1,{"d":2}])"));
  node = node.as_array()[1];
  CHECK_EQ(node.dump(), std::string(R"({"d":2})"));
  node = std::move(node.as_object()[0].second);
  CHECK_EQ(node.as_int(), 2);
  json::Value self = json::Array{1, 2};
  const json::Value& same = self;
  self = same;
  CHECK_EQ(self.dump(), std::string("[1,2]"));
}

TEST_CASE("moving a value hands over its containers without copying them") {
  json::Value from = json::Array{json::Object{{"k", 1}}, 2};
  const json::Value* first_element = &from.as_array()[0];
  json::Value moved = std::move(from);
  CHECK(&moved.as_array()[0] == first_element);
  json::Value assigned;
  assigned = std::move(moved);
  CHECK(&assigned.as_array()[0] == first_element);
  CHECK_EQ(assigned.dump(), std::string(R"([{"k":1},2])"));
}

// An object whose keys are "key0", "key1", ... with `extra` appended as one more member.
static std::string object_with_keys(size_t count, const std::string& extra = "") {
  std::string text = "{";
  for (size_t i = 0; i < count; ++i) {
    if (i) text += ", ";
    text += "\"key" + std::to_string(i) + "\": " + std::to_string(i);
  }
  if (!extra.empty()) text += ", " + extra;
  return text + "}";
}

TEST_CASE("duplicate keys are refused wherever they appear") {
  // Small objects (a linear scan) and large ones (the ordered index) alike.
  for (size_t count : {size_t{3}, size_t{15}, size_t{16}, size_t{17}, size_t{100}}) {
    const std::string first = "key0", middle = "key" + std::to_string(count / 2), last = "key" + std::to_string(count - 1);
    for (const std::string& repeated : {first, middle, last})
      CHECK_THROWS_WITH(json::parse(object_with_keys(count, "\"" + repeated + "\": 0")), "duplicate key \"" + repeated + "\"");
    CHECK_EQ(json::parse(object_with_keys(count)).as_object().size(), count);
  }
  // The repeat of the first key, in the middle of the object.
  std::string text = object_with_keys(40);
  text.insert(text.find("\"key20\""), "\"key0\": 1, ");
  CHECK_THROWS_WITH(json::parse(text), "duplicate key \"key0\"");
  // The error is at the byte after the repeated key.
  CHECK_THROWS_WITH(json::parse(R"({"a":1,"a":2})"), "duplicate key \"a\" at byte 10");
  // Keys are compared after unescaping.
  CHECK_THROWS_WITH(json::parse(R"({"a":1,"\u0061":2})"), "duplicate key \"a\"");
  // Nested objects: each object is checked on its own.
  CHECK_THROWS_WITH(json::parse(R"({"outer": {"x": 1, "y": 2, "x": 3}})"), "duplicate key \"x\"");
  CHECK_THROWS_WITH(json::parse(R"([{"x": 1}, {"y": {"z": [], "z": {}}}])"), "duplicate key \"z\"");
  CHECK_THROWS_WITH(json::parse("{\"inner\": " + object_with_keys(50, "\"key7\": 0") + "}"), "duplicate key \"key7\"");
  const json::Value same_key_in_different_objects = json::parse(R"({"x": {"x": 1}, "y": {"x": 2}})");
  CHECK_EQ(same_key_in_different_objects.at("y").at("x").as_int(), 2);
  // Allowed when asked for: both members are kept, in order.
  json::ParseOptions lenient;
  lenient.reject_duplicate_keys = false;
  const json::Value kept = json::parse(R"({"a":1,"a":2})", lenient);
  CHECK_EQ(kept.as_object().size(), size_t{2});
  CHECK_EQ(kept.as_object()[1].second.as_int(), 2);
}

TEST_CASE("an object with 200,000 keys parses quickly, in order") {
  // The quadratic duplicate check took about 40 s on this document (0.08 s now); the bound
  // leaves room for a slow machine or a debug build (1.6 s unoptimised).
  constexpr size_t kKeys = 200'000;
  const std::string text = object_with_keys(kKeys);
  const auto start = std::chrono::steady_clock::now();
  const json::Value v = json::parse(text);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK_MSG(seconds < 3.0, "parsing took " << seconds << " s");
  REQUIRE(v.as_object().size() == kKeys);
  CHECK_EQ(v.as_object()[0].first, std::string("key0"));
  CHECK_EQ(v.as_object()[kKeys / 2].first, "key" + std::to_string(kKeys / 2));
  CHECK_EQ(v.as_object()[kKeys - 1].second.as_int(), static_cast<int64_t>(kKeys - 1));

  // One duplicate at the very end is still found, quickly, and named.
  const std::string with_duplicate = object_with_keys(kKeys, "\"key123456\": 0");
  const auto duplicate_start = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH(json::parse(with_duplicate), "duplicate key \"key123456\"",
                    "at byte " + std::to_string(with_duplicate.size() - 4));
  const double duplicate_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - duplicate_start).count();
  CHECK_MSG(duplicate_seconds < 3.0, "refusing took " << duplicate_seconds << " s");
}

STEER_TEST_MAIN()
