#pragma once
// Durations as drill files write them: "500ms", "30s", "2m", "1h", or a bare
// integer meaning seconds. One place parses them so every error names the same
// accepted forms.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace kdrill::drill {

// Human text listing the accepted forms, for error messages.
inline constexpr std::string_view kDurationForms =
    "a duration like \"500ms\", \"30s\", \"2m\", \"1h\" or a bare integer (seconds), "
    "at most 168h";

// The longest duration a drill may name (a week): every deadline kdrill
// computes from one stays far from the clock's range.
inline constexpr std::chrono::hours kMaxDuration{168};

// Returns nullopt when `text` is not one non-negative integer followed by an
// optional unit (ms, s, m, h), or when the value is over kMaxDuration.
std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text);

// "1.5s", "250ms", "2m", "1h30m" — the inverse direction, for messages.
std::string FormatDuration(std::chrono::milliseconds d);

}  // namespace kdrill::drill
