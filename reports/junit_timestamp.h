#pragma once
// The JUnit `timestamp` attribute. Ant's JUnit schema and Surefire use
// "YYYY-MM-DDTHH:MM:SS" with no fraction and no zone; the xunit schema takes
// any string. kdrill writes the Ant form in UTC, which every consumer reads.

#include <optional>
#include <string>
#include <string_view>

namespace kdrill::reports {

// "2024-05-01T12:00:00.123+02:00" -> "2024-05-01T10:00:00". Accepts RFC 3339
// ('T' or ' ' separator, optional fraction, 'Z' or +hh:mm / -hh:mm).
// nullopt for anything else.
std::optional<std::string> JunitTimestamp(std::string_view rfc3339);

}  // namespace kdrill::reports
