#include "harness/drill/source_location.h"

namespace kdrill::drill {

std::string SourceLocation::ToString() const {
  if (line <= 0) {
    return file;
  }
  std::string out = file + ":" + std::to_string(line);
  if (column > 0) {
    out += ":" + std::to_string(column);
  }
  return out;
}

}  // namespace kdrill::drill
