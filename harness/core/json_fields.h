#pragma once
// Reading API objects that may lack fields or carry the wrong types. Nothing
// here throws: a missing or mistyped field (or a non-object on the way) reads
// as null / empty / the fallback. Pointers are JSON pointers ("/status/phase";
// "~1" is "/", "~0" is "~"; a number token indexes an array).

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kdrill::json {

using Json = nlohmann::json;

// The value at ptr, or null.
const Json& At(const Json& j, const char* ptr);
// The string at ptr, or fallback when absent or not a string.
std::string Str(const Json& j, const char* ptr, const std::string& fallback = {});
// The integer at ptr, or fallback when absent or not an integer.
int64_t Int(const Json& j, const char* ptr, int64_t fallback = 0);
// The number (integer or not) at ptr, or fallback when absent or not a number.
double Num(const Json& j, const char* ptr, double fallback = 0);
// The array of strings at ptr; empty when absent, not an array, or when any
// element is not a string (a mistyped list reads as no list).
std::vector<std::string> Strings(const Json& j, const char* ptr);
// The boolean at ptr, or fallback when absent or not a boolean.
bool Bool(const Json& j, const char* ptr, bool fallback = false);
// The array at ptr, or an empty array when absent or not an array.
const Json& Arr(const Json& j, const char* ptr);
// The object at ptr, or an empty object.
const Json& Obj(const Json& j, const char* ptr);
// j[key] as a string when j is an object holding a string there, else "".
std::string Field(const Json& j, const char* key);

}  // namespace kdrill::json
