#pragma once
// Synthetic recordings (harness/runner/recording.h) for the picture tests:
// a StatefulSet "web" in "kdrill-demo" with claim template "data", its pods,
// claims and the runner's markers, appended in the order they are written.

#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "reports/run_report.h"

namespace kdrill::reports::testing {

struct PodLook {
  std::string phase = "Pending";
  bool ready = false;
  std::string node;
  bool terminating = false;
  std::string owner_kind = "StatefulSet";  // "" for no ownerReference at all
  std::string owner_name = "web";
};

inline PodLook Pending() { return {}; }
inline PodLook Scheduled() { return {.node = "node-a"}; }
inline PodLook Running() { return {.phase = "Running", .node = "node-a"}; }
inline PodLook Ready() { return {.phase = "Running", .ready = true, .node = "node-a"}; }
inline PodLook Terminating() { return {.phase = "Running", .ready = true, .node = "node-a", .terminating = true}; }

class RecordingBuilder {
 public:
  using Json = nlohmann::json;
  std::string ns = "kdrill-demo";
  std::string sts = "web";

  RecordingBuilder& Sts(double t, const std::string& type, int replicas) {
    Json obj = {{"kind", "StatefulSet"},
                {"metadata", {{"name", sts}, {"namespace", ns}, {"uid", "sts-uid"}}},
                {"spec",
                 {{"replicas", replicas},
                  {"volumeClaimTemplates", Json::array({{{"metadata", {{"name", "data"}}}}})}}}};
    return Event(t, "StatefulSet", type, sts, "sts-uid", obj);
  }

  RecordingBuilder& Pod(double t, const std::string& type, int ordinal, const std::string& uid, const PodLook& look,
                        const std::string& summary = "") {
    const std::string name = sts + "-" + std::to_string(ordinal);
    Json meta = {{"name", name}, {"namespace", ns}, {"uid", uid}};
    if (!look.owner_kind.empty()) {
      meta["ownerReferences"] =
          Json::array({{{"kind", look.owner_kind}, {"name", look.owner_name}, {"controller", true}}});
    }
    if (look.terminating) meta["deletionTimestamp"] = "2026-01-01T00:00:00Z";
    Json obj = {{"kind", "Pod"},
                {"metadata", meta},
                {"spec", Json::object()},
                {"status", {{"phase", look.phase},
                            {"conditions", Json::array({{{"type", "Ready"},
                                                         {"status", look.ready ? "True" : "False"}}})}}}};
    if (!look.node.empty()) obj["spec"]["nodeName"] = look.node;
    return Event(t, "Pod", type, name, uid, obj, summary);
  }

  RecordingBuilder& Claim(double t, const std::string& type, int ordinal, const std::string& uid,
                          const std::string& phase = "Bound", const std::string& volume = "") {
    const std::string name = "data-" + sts + "-" + std::to_string(ordinal);
    Json obj = {{"kind", "PersistentVolumeClaim"},
                {"metadata", {{"name", name}, {"namespace", ns}, {"uid", uid}}},
                {"spec", Json::object()},
                {"status", {{"phase", phase}}}};
    if (!volume.empty()) obj["spec"]["volumeName"] = volume;
    return Event(t, "PersistentVolumeClaim", type, name, uid, obj);
  }

  // A runner marker: fault, wait, note, undo, step.
  RecordingBuilder& Mark(double t, const std::string& kind, const std::string& type, const std::string& name,
                         const std::string& summary = "", const Json& object = nullptr) {
    events_.push_back({{"t", t},        {"wallMs", 0},         {"kind", kind}, {"type", type}, {"namespace", ""},
                       {"name", name},  {"uid", ""},           {"summary", summary}, {"object", object}});
    return *this;
  }

  RecordingBuilder& Raw(const Json& event) {
    events_.push_back(event);
    return *this;
  }

  Json Recording() const {
    return {{"version", 1},
            {"target", {{"kind", "StatefulSet"}, {"namespace", ns}, {"name", sts}}},
            {"events", events_}};
  }

  RunReport Report(double seconds = 0) const {
    RunReport r;
    r.ns = ns;
    r.statefulset = sts;
    r.seconds = seconds;
    r.recording = Recording();
    return r;
  }

 private:
  RecordingBuilder& Event(double t, const std::string& kind, const std::string& type, const std::string& name,
                          const std::string& uid, const Json& obj, const std::string& summary = "") {
    events_.push_back({{"t", t},          {"wallMs", 0},  {"kind", kind}, {"type", type},       {"namespace", ns},
                       {"name", name},    {"uid", uid},   {"summary", summary}, {"object", obj}});
    return *this;
  }

  Json events_ = Json::array();
};

// The recording of a drill run kept in tests/fixtures/recordings, as a RunReport.
inline RunReport FixtureReport(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  RunReport r;
  if (j.is_discarded() || !j.is_object()) return r;
  r.recording = j.contains("recording") ? j["recording"] : nlohmann::json();
  return r;
}

}  // namespace kdrill::reports::testing
