#include "app/cli/arguments.h"

#include <vector>

#include "core/common/checked_number.h"
#include "core/common/closest_word.h"
#include "core/common/error.h"

namespace steer::cli {

Arguments::Arguments(int argc, char** argv, std::set<std::string> options, std::set<std::string> switches) {
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "-h" && switches.count("help")) {
      switches_on_.insert("help");
      continue;
    }
    if (a.rfind("--", 0) != 0) {
      positional_.push_back(a);
      continue;
    }
    std::string name = a.substr(2), value;
    const auto eq = name.find('=');
    const bool inline_value = eq != std::string::npos;
    if (inline_value) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (switches.count(name)) {
      switches_on_.insert(name);
      continue;
    }
    if (!options.count(name)) {
      std::vector<std::string> known(options.begin(), options.end());
      known.insert(known.end(), switches.begin(), switches.end());
      if (const auto guess = closest_word(name, known))
        throw UsageError("unknown option --" + name + "; did you mean --" + *guess + "?");
      std::string list;
      for (const auto& k : known) list += " --" + k;
      throw UsageError("unknown option --" + name + "; the options are:" + list);
    }
    if (!inline_value) {
      if (i + 1 >= argc) throw InputError("option --" + name + " needs a value");
      value = argv[++i];
    }
    values_[name].push_back(value);
  }
}

void Arguments::refuse_positional(const std::string& verb) const {
  if (positional_.empty()) return;
  throw UsageError("steer " + verb + " takes no positional arguments (got \"" + positional_[0] +
                   "\"); every setting is named, e.g. --prompt \"a photo of sks dog\" (steer " + verb + " --help)");
}

std::string Arguments::get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second.back();
}

std::vector<std::string> Arguments::all(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

double Arguments::number(const std::string& name, double fallback) const {
  if (!values_.count(name)) return fallback;
  return parse_finite_number(get(name), "--" + name);
}

int64_t Arguments::integer(const std::string& name, int64_t fallback, int64_t min, int64_t max,
                           const std::string& allowed) const {
  if (!values_.count(name)) return fallback;
  return parse_whole_number(get(name), "--" + name, min, max, allowed);
}

int Arguments::int32(const std::string& name, int fallback, int min, int max, const std::string& allowed) const {
  return static_cast<int>(integer(name, fallback, min, max, allowed));  // in [min, max], so it fits
}

int64_t Arguments::seed(const std::string& name, int64_t fallback) const {
  if (!values_.count(name)) return fallback;
  return parse_seed(get(name), "--" + name);
}

std::vector<std::string> split_list(const std::string& text, char separator) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const auto pos = text.find(separator, start);
    out.push_back(text.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
    if (pos == std::string::npos) break;
    start = pos + 1;
  }
  return out;
}

}  // namespace steer::cli
