#pragma once
// INTERNAL to harness/kube: the typed readers the kubeconfig parser
// (kubeconfig_parse.cpp) reads its YAML with. A field of the wrong type
// throws FieldError, whose message starts at path:line:col and names the
// field ("users[0].user.token must be a string"); ParseKubeconfig turns it
// into a kInvalidArgument Error. An absent or null field reads as empty.

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace kdrill::kube::kubeconfig_yaml {

// Thrown by the readers below, caught by ParseKubeconfig only.
struct FieldError {
  std::string message;
};

// "path:line:col" of the node (1-based), or just path when it has no mark.
std::string Where(const std::string& path, const YAML::Node& node);

// parent[key] as a string, "" when absent or null.
std::string GetString(const YAML::Node& parent, const char* key, const std::string& field,
                      const std::string& path);
// parent[key] as true/false, false when absent or null.
bool GetBool(const YAML::Node& parent, const char* key, const std::string& field,
             const std::string& path);
// parent[key] as a list of strings, empty when absent or null.
std::vector<std::string> GetStringList(const YAML::Node& parent, const char* key,
                                       const std::string& field, const std::string& path);
// parent[key] base64-decoded (a *-data field), "" when absent, null or empty.
std::string DecodeData(const YAML::Node& parent, const char* key, const std::string& field,
                       const std::string& path);

// Walks a named list ("clusters", "users", "contexts") and calls fn(name, body, field).
template <class Fn>
void ForEachNamed(const YAML::Node& root, const char* list, const char* body_key,
                  const std::string& path, Fn fn) {
  const YAML::Node items = root[list];
  if (!items || items.IsNull()) {
    return;
  }
  if (!items.IsSequence()) {
    throw FieldError{Where(path, items) + ": " + list + " must be a list"};
  }
  size_t index = 0;
  for (const YAML::Node& item : items) {
    std::string field = std::string(list) + "[" + std::to_string(index++) + "]";
    if (!item.IsMap()) {
      throw FieldError{Where(path, item) + ": " + field + " must be a mapping with name and " +
                       body_key};
    }
    std::string name = GetString(item, "name", field, path);
    if (name.empty()) {
      throw FieldError{Where(path, item) + ": " + field + " has no name"};
    }
    const YAML::Node body = item[body_key];
    if (body && !body.IsNull() && !body.IsMap()) {
      throw FieldError{Where(path, body) + ": " + field + "." + body_key + " must be a mapping"};
    }
    fn(name, body ? body : YAML::Node(YAML::NodeType::Map), field + "." + body_key);
  }
}

}  // namespace kdrill::kube::kubeconfig_yaml
