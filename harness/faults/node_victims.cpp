#include "harness/faults/node_victims.h"
#include "harness/core/json_fields.h"

#include <fmt/format.h>

#include <algorithm>

#include "harness/faults/victims.h"

namespace kdrill::faults {

namespace {

std::string Loc(const drill::SourceLocation& l) {
  std::string s = l.ToString();
  return s.empty() ? "" : s + ": ";
}

std::string LiveNodeNames(FaultContext& ctx) {
  auto nodes = ctx.api.List(kube::Nodes(), {});
  if (!nodes) {
    return "(cannot list nodes: " + nodes.error().message + ")";
  }
  std::vector<std::string> names;
  for (const auto& n : (*nodes)["items"]) {
    names.push_back(json::Str(n["metadata"], "/name"));
  }
  return names.empty() ? "(none)" : fmt::format("{}", fmt::join(names, ", "));
}

}  // namespace

bool NodeUnschedulable(const kube::Json& node) {
  return json::Bool(node, "/spec/unschedulable");
}

Status CheckNodeTarget(const drill::Step& step, const std::string& fault) {
  if (step.target.kind == drill::VictimSelector::Kind::kNone) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("{}: {} needs a target: target.ordinals, target.selector, target.random or "
                                 "target.all (the nodes hosting those pods of the StatefulSet), or target.nodes "
                                 "(nodes named explicitly)",
                                 step.location.ToString(), fault));
  }
  return Ok();
}

std::string DescribeNodes(const std::vector<NodeVictim>& nodes) {
  std::string s;
  for (const auto& n : nodes) {
    if (!s.empty()) s += ", ";
    s += n.name;
    if (!n.hosts.empty()) s += fmt::format(" (hosts {})", fmt::join(n.hosts, ", "));
  }
  return s;
}

Result<std::vector<NodeVictim>> ResolveNodeVictims(FaultContext& ctx, const drill::VictimSelector& target,
                                                   const std::string& fault) {
  using Kind = drill::VictimSelector::Kind;
  std::string loc = Loc(target.location);
  std::vector<NodeVictim> out;
  if (target.kind == Kind::kNone) {
    return MakeError(ErrorCode::kInvalidArgument,
                     loc + fault + " acts only on nodes that host the target's pods (target.ordinals, selector, "
                                   "random, all) or on nodes named in target.nodes; this step has no target");
  }
  if (target.kind == Kind::kNodes) {
    for (const auto& name : target.nodes) {
      auto node = ctx.api.Get(kube::Nodes(name));
      if (!node) {
        if (node.error().code == ErrorCode::kNotFound) {
          return MakeError(ErrorCode::kFailedPrecondition,
                           fmt::format("{}target.nodes: node \"{}\" does not exist (nodes now: {}); fix the name",
                                       loc, name, LiveNodeNames(ctx)));
        }
        return std::unexpected(Error(node.error().code, "reading node " + name + ": " + node.error().message));
      }
      if (std::none_of(out.begin(), out.end(), [&](const auto& v) { return v.name == name; })) {
        out.push_back({name, {}, *node});
      }
    }
    return out;
  }
  auto pods = ResolvePodVictims(ctx, target);
  if (!pods) return std::unexpected(pods.error());
  for (const auto& p : *pods) {
    if (p.node.empty()) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("{}pod {}/{} is not scheduled on a node yet, so {} has no node to act on; wait "
                                   "for the StatefulSet to settle first (a wait: statefulset-settled step)",
                                   loc, ctx.ns, p.name, fault));
    }
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& v) { return v.name == p.node; });
    if (it != out.end()) {
      it->hosts.push_back(p.name);
      continue;
    }
    auto node = ctx.api.Get(kube::Nodes(p.node));
    if (!node) {
      return std::unexpected(Error(node.error().code, fmt::format("reading node {} (hosts pod {}): {}", p.node,
                                                                  p.name, node.error().message)));
    }
    out.push_back({p.node, {p.name}, *node});
  }
  return out;
}

}  // namespace kdrill::faults
