#pragma once
#include <string>

namespace kdrill::drill {

// Where a value came from in a drill (or a manifest it names). line and column
// are 1-based, as editors show them.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;

  // "scenarios/pod-kill.yaml:12:7" (or just the file when line is unknown).
  std::string ToString() const;
};

}  // namespace kdrill::drill
