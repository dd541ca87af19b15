#include "harness/core/json_reader.h"

namespace kdrill {

using Json = nlohmann::json;

JsonReader::JsonReader(const Json& j, std::string path, std::string* error)
    : j_(j), path_(std::move(path)), error_(error) {
  if (!j_.is_object()) Fail("", "an object");
}

const Json* JsonReader::Field(const char* key) const {
  if (!j_.is_object()) return nullptr;
  auto it = j_.find(key);
  return it == j_.end() || it->is_null() ? nullptr : &*it;
}

void JsonReader::Fail(const std::string& key, const std::string& expected) {
  if (error_->empty()) *error_ = (key.empty() ? path_ : Path(key)) + ": expected " + expected;
}

std::string JsonReader::Str(const char* key) {
  const Json* v = Field(key);
  if (v == nullptr) return {};
  if (!v->is_string()) return Fail(key, "a string"), std::string();
  return v->get<std::string>();
}

int64_t JsonReader::Int(const char* key) {
  const Json* v = Field(key);
  if (v == nullptr) return 0;
  if (!v->is_number_integer()) return Fail(key, "an integer"), 0;
  return v->get<int64_t>();
}

double JsonReader::Num(const char* key) {
  const Json* v = Field(key);
  if (v == nullptr) return 0;
  if (!v->is_number()) return Fail(key, "a number"), 0;
  return v->get<double>();
}

bool JsonReader::Bool(const char* key) {
  const Json* v = Field(key);
  if (v == nullptr) return false;
  if (!v->is_boolean()) return Fail(key, "true or false"), false;
  return v->get<bool>();
}

std::vector<std::string> JsonReader::StrList(const char* key) {
  std::vector<std::string> out;
  const Json* v = Field(key);
  if (v == nullptr) return out;
  if (!v->is_array()) return Fail(key, "an array of strings"), out;
  for (const auto& e : *v) {
    if (!e.is_string()) return Fail(key, "an array of strings"), std::vector<std::string>();
    out.push_back(e.get<std::string>());
  }
  return out;
}

const Json& JsonReader::Raw(const char* key) {
  static const Json kNull;
  const Json* v = Field(key);
  return v == nullptr ? kNull : *v;
}

const Json* JsonReader::Array(const char* key) {
  const Json* v = Field(key);
  if (v == nullptr) return nullptr;
  if (!v->is_array()) return Fail(key, "an array"), nullptr;
  return v;
}

}  // namespace kdrill
