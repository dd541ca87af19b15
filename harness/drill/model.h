#pragma once
// The drill model: what a drill file says, after parsing and validation.
// Produced by ParseDrill (harness/drill/parser.h); consumed by the runner.
// Everything here is plain data; no yaml-cpp types leak out of harness/drill.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/core/status.h"
#include "harness/drill/source_location.h"

namespace kdrill::drill {

using Json = nlohmann::json;

// A free-form parameter block (fault params, wait params, assertion params)
// that remembers where each key was written, so a fault or an assertion that
// rejects a value can point at file:line:col.
class Params {
 public:
  Params() = default;
  Params(Json values, SourceLocation block, std::map<std::string, SourceLocation> keys)
      : values_(std::move(values)), block_(std::move(block)), keys_(std::move(keys)) {}

  const Json& values() const { return values_; }  // always a JSON object
  const SourceLocation& location() const { return block_; }
  // The same params, named by their path in the drill ("spec.steps[2].params"),
  // which NameOf and every error then start with.
  Params WithPath(std::string path) const;
  // A key by its path in the drill: "spec.steps[2].params.exec.command" for
  // "command" inside Sub("exec"); without a path, "exec.command".
  std::string NameOf(const std::string& key) const;
  // The block's own path ("spec.steps[2].params.exec"; "" without a path).
  std::string BlockName() const;
  // The map under `key` as Params of its own, for nested blocks such as
  // `exec: {command: [...]}`: its keys keep their file:line:col and errors
  // name them "exec.command". An absent key gives an empty map located at the
  // block; a value that is not a map is an error located at the key.
  Result<Params> Sub(const std::string& key) const;
  // The key under which a reader records where a nested key is written
  // (`parent` may itself be nested).
  static std::string NestedKey(const std::string& parent, const std::string& child);
  // Location of a top-level key (falls back to the block's location).
  const SourceLocation& LocationOf(const std::string& key) const;
  bool Has(const std::string& key) const;

  // Typed getters: absent key -> fallback; present with the wrong type ->
  // kInvalidArgument "<file:line:col>: <key>: expected <what>, got <value>".
  Result<std::string> GetString(const std::string& key, const std::string& fallback) const;
  Result<int64_t> GetInt(const std::string& key, int64_t fallback) const;
  Result<double> GetDouble(const std::string& key, double fallback) const;
  Result<bool> GetBool(const std::string& key, bool fallback) const;
  // "500ms", "30s", "2m", "1h" (a bare integer is seconds).
  Result<std::chrono::milliseconds> GetDuration(const std::string& key,
                                                std::chrono::milliseconds fallback) const;
  Result<std::vector<std::string>> GetStringList(const std::string& key) const;
  // Every key must be in `known`; otherwise an error naming the key, its
  // location and the accepted keys.
  Status CheckKnownKeys(const std::vector<std::string>& known, const std::string& what) const;
  // An error located at `key` (or the block when `key` is ""), naming it:
  // "<loc>: <NameOf(key) or BlockName()>: <what>", so `what` is only the
  // problem ("must be >= 0").
  Error ErrorAt(const std::string& key, const std::string& what) const;

 private:
  Json values_ = Json::object();
  SourceLocation block_;
  std::map<std::string, SourceLocation> keys_;  // top-level keys, and nested ones under NestedKey
  std::string path_;                            // "spec.steps[2].params"; "" when unknown
  std::string prefix_;                          // "exec." for Sub("exec")
};

// Which pods (or nodes) a step acts on. Exactly one kind is set in a drill.
struct VictimSelector {
  enum class Kind { kNone, kOrdinals, kLabelSelector, kRandom, kAll, kNodes };
  Kind kind = Kind::kNone;
  std::vector<int> ordinals;          // kOrdinals
  std::string label_selector;         // kLabelSelector (within the target StatefulSet's pods)
  int count = 1;                      // kRandom: how many, chosen with the run's seed
  std::vector<std::string> nodes;     // kNodes: node names
  SourceLocation location;
};

struct WaitSpec {
  // "statefulset-settled", "pod-ready", "pvc-bound", "jsonpath", "duration"
  std::string condition;
  Params params;  // condition-specific (e.g. ordinal, resource, path, value)
  std::chrono::milliseconds timeout{std::chrono::seconds(300)};
  SourceLocation location;
};

struct Step {
  enum class Kind { kFault, kWait };
  Kind kind = Kind::kFault;
  std::string name;         // given, or generated: "pod-kill #1"
  std::string fault;        // kFault: registered fault name ("pod-kill")
  VictimSelector target;    // kFault
  Params params;            // kFault: fault-specific
  WaitSpec wait;            // kWait
  std::string explain;      // narration for a class (`explain:`); "" if none
  SourceLocation location;
};

struct AssertionSpec {
  std::string type;  // registered assertion name ("stable-identity", "same-pvc")
  std::string name;  // given, or the type
  Params params;
  std::string explain;  // narration for a class (`explain:`); "" if none
  SourceLocation location;
};

// A Kubernetes manifest applied before the drill and deleted after it.
struct SetupItem {
  std::string source;              // resolved path of the manifest file, or "<inline>"
  std::vector<Json> objects;       // the YAML documents, converted to JSON, in file order
  SourceLocation location;
};

// spec.workload: a writer kdrill runs from before the first fault to the end
// of the steps (harness/workload) that writes numbered records to one of the
// target's pods, so that acknowledged-writes and max-unavailability can judge
// what survived: a networked client ("postgres") runs the database's own
// client in a pod of its own in the drill's namespace; an in-pod client
// ("sh-append") is run by kdrill, one exec per record, in the host pod itself.
struct WorkloadSpec {
  std::string client;        // a workload client ("postgres"): Catalog::WorkloadClients
  int host_ordinal = 0;      // the writes go to <target>-<n>.<serviceName>
  std::string service;       // networked clients: write to this Service's name instead (a Deployment's pods)
  std::chrono::milliseconds interval{std::chrono::milliseconds(200)};  // pause between writes
  std::string image;         // the writer's image; "" = the target's first container's image
  std::string dir;           // in-pod clients: where the records go; "" = the target's claim mount
  // How long the writer may take to have its first write acknowledged
  // before the first fault (a writer that never wrote proves nothing).
  std::chrono::milliseconds start_timeout{std::chrono::seconds(60)};
  // How long the writer writes after its first acknowledged write before the
  // first fault, so that the records the faults must not lose exist.
  std::chrono::milliseconds warm_up{std::chrono::seconds(2)};
  SourceLocation location;
};

struct ReportSpec {
  std::string junit;  // path; empty = not written unless --junit
  std::string json;
  std::string html;   // this drill's HTML page (reports/html_reporter.h)
};

struct Drill {
  std::string file;         // the drill file as given
  std::string name;         // metadata.name
  std::string description;  // metadata.description
  std::string ns;           // spec.target.namespace (may be overridden by -n)
  std::string statefulset;  // the target's name: spec.target.statefulSet (or .deployment)
  std::string target_kind = "StatefulSet";  // "Deployment" for spec.target.deployment
  std::vector<SetupItem> setup;
  std::chrono::milliseconds settle_timeout{std::chrono::seconds(300)};
  std::optional<uint64_t> seed;  // spec.seed; --seed overrides
  std::vector<Step> steps;
  std::optional<WorkloadSpec> workload;  // spec.workload; absent: no writer
  std::vector<AssertionSpec> assertions;
  ReportSpec reports;
  SourceLocation location;
};

}  // namespace kdrill::drill
