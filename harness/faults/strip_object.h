#pragma once
// An object as read from the API server, made fit to create again: without
// the fields the server sets (uid, resourceVersion, creationTimestamp,
// generation, managedFields, selfLink, deletion stamps) and without status.

#include <nlohmann/json.hpp>

namespace kdrill::faults {

nlohmann::json StripServerFields(nlohmann::json obj);

}  // namespace kdrill::faults
