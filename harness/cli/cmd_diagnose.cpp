// kdrill diagnose pvc|pod|sts NAME [-n NS]: read one object and what
// surrounds it (its namespace's pods, claims, events and quotas; the
// cluster's PVs, nodes, StorageClasses and CSIDrivers) and print why it is
// not healthy, one cause a line. Reads only, so it works in any namespace:
// --allow-namespace and --allow-context (rails for changes) do not apply.

#include <iostream>
#include <map>

#include "harness/cli/commands.h"
#include "harness/cli/connect_flags.h"
#include "harness/cli/exit_codes.h"
#include "harness/cli/flag_checks.h"
#include "harness/cli/load_drills.h"
#include "harness/diagnose/diagnose.h"
#include "harness/diagnose/store_reader.h"
#include "harness/diagnose/summary.h"

namespace kdrill::cli {

namespace {

struct KindWord {
  std::string kind;   // store kind
  std::string label;  // for the header line
};

// The words accepted for each kind, as kubectl spells them.
const std::map<std::string, KindWord>& KindWords() {
  static const std::map<std::string, KindWord> words = {
      {"pod", {"Pod", "pod"}},
      {"pods", {"Pod", "pod"}},
      {"po", {"Pod", "pod"}},
      {"pvc", {"PersistentVolumeClaim", "claim"}},
      {"pvcs", {"PersistentVolumeClaim", "claim"}},
      {"persistentvolumeclaim", {"PersistentVolumeClaim", "claim"}},
      {"persistentvolumeclaims", {"PersistentVolumeClaim", "claim"}},
      {"sts", {"StatefulSet", "StatefulSet"}},
      {"statefulset", {"StatefulSet", "StatefulSet"}},
      {"statefulsets", {"StatefulSet", "StatefulSet"}},
  };
  return words;
}

constexpr const char* kHelpFooter = R"(Flags as kubectl's, before or after the subcommand: -n NS (default: the
context's namespace), --context NAME, --kubeconfig FILE.

What it reads: the object; in its namespace the pods, claims, StatefulSets,
events and ResourceQuotas; in the cluster the PersistentVolumes, nodes,
StorageClasses and CSIDrivers. It changes nothing, so it works in any
namespace (kube-system too) and ignores --allow-namespace/--allow-context.
Lists it may not read are named on stderr; their causes then come from events.

What it finds:
  claims  missing StorageClass, no provisioner (no CSIDriver), provisioning
          failures, WaitForFirstConsumer without a pod, no matching PV
  pods    FailedScheduling and why, pinned to cordoned nodes, volume node
          affinity conflicts, FailedMount, Multi-Attach, CrashLoopBackOff
          (last exit code, reason, restarts), failing readiness probes
  sts     each pod that is not Ready (as above), pods never created
          (quota exceeded, OrderedReady), quotas at their limit

Examples:
  kdrill diagnose sts web -n kdrill-demo
  kdrill diagnose pod web-1 -n kdrill-demo --context staging
  kdrill diagnose pvc data-web-2 -n kdrill-demo

  $ kdrill diagnose pvc data-web-2 -n shop
  claim shop/data-web-2: Pending, StorageClass "fast", 1Gi requested
    claim data-web-2: Pending: StorageClass "fast" does not exist: create the StorageClass or recreate the claim with an existing storageClassName

Exit codes: 0 no problem found, 1 problems found (printed), 2 bad usage or
kubeconfig, 3 the object does not exist or the cluster could not be read.)";

}  // namespace

int DiagnoseObject(kube::KubeApi& api, const std::string& kind_word, const std::string& ns_flag,
                   const std::string& name, std::ostream& out, std::ostream& err) {
  auto word = KindWords().find(kind_word);
  if (word == KindWords().end()) {
    err << "kdrill diagnose: unknown kind \"" << kind_word << "\": use pod, pvc or sts\n";
    return kExitUsage;
  }
  const auto& [kind, label] = word->second;
  const std::string ns = ns_flag.empty() ? api.DefaultNamespace() : ns_flag;
  // Both go into the request's path: a name like ".." or "a/b" would reach
  // another URL, an empty one would list every object.
  for (const Status& st : {CheckObjectName(label + " name", name), CheckNamespaceFlag(ns)}) {
    if (!st) {
      err << "kdrill diagnose: " << st.error().message << "\n";
      return kExitUsage;
    }
  }
  auto read = diagnose::ReadForDiagnosis(api, {kind, ns, name});
  if (!read) {
    if (read.error().code == ErrorCode::kNotFound) {
      err << "kdrill diagnose: " << label << " " << name << " not found in namespace " << ns
          << " (pass -n for another namespace)\n";
    } else {
      err << "kdrill diagnose: reading " << label << " " << ns << "/" << name << ": " << read.error().ToString()
          << "\n";
    }
    return kExitCluster;
  }
  for (const auto& u : read->unread) {
    err << "kdrill diagnose: note: could not list " << u << "; causes that need it come from events only\n";
  }
  const auto& obj = read->object;
  std::vector<std::string> causes;
  std::string state, healthy;
  if (kind == "Pod") {
    causes = diagnose::DiagnosePod(read->store, obj);
    state = diagnose::PodState(obj);
    healthy = diagnose::PodHealthy(obj);
  } else if (kind == "PersistentVolumeClaim") {
    causes = diagnose::DiagnoseClaim(read->store, obj);
    state = diagnose::ClaimState(obj);
    healthy = diagnose::ClaimHealthy(obj);
  } else {
    causes = diagnose::DiagnoseStatefulSet(read->store, ns, name);
    state = diagnose::StatefulSetState(obj);
    healthy = diagnose::StatefulSetHealthy(obj);
  }
  out << label << " " << ns << "/" << name << ": " << state << "\n";
  if (causes.empty()) {
    out << "no problem found: " << healthy << "\n";
    return kExitOk;
  }
  for (const auto& c : causes) {
    out << "  " << c << "\n";
  }
  return kExitFailed;
}

std::function<int()> SetupDiagnose(CLI::App& app, GlobalOptions& global) {
  auto* cmd = app.add_subcommand("diagnose",
                                 "Say why a pod, claim or StatefulSet is not healthy, read from the API "
                                 "(reads only; any namespace)");
  auto kind = std::make_shared<std::string>();
  auto name = std::make_shared<std::string>();
  std::vector<std::string> words;
  for (const auto& [w, k] : KindWords()) words.push_back(w);
  cmd->add_option("kind", *kind, "pod, pvc or sts (kubectl's spellings work: pods, po, persistentvolumeclaim, ...)")
      ->required()
      ->check(CLI::IsMember(words));
  cmd->add_option("name", *name, "The object's name")->required();
  cmd->footer(kHelpFooter);
  return [kind, name, &global] {
    const auto& label = KindWords().at(*kind).label;
    if (auto st = CheckObjectName(label + " name", *name); !st) return ReportBadInput("diagnose", st.error());
    auto conn = Connect(global);
    if (!conn) {
      return ReportConnectError(conn.error());
    }
    return DiagnoseObject(*conn->api, *kind, global.ns, *name, std::cout, std::cerr);
  };
}

}  // namespace kdrill::cli
