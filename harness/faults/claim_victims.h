#pragma once
// Which claims a claim-level fault (pvc-resize) acts on: the claim of
// template `volume` (default: the StatefulSet's first volumeClaimTemplate) for
// each chosen ordinal. target.ordinals names ordinals directly (the claim must
// exist, its pod need not); the other target kinds choose among live pods.

#include <string>
#include <vector>

#include "harness/faults/fault.h"

namespace kdrill::faults {

struct ClaimVictim {
  int ordinal = 0;
  std::string claim;  // <volume>-<sts>-<ordinal>
};

// The claim template named by params.volume, or the first one. Errors name the
// step's location and the templates that exist.
Result<std::string> ClaimTemplate(const FaultContext& ctx, const drill::Step& step);

Result<std::vector<ClaimVictim>> ResolveClaimVictims(FaultContext& ctx, const drill::Step& step);

}  // namespace kdrill::faults
