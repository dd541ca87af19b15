#include "harness/drill/suggest.h"

#include <algorithm>
#include <cctype>

namespace kdrill::drill {

size_t EditDistance(std::string_view a, std::string_view b) {
  // Optimal string alignment: a full matrix, small strings only.
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) {
    d[i][0] = i;
  }
  for (size_t j = 0; j <= b.size(); ++j) {
    d[0][j] = j;
  }
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

namespace {
std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}
}  // namespace

std::optional<std::string> ClosestMatch(std::string_view name,
                                        const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  size_t best_distance = 0;
  std::string lower_name = Lower(name);
  for (const auto& candidate : candidates) {
    size_t d = Lower(candidate) == lower_name ? 0 : EditDistance(name, candidate);
    if (!best || d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  size_t limit = std::max<size_t>(1, name.size() / 3);
  if (!best || best_distance > limit) {
    return std::nullopt;
  }
  return best;
}

std::string QuoteList(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) {
      out += ", ";
    }
    out += "\"" + n + "\"";
  }
  return out;
}

std::string DidYouMean(std::string_view name, const std::vector<std::string>& candidates) {
  auto match = ClosestMatch(name, candidates);
  if (!match) {
    return "";
  }
  return " (did you mean \"" + *match + "\"?)";
}

}  // namespace kdrill::drill
