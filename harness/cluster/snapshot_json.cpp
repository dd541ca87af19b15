#include "harness/cluster/snapshot_json.h"

#include <fmt/format.h>

#include "harness/core/json_reader.h"

namespace kdrill::cluster {

namespace {

using Json = nlohmann::json;

Json SpecToJson(const StatefulSetSpec& s) {
  return {{"kind", s.kind},
          {"name", s.name},
          {"namespace", s.ns},
          {"replicas", s.replicas},
          {"ordinalStart", s.ordinal_start},
          {"podManagementPolicy", s.pod_management},
          {"updateStrategy", s.update_strategy},
          {"partition", s.partition},
          {"serviceName", s.service_name},
          {"claimTemplates", s.claim_templates},
          {"selector", s.selector}};
}

Json ClaimToJson(const ClaimState& c) {
  return {{"template", c.template_name}, {"claim", c.claim},         {"exists", c.exists},
          {"uid", c.uid},                {"phase", c.phase},         {"volume", c.volume},
          {"storageClass", c.storage_class}, {"capacity", c.capacity}, {"terminating", c.terminating}};
}

Json OrdinalToJson(const OrdinalState& o) {
  Json claims = Json::array();
  for (const auto& c : o.claims) claims.push_back(ClaimToJson(c));
  return {{"ordinal", o.ordinal},   {"pod", o.pod},          {"podExists", o.pod_exists}, {"uid", o.uid},
          {"node", o.node},         {"ip", o.ip},            {"phase", o.phase},          {"ready", o.ready},
          {"terminating", o.terminating}, {"hostname", o.hostname}, {"owned", o.owned},
          {"controller", o.controller},   {"claims", claims},       {"object", o.object}};
}

StatefulSetSpec SpecFrom(const Json& j, std::string* error) {
  JsonReader r(j, "snapshot.spec", error);
  StatefulSetSpec s;
  s.kind = r.Str("kind");
  s.name = r.Str("name");
  s.ns = r.Str("namespace");
  s.replicas = static_cast<int>(r.Int("replicas"));
  s.ordinal_start = static_cast<int>(r.Int("ordinalStart"));
  s.pod_management = r.Str("podManagementPolicy");
  s.update_strategy = r.Str("updateStrategy");
  s.partition = static_cast<int>(r.Int("partition"));
  s.service_name = r.Str("serviceName");
  s.claim_templates = r.StrList("claimTemplates");
  s.selector = r.Str("selector");
  return s;
}

OrdinalState OrdinalFrom(const Json& j, const std::string& path, std::string* error) {
  JsonReader r(j, path, error);
  OrdinalState o;
  o.ordinal = static_cast<int>(r.Int("ordinal"));
  o.pod = r.Str("pod");
  o.pod_exists = r.Bool("podExists");
  o.uid = r.Str("uid");
  o.node = r.Str("node");
  o.ip = r.Str("ip");
  o.phase = r.Str("phase");
  o.ready = r.Bool("ready");
  o.terminating = r.Bool("terminating");
  o.hostname = r.Str("hostname");
  o.owned = r.Bool("owned");
  o.controller = r.Str("controller");
  o.object = r.Raw("object");
  if (const Json* claims = r.Array("claims")) {
    for (size_t i = 0; i < claims->size(); ++i) {
      JsonReader c((*claims)[i], fmt::format("{}.claims[{}]", path, i), error);
      ClaimState cs;
      cs.template_name = c.Str("template");
      cs.claim = c.Str("claim");
      cs.exists = c.Bool("exists");
      cs.uid = c.Str("uid");
      cs.phase = c.Str("phase");
      cs.volume = c.Str("volume");
      cs.storage_class = c.Str("storageClass");
      cs.capacity = c.Str("capacity");
      cs.terminating = c.Bool("terminating");
      o.claims.push_back(std::move(cs));
    }
  }
  return o;
}

}  // namespace

Json SnapshotToJson(const Snapshot& s) {
  Json ordinals = Json::array();
  for (const auto& [ord, o] : s.ordinals) ordinals.push_back(OrdinalToJson(o));
  return {{"takenAt", s.taken_at},
          {"statefulset", s.statefulset},
          {"spec", SpecToJson(s.spec)},
          {"ordinals", ordinals},
          {"extraPods", s.extra_pods}};
}

Result<Snapshot> SnapshotFromJson(const Json& j) {
  std::string error;
  JsonReader r(j, "snapshot", &error);
  Snapshot s;
  s.taken_at = r.Str("takenAt");
  s.statefulset = r.Raw("statefulset");
  s.spec = SpecFrom(r.Raw("spec"), &error);
  s.extra_pods = r.StrList("extraPods");
  if (const Json* ordinals = r.Array("ordinals")) {
    for (size_t i = 0; i < ordinals->size(); ++i) {
      auto o = OrdinalFrom((*ordinals)[i], fmt::format("snapshot.ordinals[{}]", i), &error);
      s.ordinals[o.ordinal] = std::move(o);
    }
  }
  if (!error.empty()) return MakeError(ErrorCode::kInvalidArgument, "recorded " + error);
  return s;
}

}  // namespace kdrill::cluster
