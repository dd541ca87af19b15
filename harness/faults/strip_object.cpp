#include "harness/faults/strip_object.h"

namespace kdrill::faults {

nlohmann::json StripServerFields(nlohmann::json obj) {
  obj.erase("status");
  if (obj.contains("metadata") && obj["metadata"].is_object()) {
    auto& meta = obj["metadata"];
    for (const char* key : {"uid", "resourceVersion", "creationTimestamp", "generation", "managedFields", "selfLink",
                            "deletionTimestamp", "deletionGracePeriodSeconds"}) {
      meta.erase(key);
    }
  }
  return obj;
}

}  // namespace kdrill::faults
