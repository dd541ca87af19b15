#include <map>

#include "harness/drill/parse_sections.h"
#include "harness/drill/yaml_json.h"

namespace kdrill::drill {

namespace {

// Records where every key of the maps nested in `node` is written, under
// Params::NestedKey(parent, key), so Params::Sub can locate nested errors.
void RecordNestedKeys(const YAML::Node& node, const std::string& parent, const SourceLocation& fallback,
                      const YamlSource& source, std::map<std::string, SourceLocation>& keys) {
  if (!node.IsMap()) {
    return;
  }
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) {
      continue;  // NodeToJson reports it
    }
    std::string key = Params::NestedKey(parent, kv.first.Scalar());
    SourceLocation at = source.Of(kv.first, fallback);
    keys.emplace(key, at);
    RecordNestedKeys(kv.second, key, at, source, keys);
  }
}

}  // namespace

Params ReadParams(const Field* field, const std::string& path, const SourceLocation& fallback,
                  ParseState& state) {
  if (field == nullptr) {
    return Params(Json::object(), fallback, {}).WithPath(path);
  }
  MapReader map(field->value, field->path, field->value_location, state.source, state.diag,
                /*null_is_empty=*/true);
  Json values = Json::object();
  std::map<std::string, SourceLocation> keys;
  for (const auto& f : map.fields()) {
    values[f.key] = NodeToJson(f.value, state.source, f.value_location, state.diag);
    keys[f.key] = f.key_location;
    RecordNestedKeys(f.value, f.key, f.key_location, state.source, keys);
  }
  return Params(std::move(values), field->value_location, std::move(keys)).WithPath(field->path);
}

}  // namespace kdrill::drill
