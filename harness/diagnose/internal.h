#pragma once
// The pieces DiagnosePod, DiagnoseClaim and DiagnoseStatefulSet are built
// from. Each returns finished cause lines ("<object>: <cause>[: <what to do>]")
// and never throws on missing or mistyped fields.

#include <string>
#include <vector>

#include "harness/diagnose/events.h"
#include "harness/diagnose/fields.h"

namespace kdrill::diagnose {

// Causes for a claim that is not Bound (empty for a Bound claim). from_pod:
// the claim is looked at while diagnosing a pod that mounts it; lines that
// only say "waiting for that pod to be scheduled" are left out, because the
// pod's own causes explain it.
std::vector<std::string> ClaimCauses(const ObjectStore& store, const Json& claim, bool from_pod);

// Causes for a pod the scheduler has not placed (no spec.nodeName):
// FailedScheduling, a pin to cordoned nodes, volume node affinity conflicts.
// Empty when none of these is known (the caller adds claims and a fallback).
std::vector<std::string> SchedulingCauses(const ObjectStore& store, const Json& pod, const std::vector<EventView>& events);

// FailedMount, Multi-Attach and FailedAttachVolume events of a scheduled pod
// whose containers have not all started.
std::vector<std::string> VolumeEventCauses(const Json& pod, const std::vector<EventView>& events);

// Container-level causes: CrashLoopBackOff (last exit code, reason, restart
// count), other waiting reasons, failed terminations, readiness and startup
// probes that do not pass (which probe, its last failure message, how often).
std::vector<std::string> ContainerCauses(const Json& pod, const std::vector<EventView>& events);

// "exec [cat /ready]", "httpGet /healthz:8080", "tcpSocket :5432", "grpc :9090".
std::string ProbeText(const Json& probe);

// Causes for a StatefulSet pod that does not exist: FailedCreate events of
// the StatefulSet about that pod or its claims (quota exceeded or other), and
// OrderedReady waiting for a lower ordinal. quotas_named receives the
// ResourceQuota names the events mention.
std::vector<std::string> MissingPodCauses(const ObjectStore& store, const Json& sts, int ordinal,
                                          const std::vector<EventView>& sts_events,
                                          std::vector<std::string>& quotas_named);

// ResourceQuotas in ns with a resource used up to its hard limit, skipping
// the names in already_named: "ResourceQuota storage: persistentvolumeclaims
// at its limit (used 2 of 2): ...".
std::vector<std::string> QuotaAtLimitCauses(const ObjectStore& store, const std::string& ns,
                                            const std::vector<std::string>& already_named);

}  // namespace kdrill::diagnose
