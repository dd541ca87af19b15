// The kubeconfig's typed YAML readers (kubeconfig_yaml_fields.h): each reads
// one key of a mapping and throws FieldError, located and naming the field,
// when the value has the wrong type.
#include "harness/kube/kubeconfig_yaml_fields.h"

#include <utility>

#include "harness/kube/base64.h"

namespace kdrill::kube::kubeconfig_yaml {

std::string Where(const std::string& path, const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.line < 0) {
    return path;
  }
  return path + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

std::string GetString(const YAML::Node& parent, const char* key, const std::string& field,
                      const std::string& path) {
  const YAML::Node node = parent[key];
  if (!node || node.IsNull()) {
    return {};
  }
  if (!node.IsScalar()) {
    throw FieldError{Where(path, node) + ": " + field + "." + key + " must be a string"};
  }
  return node.Scalar();
}

bool GetBool(const YAML::Node& parent, const char* key, const std::string& field,
             const std::string& path) {
  const YAML::Node node = parent[key];
  if (!node || node.IsNull()) {
    return false;
  }
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
    throw FieldError{Where(path, node) + ": " + field + "." + key + " must be true or false"};
  }
  return value;
}

std::vector<std::string> GetStringList(const YAML::Node& parent, const char* key,
                                       const std::string& field, const std::string& path) {
  std::vector<std::string> out;
  const YAML::Node node = parent[key];
  if (!node || node.IsNull()) {
    return out;
  }
  if (!node.IsSequence()) {
    throw FieldError{Where(path, node) + ": " + field + "." + key + " must be a list of strings"};
  }
  for (const YAML::Node& item : node) {
    if (!item.IsScalar()) {
      throw FieldError{Where(path, item) + ": " + field + "." + key + " must be a list of strings"};
    }
    out.push_back(item.Scalar());
  }
  return out;
}

std::string DecodeData(const YAML::Node& parent, const char* key, const std::string& field,
                       const std::string& path) {
  std::string encoded = GetString(parent, key, field, path);
  if (encoded.empty()) {
    return {};
  }
  Result<std::string> decoded = DecodeBase64(encoded);
  if (!decoded) {
    throw FieldError{Where(path, parent[key]) + ": " + field + "." + key + " is " +
                     decoded.error().message + "; it must be the base64 of a PEM block"};
  }
  return *std::move(decoded);
}

}  // namespace kdrill::kube::kubeconfig_yaml
