#pragma once
// Victim selection shared by the node faults (node-cordon, node-uncordon,
// node-drain).
//
// Scope rule: a node fault acts only on nodes that host the target's pods
// (target.ordinals / selector / random / all: the nodes of those pods), unless
// the drill names nodes explicitly with target.nodes. Anything else is refused.

#include <string>
#include <vector>

#include "harness/faults/fault.h"

namespace kdrill::faults {

struct NodeVictim {
  std::string name;
  std::vector<std::string> hosts;  // target pods chosen on this node (empty for target.nodes)
  kube::Json object;               // the Node as read
};

// Validate() helper: the step must choose pods of the target or name nodes.
// Errors point at the step's file:line:col.
Status CheckNodeTarget(const drill::Step& step, const std::string& fault);

// Resolves the nodes: target.nodes (each must exist), or the distinct nodes
// hosting the chosen live pods of the target StatefulSet, in ordinal order.
// Errors: no target, a named node that does not exist (listing the nodes
// there are), a chosen pod that is not scheduled on a node yet.
Result<std::vector<NodeVictim>> ResolveNodeVictims(FaultContext& ctx, const drill::VictimSelector& target,
                                                   const std::string& fault);

// "127.0.0.2 (hosts web-0, web-2), 127.0.0.3"
std::string DescribeNodes(const std::vector<NodeVictim>& nodes);

bool NodeUnschedulable(const kube::Json& node);

}  // namespace kdrill::faults
