#include <map>

#include "harness/drill/parse_sections.h"
#include "harness/drill/yaml_json.h"

namespace kdrill::drill {

Params ReadParams(const Field* field, const SourceLocation& fallback, ParseState& state) {
  if (field == nullptr) {
    return Params(Json::object(), fallback, {});
  }
  MapReader map(field->value, field->path, field->value_location, state.source, state.diag,
                /*null_is_empty=*/true);
  Json values = Json::object();
  std::map<std::string, SourceLocation> keys;
  for (const auto& f : map.fields()) {
    values[f.key] = NodeToJson(f.value, state.source, f.value_location, state.diag);
    keys[f.key] = f.key_location;
  }
  return Params(std::move(values), field->value_location, std::move(keys));
}

}  // namespace kdrill::drill
