#pragma once
// INTERNAL to harness/drill: the Kubernetes objects of one setup manifest
// (multi-document YAML), converted to JSON in file order.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/drill/diagnostics.h"
#include "harness/drill/yaml_source.h"

namespace kdrill::drill {

// Every non-empty document must be a map with string apiVersion, kind and
// metadata.name; problems (including YAML syntax errors) are reported at
// their location through `source` (the manifest file, or the drill file for
// an inline manifest). `what` names the manifest in messages ("manifest
// \"manifests/web.yaml\""). A manifest without any object is an error.
std::vector<nlohmann::json> ParseManifestObjects(std::string_view text, const YamlSource& source,
                                                 const std::string& what, Diagnostics& diag);

}  // namespace kdrill::drill
