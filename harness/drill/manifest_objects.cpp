#include "harness/drill/manifest_objects.h"

#include "harness/core/yaml_load.h"
#include "harness/drill/yaml_json.h"

namespace kdrill::drill {

using Json = nlohmann::json;

namespace {

bool IsNonEmptyString(const Json& object, const char* key) {
  return object.contains(key) && object[key].is_string() && !object[key].get<std::string>().empty();
}

// The location of `key` in a document map, or the document's.
SourceLocation KeyLocation(const YAML::Node& doc, const char* key, const YamlSource& source,
                           const SourceLocation& fallback) {
  for (const auto& kv : doc) {
    if (kv.first.IsScalar() && kv.first.Scalar() == key) {
      return source.Of(kv.first, fallback);
    }
  }
  return fallback;
}

void CheckObject(const Json& object, const YAML::Node& doc, size_t index,
                 const YamlSource& source, const std::string& what, Diagnostics& diag) {
  SourceLocation at = source.Of(doc, source.Start());
  std::string prefix = what + ", document " + std::to_string(index) + ": ";
  const std::string rule = "; every setup object needs apiVersion, kind and metadata.name";
  if (object.contains("kind") && object["kind"].is_string() &&
      object["kind"].get<std::string>().ends_with("List") && object.contains("items")) {
    diag.Add(at, prefix + "a " + object["kind"].get<std::string>() +
                     " is not supported in setup; write its items as separate YAML documents "
                     "(separated by \"---\")");
    return;
  }
  for (const char* key : {"apiVersion", "kind"}) {
    if (!object.contains(key)) {
      diag.Add(at, prefix + "missing \"" + key + "\"" + rule);
    } else if (!IsNonEmptyString(object, key)) {
      diag.Add(KeyLocation(doc, key, source, at), prefix + key + " must be a non-empty string");
    }
  }
  if (!object.contains("metadata")) {
    diag.Add(at, prefix + "missing \"metadata\"" + rule);
    return;
  }
  SourceLocation metadata_at = KeyLocation(doc, "metadata", source, at);
  const Json& metadata = object["metadata"];
  if (!metadata.is_object()) {
    diag.Add(metadata_at, prefix + "metadata must be a map");
  } else if (!metadata.contains("name")) {
    std::string extra = metadata.contains("generateName")
                            ? " (generateName is not enough: kdrill deletes setup objects by name)"
                            : "";
    diag.Add(metadata_at, prefix + "missing \"metadata.name\"" + extra + rule);
  } else if (!IsNonEmptyString(metadata, "name")) {
    diag.Add(metadata_at, prefix + "metadata.name must be a non-empty string");
  }
}

}  // namespace

std::vector<Json> ParseManifestObjects(std::string_view text, const YamlSource& source,
                                       const std::string& what, Diagnostics& diag) {
  std::vector<Json> objects;
  auto loaded = yaml::LoadYamlDocuments(text);
  if (!loaded) {
    diag.Add(source.At(loaded.error().mark, source.Start()), what + ": " + loaded.error().message);
    return objects;
  }
  const std::vector<YAML::Node>& docs = *loaded;
  size_t index = 0;
  size_t errors_before = diag.size();
  for (const auto& doc : docs) {
    ++index;
    if (!doc.IsDefined() || doc.IsNull()) {
      continue;
    }
    SourceLocation at = source.Of(doc, source.Start());
    if (!doc.IsMap()) {
      // The kind of value only, never the text: a manifest path that names
      // the wrong file (a token, a key) must not put its content in a message.
      diag.Add(at, what + ", document " + std::to_string(index) +
                       ": expected a Kubernetes object (a map), got " +
                       (doc.IsSequence() ? "a list" : "a scalar (text not shown)") +
                       "; is this the right file?");
      continue;
    }
    Json object = NodeToJson(doc, source, at, diag);
    CheckObject(object, doc, index, source, what, diag);
    objects.push_back(std::move(object));
  }
  if (objects.empty() && diag.size() == errors_before) {
    diag.Add(source.Start(), what + ": no Kubernetes objects in it");
  }
  return objects;
}

}  // namespace kdrill::drill
