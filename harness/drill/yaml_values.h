#pragma once
// INTERNAL to harness/drill: typed scalar values of a drill. Each reader
// returns nullopt after reporting "<path>: expected <what>, got <found>" at
// the value's location. Numbers and booleans must be written plain (a quoted
// "42" is a string, and the message says so).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/drill/map_reader.h"

namespace kdrill::drill {

// A scalar of any kind, as written (plain 42 reads as "42"). Non-empty when
// `non_empty`.
std::optional<std::string> ReadString(const Field& field, Diagnostics& diag,
                                      bool non_empty = true);
std::optional<uint64_t> ReadUint64(const Field& field, Diagnostics& diag);
// An integer >= `min`.
std::optional<int64_t> ReadInt(const Field& field, int64_t min, Diagnostics& diag);
std::optional<bool> ReadBool(const Field& field, Diagnostics& diag);
// See duration.h; must be > 0 when `positive`.
std::optional<std::chrono::milliseconds> ReadDuration(const Field& field, bool positive,
                                                      Diagnostics& diag);

// The items of a list as Fields (path "x[3]"), or nullopt after reporting
// a non-list. An empty list is reported when `non_empty`.
std::optional<std::vector<Field>> ReadList(const Field& field, bool non_empty,
                                           const YamlSource& source, Diagnostics& diag);

}  // namespace kdrill::drill
