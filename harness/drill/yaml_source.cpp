#include "harness/drill/yaml_source.h"

namespace kdrill::drill {

SourceLocation YamlSource::At(const YAML::Mark& mark, const SourceLocation& fallback) const {
  if (mark.is_null() || mark.line < 0) {
    return fallback;
  }
  return SourceLocation{file, mark.line + 1 + line_offset, mark.column + 1 + column_offset};
}

SourceLocation YamlSource::Of(const YAML::Node& node, const SourceLocation& fallback) const {
  if (!node.IsDefined()) {
    return fallback;
  }
  return At(node.Mark(), fallback);
}

SourceLocation YamlSource::Start() const {
  return SourceLocation{file, 1 + line_offset, 1 + column_offset};
}

}  // namespace kdrill::drill
