#pragma once
// Text for one-line messages.

#include <cstddef>
#include <string>
#include <string_view>

namespace kdrill {

// The first max_bytes of text on one line: control characters become spaces,
// trailing spaces go, a cut never splits a UTF-8 sequence and is shown as "...".
std::string OneLine(std::string_view text, size_t max_bytes = 200);

// text made safe to echo inside a one-line message: control characters and
// DEL become escapes (\n, \t, \r, \xNN), bytes that are not UTF-8 become
// \xNN, and a text longer than max_bytes keeps its start and its end (where
// a message's advice is) around "...[N bytes cut]...".
std::string EscapeForMessage(std::string_view text, size_t max_bytes = 1000);

// The offset of the first byte that does not belong to a well-formed UTF-8
// sequence (overlong forms and surrogates included), or npos.
size_t FirstInvalidUtf8(std::string_view text);

// "3.0 MiB": bytes in mebibytes with one decimal, for size limits in messages.
std::string Mebibytes(size_t bytes);

// Two lowercase hex digits: 0xe9 -> "e9".
std::string HexByte(unsigned char c);

// text without trailing newlines, carriage returns and spaces (command output).
std::string TrimEnd(std::string text);

}  // namespace kdrill
