#pragma once
// "Did you mean ...?" for names a person typed: unknown keys, fault names,
// assertion types, wait conditions.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kdrill::drill {

// Edit distance where inserting, deleting, substituting a character or
// swapping two adjacent ones each cost 1 (optimal string alignment);
// case-sensitive.
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `name` when it is close enough to be a likely typo
// (distance <= max(1, len/3), or equal ignoring case); nullopt otherwise.
std::optional<std::string> ClosestMatch(std::string_view name,
                                        const std::vector<std::string>& candidates);

// `"a", "b", "c"` — for "accepted keys: ..." / "known faults: ...".
std::string QuoteList(const std::vector<std::string>& names);

// ` (did you mean "x"?)` or "" when nothing is close.
std::string DidYouMean(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace kdrill::drill
