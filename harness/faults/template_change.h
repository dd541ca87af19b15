#pragma once
// The pod-template change a rollout makes, read from a rollout step's params
// and applied to a StatefulSet object. Pure: unit-tested without a cluster.
//
//   image: IMAGE                      the container's image
//   env: {name: N, value: V}          add (or set) an env var in the container
//   annotation: {key: K, value: V}    set a pod-template annotation
//   (none of them)                    annotation kdrill.io/rollout: <now>
//   container: NAME                   for image/env; default the first container
//   partition: P                      rollingUpdate.partition during the rollout
//   onDelete: true                    the StatefulSet uses updateStrategy OnDelete:
//                                     change the template and wait for something
//                                     else (an operator, a person) to replace the pods

#include <optional>
#include <string>

#include "harness/core/status.h"
#include "harness/drill/model.h"

namespace kdrill::faults {

struct TemplateChange {
  enum class Kind { kImage, kEnv, kAnnotation };
  Kind kind = Kind::kAnnotation;
  std::string container;  // image/env: "" = the first container
  std::string key;        // env name / annotation key
  std::string value;      // image / env value / annotation value
  std::optional<int> partition;
  bool on_delete = false;
  std::string Describe() const;  // "image web=busybox:2", "annotation kdrill.io/rollout=..."
};

// default_stamp is the value for the default annotation (a timestamp).
Result<TemplateChange> ReadTemplateChange(const drill::Params& p, const std::string& default_stamp);

// sts with the change applied to spec.template (and the partition to
// spec.updateStrategy). kFailedPrecondition when the container does not exist
// or the change would leave the template as it is.
Result<drill::Json> ApplyTemplateChange(const drill::Json& sts, const TemplateChange& change);

}  // namespace kdrill::faults
