#pragma once
// Reading API objects that may lack fields or carry the wrong types, and
// looking objects up in an ObjectStore. Nothing here throws: a missing or
// mistyped field reads as empty / the fallback.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/watch/timeline.h"

namespace kdrill::diagnose {

using Json = nlohmann::json;

// The value at ptr (a JSON pointer such as "/status/phase"), or null.
const Json& At(const Json& j, const char* ptr);
// The string at ptr, or "" when absent or not a string.
std::string Str(const Json& j, const char* ptr);
// The integer at ptr, or fallback when absent or not an integer.
int64_t Int(const Json& j, const char* ptr, int64_t fallback = 0);
// The array at ptr, or an empty array when absent or not an array.
const Json& Arr(const Json& j, const char* ptr);
// The object at ptr, or an empty object.
const Json& Obj(const Json& j, const char* ptr);
// j[key] as a string when j is an object holding a string there, else "".
std::string Field(const Json& j, const char* key);

// True when the store holds the kind at all. A kind the store does not hold
// was not read (as opposed to read and empty): causes that need it are
// inferred from events only.
bool Knows(const ObjectStore& store, const std::string& kind);
// The object stored under "ns/name" (ns empty for cluster-scoped objects), or nullptr.
const Json* Find(const ObjectStore& store, const std::string& kind, const std::string& ns, const std::string& name);
// Every object of a kind in namespace ns (any namespace when ns is empty).
std::vector<const Json*> All(const ObjectStore& store, const std::string& kind, const std::string& ns = {});

// The pod's Ready condition is True (cluster::PodReady, without throwing).
bool IsReady(const Json& pod);
// metadata.deletionTimestamp is set.
bool IsTerminating(const Json& obj);

// Names of the claims a pod mounts (spec.volumes[].persistentVolumeClaim.claimName), in order.
std::vector<std::string> ClaimsOf(const Json& pod);

// "a, b and c"
std::string JoinList(const std::vector<std::string>& items);

}  // namespace kdrill::diagnose
