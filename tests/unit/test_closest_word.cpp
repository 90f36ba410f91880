// "Did you mean ...?" (core/common/closest_word.h): the `steer` CLI's suggestions for a
// mistyped command or flag.
#include <string>
#include <vector>

#include "core/common/closest_word.h"
#include "tests/support/test_harness.h"

using namespace steer;

TEST_CASE("edit distance counts inserted, deleted, replaced and swapped letters") {
  CHECK_EQ(edit_distance("generate", "generate"), size_t{0});
  CHECK_EQ(edit_distance("genrate", "generate"), size_t{1});    // one letter missing
  CHECK_EQ(edit_distance("generatee", "generate"), size_t{1});  // one letter too many
  CHECK_EQ(edit_distance("gemerate", "generate"), size_t{1});   // one letter wrong
  CHECK_EQ(edit_distance("gnerate", "generate"), size_t{1});
  CHECK_EQ(edit_distance("gneerate", "generate"), size_t{1});  // two neighbours swapped
  CHECK_EQ(edit_distance("", "seed"), size_t{4});
  CHECK_EQ(edit_distance("kitten", "sitting"), size_t{3});
}

TEST_CASE("the closest word is offered only when it is close enough to be a typo") {
  const std::vector<std::string> verbs = {"info", "generate", "sweep", "train", "train-base", "demo", "bench", "help"};
  CHECK_EQ(closest_word("genrate", verbs).value_or("-"), std::string("generate"));
  CHECK_EQ(closest_word("swep", verbs).value_or("-"), std::string("sweep"));
  CHECK_EQ(closest_word("trian", verbs).value_or("-"), std::string("train"));
  CHECK_EQ(closest_word("train_base", verbs).value_or("-"), std::string("train-base"));
  // Control: words that resemble nothing get no suggestion.
  CHECK(!closest_word("xyz", verbs));
  CHECK(!closest_word("render", verbs));
  CHECK(!closest_word("completely-different", verbs));

  const std::vector<std::string> flags = {"model", "prompt", "seed", "size", "steps", "sampler", "lambda", "omega"};
  CHECK_EQ(closest_word("sed", flags).value_or("-"), std::string("seed"));
  CHECK_EQ(closest_word("samplr", flags).value_or("-"), std::string("sampler"));
  CHECK_EQ(closest_word("promt", flags).value_or("-"), std::string("prompt"));
  CHECK_EQ(closest_word("lamda", flags).value_or("-"), std::string("lambda"));
  // Equally close: the candidate sharing more of the word's ends wins, whatever the order.
  CHECK_EQ(closest_word("omegs", {"omega", "omegas"}).value_or("-"), std::string("omegas"));
  CHECK_EQ(closest_word("omegs", {"omegas", "omega"}).value_or("-"), std::string("omegas"));
  CHECK_EQ(closest_word("omeg", {"omegas", "omega"}).value_or("-"), std::string("omega"));
  // A short word allows one edit only: "sx" is two from "size" and "seed".
  CHECK(!closest_word("sx", flags));
  CHECK(!closest_word("anything", {}));
}

STEER_TEST_MAIN()
