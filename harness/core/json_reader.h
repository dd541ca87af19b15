#pragma once
// JsonReader: reads the fields of one JSON object whose shape kdrill expects
// (a recording, a saved report), remembering the first problem as
// "<path>.<key>: expected <what>" instead of throwing. A missing or null field
// reads as empty/zero; a field of the wrong type is the error.
//
//   std::string error;
//   JsonReader r(j, "recording", &error);
//   auto name = r.Str("name");
//   if (!error.empty()) return MakeError(kInvalidArgument, error);

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kdrill {

class JsonReader {
 public:
  // REQUIRES: j and *error outlive the reader.
  JsonReader(const nlohmann::json& j, std::string path, std::string* error);

  std::string Str(const char* key);
  int64_t Int(const char* key);
  double Num(const char* key);
  bool Bool(const char* key);
  std::vector<std::string> StrList(const char* key);
  // The value as it is (null when absent).
  const nlohmann::json& Raw(const char* key);
  // The array at key, or nullptr when absent (or not an array: an error).
  const nlohmann::json* Array(const char* key);
  // "<path>.<key>", for readers of nested values.
  std::string Path(const std::string& key) const { return path_ + "." + key; }
  // Records a problem of the caller's own (first one wins).
  void Fail(const std::string& key, const std::string& expected);

 private:
  const nlohmann::json* Field(const char* key) const;
  const nlohmann::json& j_;
  std::string path_;
  std::string* error_;
};

}  // namespace kdrill
