#include "harness/drill/diagnostics.h"

#include <sstream>

#include "harness/core/text.h"

namespace kdrill::drill {

void Diagnostics::Add(const SourceLocation& where, const std::string& message) {
  // Values a drill holds are echoed in messages: escaped, so that a newline
  // or a control character in them cannot break the "file:line:col:" line.
  lines_.push_back(EscapeForMessage(where.ToString() + ": " + message, kMaxLineBytes));
}

void Diagnostics::AddFormatted(const std::string& text, const SourceLocation& fallback) {
  std::istringstream in(text);
  std::string line;
  bool any = false;
  while (std::getline(in, line)) {
    if (line.empty()) {
      continue;
    }
    any = true;
    if (!fallback.file.empty() && line.starts_with(fallback.file + ":")) {
      lines_.push_back(EscapeForMessage(line, kMaxLineBytes));
    } else {
      Add(fallback, line);
    }
  }
  if (!any) {
    Add(fallback, "rejected (no reason given)");
  }
}

Error Diagnostics::ToError() const {
  std::string message;
  size_t shown = 0;
  for (const auto& line : lines_) {
    if (shown == kMaxShown) {
      message += "\n... and " + std::to_string(lines_.size() - shown) + " more errors";
      break;
    }
    if (!message.empty()) {
      message += "\n";
    }
    message += line;
    ++shown;
  }
  return Error(ErrorCode::kInvalidArgument, message);
}

}  // namespace kdrill::drill
