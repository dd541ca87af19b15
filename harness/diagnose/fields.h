#pragma once
// Looking objects up in an ObjectStore, and what diagnoses read from pods;
// with the non-throwing field readers of harness/core/json_fields.h. Nothing
// here throws.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/core/json_fields.h"
#include "harness/watch/timeline.h"

namespace kdrill::diagnose {

using Json = nlohmann::json;

// The non-throwing field readers (harness/core/json_fields.h).
using json::Arr;
using json::At;
using json::Field;
using json::Int;
using json::Obj;
using json::Str;

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
