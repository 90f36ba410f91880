#pragma once
// A small command-line reader: "--name value" options and "--flag" switches, each known
// option declared up front so a typo is refused naming the closest accepted option (or, when
// none is close, the list of what is accepted). "-h" is "--help" wherever "help" is a switch.
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/common/error.h"

namespace steer::cli {

// The command line itself is wrong (an unknown verb or option): `steer` exits 2, not 1.
class UsageError : public InputError {
 public:
  using InputError::InputError;
};

class Arguments {
 public:
  // `options` take a value (repeatable ones collect every value); `switches` take none.
  Arguments(int argc, char** argv, std::set<std::string> options, std::set<std::string> switches);

  bool has(const std::string& name) const { return values_.count(name) > 0 || switches_on_.count(name) > 0; }
  std::string get(const std::string& name, const std::string& fallback = "") const;
  std::vector<std::string> all(const std::string& name) const;
  // The checked readers below return `fallback` when the option is absent and otherwise
  // refuse (InputError naming the option, the value and what is allowed) anything that is
  // not a number of the right kind in range: nothing is wrapped, truncated or saturated.
  // A finite number ("inf", "nan" and overflowing values are refused).
  double number(const std::string& name, double fallback) const;
  // A whole number from `min` to `max`; `allowed` replaces "a whole number from MIN to MAX"
  // in the message where the setting has a better description.
  int64_t integer(const std::string& name, int64_t fallback, int64_t min = std::numeric_limits<int64_t>::min(),
                  int64_t max = std::numeric_limits<int64_t>::max(), const std::string& allowed = "") const;
  // A whole number from `min` to `max` that fits an int (the options held in int settings).
  int int32(const std::string& name, int fallback, int min = std::numeric_limits<int>::min(),
            int max = std::numeric_limits<int>::max(), const std::string& allowed = "") const;
  // A seed: 0 to 2^63-1 (core/common/checked_number.h says why not 2^64-1).
  int64_t seed(const std::string& name, int64_t fallback) const;
  const std::vector<std::string>& positional() const { return positional_; }
  // UsageError when anything was given without an option name ("steer <verb> takes no
  // positional arguments"): a prompt typed without --prompt must not be ignored silently.
  void refuse_positional(const std::string& verb) const;

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::set<std::string> switches_on_;
  std::vector<std::string> positional_;
};

// "1,2,3" -> {"1","2","3"}; empty entries are refused by the caller's parser.
std::vector<std::string> split_list(const std::string& text, char separator = ',');

// The entries of a comma-separated list option, each parsed by `parse(entry, what)` where
// `what` names the list and the entry ("--seeds entry 2"); an empty entry is refused.
template <class Parse>
auto list_option(const Arguments& args, const std::string& name, Parse parse) {
  std::vector<decltype(parse(std::string(), std::string()))> out;
  if (!args.has(name)) return out;
  const std::string text = args.get(name);
  size_t position = 0;
  for (const auto& item : split_list(text)) {
    ++position;
    if (item.empty())
      throw InputError("--" + name + " \"" + text + "\": entry " + std::to_string(position) +
                       " is empty; separate values with single commas");
    out.push_back(parse(item, "--" + name + " entry " + std::to_string(position)));
  }
  return out;
}

}  // namespace steer::cli
