#pragma once
// INTERNAL to harness/drill: strict reading of one YAML map of a drill.
// Reports (to Diagnostics) a node that is not a map, duplicate keys, keys
// that are not accepted (with "did you mean"), and missing required keys —
// each at file:line:col and naming the map by its path ("spec.target").

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "harness/drill/diagnostics.h"
#include "harness/drill/yaml_source.h"

namespace kdrill::drill {

// One `key: value` of a map.
struct Field {
  std::string key;
  YAML::Node value;
  SourceLocation key_location;
  // Where the value starts; the key's location when the value is empty
  // (yaml-cpp places an empty value at the next token, often a line below).
  SourceLocation value_location;
  std::string path;  // "spec.target.namespace"
};

class MapReader {
 public:
  // `where` locates the map for "missing key" errors (usually its key).
  // A node that is not a map is reported once ("expected a map, got ...")
  // unless it is null and `null_is_empty`.
  MapReader(const YAML::Node& node, std::string path, SourceLocation where,
            const YamlSource& source, Diagnostics& diag, bool null_is_empty = false);

  bool valid() const { return valid_; }
  const std::string& path() const { return path_; }
  const SourceLocation& where() const { return where_; }
  const std::vector<Field>& fields() const { return fields_; }

  // Reports every key not in `accepted`. `hint(key)` may add a sentence to
  // the message for a known mistake (e.g. a wait key in a fault step).
  void CheckKeys(const std::vector<std::string>& accepted,
                 const std::function<std::string(const std::string&)>& hint = {}) const;

  // The field, or nullptr when absent (never reports).
  const Field* Find(std::string_view key) const;
  // The field, or nullptr after reporting "missing required key".
  const Field* Require(std::string_view key) const;

 private:
  YamlSource source_;
  Diagnostics* diag_;
  std::string path_;
  SourceLocation where_;
  bool valid_ = false;
  std::vector<Field> fields_;
};

// "spec" + "target" -> "spec.target"; "" + "spec" -> "spec".
std::string JoinPath(std::string_view parent, std::string_view key);

}  // namespace kdrill::drill
