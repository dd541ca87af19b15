#include "harness/drill/map_reader.h"

#include <algorithm>

#include "harness/drill/suggest.h"
#include "harness/drill/yaml_json.h"

namespace kdrill::drill {

std::string JoinPath(std::string_view parent, std::string_view key) {
  if (parent.empty()) {
    return std::string(key);
  }
  return std::string(parent) + "." + std::string(key);
}

namespace {

// yaml-cpp gives an empty value the mark of the token after it; point at the
// key instead so the error sits where the author looks.
SourceLocation ValueLocation(const YAML::Node& key, const YAML::Node& value,
                             const SourceLocation& key_location, const YamlSource& source) {
  if (!value.IsDefined()) {
    return key_location;
  }
  const YAML::Mark& k = key.Mark();
  const YAML::Mark& v = value.Mark();
  if (value.IsNull() && (v.is_null() || v.line != k.line || v.pos < k.pos)) {
    return key_location;
  }
  return source.At(v, key_location);
}

std::string Name(std::string_view path) {
  return path.empty() ? "the top level" : std::string(path);
}

}  // namespace

MapReader::MapReader(const YAML::Node& node, std::string path, SourceLocation where,
                     const YamlSource& source, Diagnostics& diag, bool null_is_empty)
    : source_(source), diag_(&diag), path_(std::move(path)), where_(std::move(where)) {
  if (!node.IsDefined() || node.IsNull()) {
    if (!null_is_empty) {
      diag_->Add(where_, Name(path_) + ": expected a map, got nothing (null)");
    }
    valid_ = null_is_empty;
    return;
  }
  if (!node.IsMap()) {
    diag_->Add(source_.Of(node, where_), Name(path_) + ": expected a map, got " + DescribeNode(node));
    return;
  }
  valid_ = true;
  SourceLocation map_at = source_.Of(node, where_);
  for (const auto& kv : node) {
    SourceLocation key_at = source_.Of(kv.first, map_at);
    if (!kv.first.IsScalar()) {
      diag_->Add(key_at, Name(path_) + ": keys must be strings, got " + DescribeNode(kv.first));
      continue;
    }
    std::string key = kv.first.Scalar();
    if (const Field* first = Find(key)) {
      diag_->Add(key_at, Name(path_) + ": duplicate key \"" + key + "\" (first at " +
                             first->key_location.ToString() + ")");
      continue;
    }
    Field field;
    field.key = key;
    field.value = kv.second;
    field.key_location = key_at;
    field.value_location = ValueLocation(kv.first, kv.second, key_at, source_);
    field.path = JoinPath(path_, key);
    fields_.push_back(std::move(field));
  }
}

void MapReader::CheckKeys(const std::vector<std::string>& accepted,
                          const std::function<std::string(const std::string&)>& hint) const {
  for (const auto& field : fields_) {
    if (std::find(accepted.begin(), accepted.end(), field.key) != accepted.end()) {
      continue;
    }
    if (field.key == "<<") {
      diag_->Add(field.key_location,
                 "merge keys (\"<<\") are not supported in " + Name(path_) +
                     " (YAML 1.2 dropped them); write the keys out, or use an alias for a "
                     "whole value");
      continue;
    }
    std::string message = "unknown key \"" + field.key + "\" in " + Name(path_) +
                          DidYouMean(field.key, accepted) +
                          "; accepted keys: " + QuoteList(accepted);
    if (hint) {
      std::string extra = hint(field.key);
      if (!extra.empty()) {
        message += " (" + extra + ")";
      }
    }
    diag_->Add(field.key_location, message);
  }
}

const Field* MapReader::Find(std::string_view key) const {
  for (const auto& field : fields_) {
    if (field.key == key) {
      return &field;
    }
  }
  return nullptr;
}

const Field* MapReader::Require(std::string_view key) const {
  const Field* field = Find(key);
  if (field == nullptr && valid_) {
    diag_->Add(where_, Name(path_) + ": missing required key \"" + std::string(key) + "\"");
  }
  return field;
}

}  // namespace kdrill::drill
