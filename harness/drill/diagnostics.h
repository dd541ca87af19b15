#pragma once
// Collects every problem found while parsing a drill so a person can fix them
// all in one pass. Each entry renders as "file:line:col: message", on one
// line: control characters and bytes that are not UTF-8 are escaped.

#include <string>
#include <vector>

#include "harness/core/status.h"
#include "harness/drill/source_location.h"

namespace kdrill::drill {

class Diagnostics {
 public:
  // More than this many errors are summarised as "... and N more".
  static constexpr size_t kMaxShown = 30;
  // A longer line (a huge value echoed) keeps its start and end
  // (EscapeForMessage, harness/core/text.h).
  static constexpr size_t kMaxLineBytes = 1000;

  void Add(const SourceLocation& where, const std::string& message);
  // An already-formatted error (e.g. from a Catalog validator). Every line
  // that does not already start with `fallback.file` is prefixed with
  // `fallback`, so the "file:line:col:" contract holds.
  void AddFormatted(const std::string& text, const SourceLocation& fallback);

  bool empty() const { return lines_.empty(); }
  size_t size() const { return lines_.size(); }
  const std::vector<std::string>& lines() const { return lines_; }

  // REQUIRES: !empty(). kInvalidArgument; the message holds one error per line.
  Error ToError() const;

 private:
  std::vector<std::string> lines_;
};

}  // namespace kdrill::drill
