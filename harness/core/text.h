#pragma once
// Text for one-line messages.

#include <cstddef>
#include <string>
#include <string_view>

namespace kdrill {

// The first max_bytes of text on one line: control characters become spaces,
// trailing spaces go, a cut never splits a UTF-8 sequence and is shown as "...".
std::string OneLine(std::string_view text, size_t max_bytes = 200);

// text without trailing newlines, carriage returns and spaces (command output).
std::string TrimEnd(std::string text);

}  // namespace kdrill
