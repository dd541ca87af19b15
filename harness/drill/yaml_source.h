#pragma once
// INTERNAL to harness/drill: maps yaml-cpp marks (0-based line/column) to the
// 1-based SourceLocation a person sees, in the file the YAML came from. An
// inline manifest embedded as a block scalar in a drill is parsed on its own;
// the offsets shift its marks back to where the text sits in the drill file.

#include <string>

#include <yaml-cpp/yaml.h>

#include "harness/drill/source_location.h"

namespace kdrill::drill {

struct YamlSource {
  std::string file;
  int line_offset = 0;    // added to every line
  int column_offset = 0;  // added to every column

  // `fallback` when the mark is null (a node that yaml-cpp did not place).
  SourceLocation At(const YAML::Mark& mark, const SourceLocation& fallback) const;
  SourceLocation Of(const YAML::Node& node, const SourceLocation& fallback) const;
  SourceLocation Start() const;  // line 1, column 1 of the text
};

}  // namespace kdrill::drill
