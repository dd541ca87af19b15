#include "harness/drill/diagnostics.h"

#include <sstream>

namespace kdrill::drill {

void Diagnostics::Add(const SourceLocation& where, const std::string& message) {
  lines_.push_back(where.ToString() + ": " + message);
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
      lines_.push_back(line);
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
