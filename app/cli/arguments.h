#pragma once
// A small command-line reader: "--name value" options and "--flag" switches, each known
// option declared up front so a typo is refused with the list of what is accepted.
#include <map>
#include <set>
#include <string>
#include <vector>

namespace steer::cli {

class Arguments {
 public:
  // `options` take a value (repeatable ones collect every value); `switches` take none.
  Arguments(int argc, char** argv, std::set<std::string> options, std::set<std::string> switches);

  bool has(const std::string& name) const { return values_.count(name) > 0 || switches_on_.count(name) > 0; }
  std::string get(const std::string& name, const std::string& fallback = "") const;
  std::vector<std::string> all(const std::string& name) const;
  double number(const std::string& name, double fallback) const;
  int64_t integer(const std::string& name, int64_t fallback) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::set<std::string> switches_on_;
  std::vector<std::string> positional_;
};

// "1,2,3" -> {"1","2","3"}; empty entries are refused by the caller's parser.
std::vector<std::string> split_list(const std::string& text, char separator = ',');

}  // namespace steer::cli
