#include "harness/faults/claim_victims.h"

#include <algorithm>

#include <fmt/format.h>

#include "harness/faults/victims.h"

namespace kdrill::faults {

Result<std::string> ClaimTemplate(const FaultContext& ctx, const drill::Step& step) {
  auto volume = step.params.GetString("volume", "");
  if (!volume) {
    return std::unexpected(volume.error());
  }
  const auto& templates = ctx.sts.claim_templates;
  if (templates.empty()) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     step.location.ToString() + ": StatefulSet " + ctx.ns + "/" + ctx.sts.name +
                         " has no volumeClaimTemplates; " + step.fault + " needs a volume to act on");
  }
  if (volume->empty()) {
    return templates.front();
  }
  if (std::find(templates.begin(), templates.end(), *volume) == templates.end()) {
    Error e = step.params.ErrorAt("volume", fmt::format("volume \"{}\" is not a volumeClaimTemplate of StatefulSet {}; "
                                                        "its templates: {}",
                                                        *volume, ctx.sts.name, fmt::join(templates, ", ")));
    e.code = ErrorCode::kFailedPrecondition;
    return std::unexpected(e);
  }
  return *volume;
}

Result<std::vector<ClaimVictim>> ResolveClaimVictims(FaultContext& ctx, const drill::Step& step) {
  auto tmpl = ClaimTemplate(ctx, step);
  if (!tmpl) {
    return std::unexpected(tmpl.error());
  }
  std::vector<ClaimVictim> out;
  if (step.target.kind == drill::VictimSelector::Kind::kOrdinals) {
    for (int o : step.target.ordinals) {
      out.push_back({o, cluster::ClaimName(*tmpl, ctx.sts.name, o)});
    }
    return out;
  }
  auto pods = ResolvePodVictims(ctx, step.target);
  if (!pods) {
    return std::unexpected(pods.error());
  }
  for (const auto& p : *pods) {
    out.push_back({p.ordinal, cluster::ClaimName(*tmpl, ctx.sts.name, p.ordinal)});
  }
  return out;
}

}  // namespace kdrill::faults
