#pragma once
// "Did you mean ...?" for a mistyped word (a command, a flag, a settings key): the known word
// fewest single-letter edits away, offered only when it is close enough to be the intended one.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace steer {

// Letters inserted, deleted, replaced or two neighbours swapped to turn `a` into `b` (the
// optimal-string-alignment distance: "genrate" -> "generate" is 1, "gnerate" -> "generate" is 1).
inline size_t edit_distance(const std::string& a, const std::string& b) {
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<size_t>> d(n + 1, std::vector<size_t>(m + 1, 0));
  for (size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (size_t i = 1; i <= n; ++i)
    for (size_t j = 1; j <= m; ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[n][m];
}

// Letters `a` and `b` share at their start plus at their end (at most the shorter length).
inline size_t shared_ends(const std::string& a, const std::string& b) {
  const size_t n = std::min(a.size(), b.size());
  size_t prefix = 0, suffix = 0;
  while (prefix < n && a[prefix] == b[prefix]) ++prefix;
  while (suffix < n - prefix && a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) ++suffix;
  return prefix + suffix;
}

// The candidate closest to `word`, or nothing when even the closest needs more edits than a
// typo makes: one edit for words of up to 4 letters, two up to 8, three beyond (so "sed" finds
// "seed" but "xyz" finds nothing). Between equally close candidates the one that shares more
// of the word's start and end wins ("omegs": "omegas" over "omega"), then the first given.
inline std::optional<std::string> closest_word(const std::string& word, const std::vector<std::string>& candidates) {
  const size_t allowed = word.size() <= 4 ? 1 : word.size() <= 8 ? 2 : 3;
  std::optional<std::string> best;
  size_t best_distance = allowed + 1, best_shared = 0;
  for (const auto& c : candidates) {
    const size_t distance = edit_distance(word, c), shared = shared_ends(word, c);
    if (distance < best_distance || (distance == best_distance && shared > best_shared)) {
      best = c;
      best_distance = distance;
      best_shared = shared;
    }
  }
  return best;
}

}  // namespace steer
