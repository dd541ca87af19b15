// Every assertion must be able to fail, and only for its own guarantee. Each
// test takes a healthy recorded run (tests/fixtures/recordings), plants
// exactly one violation of one guarantee into a copy (an early creation, a
// second pod on one ordinal, two incarnations on one volume, a replaced
// claim, a changed byte ...), and expects that assertion to fail and every
// other assertion of the drill to give the verdict it gives on the untouched
// recording.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <regex>

#include <fmt/format.h>

#include "harness/cluster/statefulset.h"
#include "tests/replay/judge.h"
#include "tests/replay/recorded_run.h"

namespace kdrill::replay {
namespace {

using Events = std::vector<RecordedEvent>;

RecordedRun Load(const std::string& name) {
  auto path = std::filesystem::path(KDRILL_SOURCE_DIR) / "tests/fixtures/recordings" / (name + ".json");
  auto r = LoadRecording(path.string());
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return r ? std::move(*r) : RecordedRun{};
}

bool IsPod(const RecordedEvent& e, const std::string& name) { return e.kind == "Pod" && e.name == name; }
bool Ready(const RecordedEvent& e) { return e.object.is_object() && cluster::PodReady(e.object); }

// Index of the first event at or after `from` that satisfies pred (or nullopt).
std::optional<size_t> Find(const Events& ev, size_t from, const std::function<bool(const RecordedEvent&)>& pred) {
  for (size_t i = from; i < ev.size(); ++i) {
    if (pred(ev[i])) return i;
  }
  return std::nullopt;
}
std::optional<size_t> FindLast(const Events& ev, const std::function<bool(const RecordedEvent&)>& pred) {
  for (size_t i = ev.size(); i-- > 0;) {
    if (pred(ev[i])) return i;
  }
  return std::nullopt;
}

size_t FirstFault(const Events& ev) {
  auto f = Find(ev, 0, [](const RecordedEvent& e) { return e.kind == "fault" && e.type == "inject"; });
  EXPECT_TRUE(f.has_value()) << "the recording has no fault";
  return f.value_or(0);
}

// Moves ev[from] to position `to` (before the event now there), taking that
// position's instant.
void Move(Events& ev, size_t from, size_t to) {
  RecordedEvent e = ev[from];
  e.t = ev[to].t;
  e.wall_ms = ev[to].wall_ms;
  ev.erase(ev.begin() + static_cast<long>(from));
  if (to > from) --to;
  ev.insert(ev.begin() + static_cast<long>(to), std::move(e));
}

// Inserts a Pod event for `obj` at position `at`, at that position's instant.
void InsertPod(Events& ev, size_t at, const std::string& type, const Json& obj) {
  RecordedEvent e;
  e.kind = "Pod";
  e.type = type;
  e.ns = obj["metadata"].value("namespace", "");
  e.name = obj["metadata"].value("name", "");
  e.uid = obj["metadata"].value("uid", "");
  e.object = obj;
  e.t = ev[at].t;
  e.wall_ms = ev[at].wall_ms;
  ev.insert(ev.begin() + static_cast<long>(at), std::move(e));
}

std::string Describe(const std::vector<Judgement>& js) {
  std::string s;
  for (const auto& j : js) s += fmt::format("\n  {} {}: {}", KindName(j.verdict.kind), j.name, j.verdict.message);
  return s;
}

// Judges the untouched run and the planted one; `guilty` (an assertion name
// of the drill) must fail with a message matching `pattern`, every other
// assertion must say what it says on the untouched run.
void ExpectOnly(const RecordedRun& run, const Events& planted, const std::string& guilty, const std::string& pattern,
                const JudgeOptions& planted_opts = {}, const JudgeOptions& base_opts = {}) {
  auto healthy = Judge(run, run.events, base_opts);
  auto judged = Judge(run, planted, planted_opts);
  ASSERT_EQ(healthy.size(), judged.size());
  bool found = false;
  for (size_t k = 0; k < judged.size(); ++k) {
    EXPECT_EQ(healthy[k].verdict.kind, assertions::VerdictKind::kPass)
        << "untouched run: " << healthy[k].name << ": " << healthy[k].verdict.message;
    if (judged[k].name == guilty) {
      found = true;
      EXPECT_EQ(judged[k].verdict.kind, assertions::VerdictKind::kFail) << Describe(judged);
      EXPECT_TRUE(std::regex_search(judged[k].verdict.message, std::regex(pattern)))
          << guilty << " said: " << judged[k].verdict.message << "\nexpected /" << pattern << "/";
    } else {
      EXPECT_EQ(judged[k].verdict.kind, healthy[k].verdict.kind)
          << "only " << guilty << " may change its verdict; " << judged[k].name << " said "
          << judged[k].verdict.message;
    }
  }
  EXPECT_TRUE(found) << "the drill has no assertion " << guilty << Describe(judged);
}

// --- ordered-recovery.json: every pod of web killed at once -------------

TEST(PlantedViolations, EarlyCreationFailsOrderedRecoveryOnly) {
  auto run = Load("ordered-recovery");
  Events ev = run.events;
  const size_t fault = FirstFault(ev);
  const std::string base_uid2 = run.baseline.ordinals.at(2).uid;
  const std::string base_uid1 = run.baseline.ordinals.at(1).uid;
  // The new web-2's creation, moved to before the new web-1 is Ready (but
  // after the old web-2 is gone, so that no two web-2 overlap).
  auto created2 = Find(ev, fault, [&](const RecordedEvent& e) { return IsPod(e, "web-2") && e.uid != base_uid2; });
  auto old2_gone = FindLast(ev, [&](const RecordedEvent& e) { return e.uid == base_uid2 && e.type == "DELETED"; });
  auto created1 = Find(ev, fault, [&](const RecordedEvent& e) { return IsPod(e, "web-1") && e.uid != base_uid1; });
  ASSERT_TRUE(created2 && old2_gone && created1);
  auto ready1 = Find(ev, *created1, [&](const RecordedEvent& e) { return IsPod(e, "web-1") && Ready(e); });
  ASSERT_TRUE(ready1);
  size_t to = std::max(*old2_gone, *created1) + 1;
  ASSERT_LE(to, *ready1) << "the old web-2 went only after the new web-1 was Ready: cannot plant here";
  Move(ev, *created2, to);
  ExpectOnly(run, ev, "ordered-recovery", "web-2 was created while ordinal 1 was not (Running|Ready)");
}

TEST(PlantedViolations, ASecondPodOnOneOrdinalFailsAtMostOneOnly) {
  auto run = Load("ordered-recovery");
  Events ev = run.events;
  const size_t fault = FirstFault(ev);
  Json copy = run.baseline.ordinals.at(1).object;
  copy["metadata"]["name"] = "web-1-debug";
  copy["metadata"]["uid"] = "planted-copy";
  copy["metadata"].erase("ownerReferences");
  copy["metadata"]["labels"]["apps.kubernetes.io/pod-index"] = "1";
  // Right after the fault, while the old web-1 is still live; gone again
  // before the next event.
  InsertPod(ev, fault + 1, "ADDED", copy);
  InsertPod(ev, fault + 2, "DELETED", copy);
  ExpectOnly(run, ev, "at-most-one-per-ordinal",
             "web-1 \\(uid [0-9a-f-]+.*\\) and web-1-debug \\(uid planted-copy, not owned by the StatefulSet\\) "
             "both held ordinal 1");
}

TEST(PlantedViolations, TwoIncarnationsOnOneVolumeFailAtMostOneOnly) {
  auto run = Load("ordered-recovery");
  JudgeOptions planted;
  planted.plant_answers = [](ReplayExecutor& exec, ReplayKubeApi&) {
    auto reads = exec.Book().Requests("/beats\"]");
    for (const auto& r : reads) {
      if (r.value("pod", "") != "web-1") continue;
      exec.Book().Override(r, {Json{{"exitCode", 0},
                                    {"stdout", "old 1 1000 127.0.0.2\nnew 1 2000 127.0.0.3\nold 2 2100 127.0.0.2\n"},
                                    {"stderr", ""}}});
    }
  };
  ExpectOnly(run, run.events, "at-most-one-per-ordinal",
             "on claim data-web-1 two incarnations of ordinal 1 wrote at once for 100 ms: .*uid old, node "
             "127\\.0\\.0\\.2.*uid new, node 127\\.0\\.0\\.3",
             planted);
}

TEST(PlantedViolations, ASlowOrdinalFailsRecoveredWithinOnly) {
  auto run = Load("ordered-recovery");
  Events ev = run.events;
  const std::string base_uid2 = run.baseline.ordinals.at(2).uid;
  auto ready2 = Find(ev, FirstFault(ev), [&](const RecordedEvent& e) {
    return IsPod(e, "web-2") && e.uid != base_uid2 && Ready(e);
  });
  ASSERT_TRUE(ready2);
  // web-2 Ready 45 s later than it was, and everything after it too.
  for (size_t i = *ready2; i < ev.size(); ++i) {
    ev[i].t += 45;
    ev[i].wall_ms += 45000;
  }
  JudgeOptions opts;
  opts.param_overrides["recovered-within"] = {{"ordinal", "30s"}, {"total", "10m"}};
  ExpectOnly(run, ev, "recovered-within", "web-2", opts, opts);
}

TEST(PlantedViolations, AnotherHostnameFailsStableIdentityOnly) {
  auto run = Load("ordered-recovery");
  JudgeOptions planted;
  planted.plant_answers = [](ReplayExecutor& exec, ReplayKubeApi&) {
    for (const auto& r : exec.Book().Requests("[\"hostname\"]")) {
      if (r.value("pod", "") == "web-1") {
        exec.Book().Override(r, {Json{{"exitCode", 0}, {"stdout", "web-9\n"}, {"stderr", ""}}});
      }
    }
  };
  ExpectOnly(run, run.events, "stable-identity", "web-1: hostname inside the pod is \"web-9\"", planted);
}

TEST(PlantedViolations, AReplacedClaimFailsSamePvcOnly) {
  auto run = Load("ordered-recovery");
  cluster::Snapshot fin = run.final_state;
  ASSERT_FALSE(fin.ordinals.at(1).claims.empty());
  const std::string old_uid = fin.ordinals.at(1).claims[0].uid;
  fin.ordinals.at(1).claims[0].uid = "planted-claim-uid";
  fin.ordinals.at(1).claims[0].volume = "pvc-planted";
  JudgeOptions planted;
  planted.final_state = &fin;
  ExpectOnly(run, run.events, "same-pvc", "data-web-1.*" + old_uid + ".*planted-claim-uid", planted);
}

TEST(PlantedViolations, AChangedByteFailsDataIntactOnly) {
  auto run = Load("ordered-recovery");
  JudgeOptions planted;
  planted.plant_answers = [](ReplayExecutor& exec, ReplayKubeApi&) {
    auto requests = exec.Book().Requests(".kdrill-data-");
    // The dataset's read-back in web-0 is the last such request for web-0
    // that printed checksums (the seed came first).
    for (auto it = requests.rbegin(); it != requests.rend(); ++it) {
      if (it->value("pod", "") != "web-0") continue;
      auto answers = exec.Book().Answers(*it);
      if (answers.empty() || answers.back().value("stdout", "").empty()) continue;
      Json a = answers.back();
      std::string out = a["stdout"];
      auto first = out.find_first_of("0123456789abcdef");
      ASSERT_NE(first, std::string::npos);
      out[first] = out[first] == '0' ? '1' : '0';
      a["stdout"] = out;
      exec.Book().Override(*it, {a});
      return;
    }
    FAIL() << "no dataset read-back in web-0 in the recording";
  };
  ExpectOnly(run, run.events, "data-intact", "web-0", planted);
}

// --- rollout-partition.json: partition 2 on 3 replicas (web-2 updated) --

TEST(PlantedViolations, AnUpdateBelowAnOldRevisionFailsOrderedUpdateOnly) {
  auto run = Load("rollout-partition");
  Events ev = run.events;
  const size_t fault = FirstFault(ev);
  const std::string new_rev = run.final_state.statefulset["status"].value("updateRevision", "");
  ASSERT_FALSE(new_rev.empty());
  // web-1 replaced by a pod of the new revision right after the template
  // changed, while web-2 still ran the old one.
  Json old1 = run.baseline.ordinals.at(1).object;
  Json terminating = old1;
  terminating["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  Json new1 = old1;
  new1["metadata"]["uid"] = "planted-web-1";
  new1["metadata"]["labels"]["controller-revision-hash"] = new_rev;
  InsertPod(ev, fault + 1, "MODIFIED", terminating);
  InsertPod(ev, fault + 2, "DELETED", terminating);
  InsertPod(ev, fault + 3, "ADDED", new1);
  ExpectOnly(run, ev, "ordered-update", "web-1 began terminating while higher ordinal web-2 was");
}

// --- scale.json: 3 -> 5 -> 3 -------------------------------------------

TEST(PlantedViolations, ScaleDownLowestFirstFailsOrderedScaleOnly) {
  auto run = Load("scale");
  Events ev = run.events;
  auto terminating = [](const std::string& name) {
    return [name](const RecordedEvent& e) {
      return IsPod(e, name) && e.object.is_object() && cluster::PodTerminating(e.object);
    };
  };
  auto t4 = Find(ev, FirstFault(ev), terminating("web-4"));
  ASSERT_TRUE(t4);
  auto t3 = Find(ev, *t4, terminating("web-3"));
  ASSERT_TRUE(t3);
  Move(ev, *t3, *t4);  // web-3 began terminating before web-4
  ExpectOnly(run, ev, "ordered-scale", "web-3 began terminating while higher ordinal web-4 still existed");
}

// --- pvc-retention-retain.json: scale down by 1 under whenScaled Retain --

TEST(PlantedViolations, AClaimReplacedUnderRetainFailsPvcRetentionOnly) {
  auto run = Load("pvc-retention-retain");
  Events ev = run.events;
  // Just before the checks (what comes after them is the teardown), the
  // retained claim is deleted and one under the same name but another UID
  // appears.
  auto checks = Find(ev, 0, [](const RecordedEvent& e) { return e.kind == "note" && e.type == "checks"; });
  ASSERT_TRUE(checks);
  std::optional<size_t> last_claim;
  for (size_t i = 0; i < *checks; ++i) {
    if (ev[i].kind == "PersistentVolumeClaim" && ev[i].name == "data-web-2" && ev[i].type != "DELETED") last_claim = i;
  }
  ASSERT_TRUE(last_claim);
  RecordedEvent gone = ev[*last_claim];
  gone.type = "DELETED";
  RecordedEvent again = ev[*last_claim];
  again.type = "ADDED";
  again.uid = "planted-claim";
  again.object["metadata"]["uid"] = "planted-claim";
  gone.t = again.t = ev[*checks].t;
  gone.wall_ms = again.wall_ms = ev[*checks].wall_ms;
  ev.insert(ev.begin() + static_cast<long>(*checks), again);
  ev.insert(ev.begin() + static_cast<long>(*checks), gone);
  ExpectOnly(run, ev, "pvc-retention", "data-web-2.*planted-claim");
}

// --- probe-steady-state.json: probes around a pod kill ------------------

TEST(PlantedViolations, AProbeThatNoLongerHoldsFailsThatProbeOnly) {
  auto run = Load("probe-steady-state");
  JudgeOptions planted;
  planted.plant_answers = [](ReplayExecutor& exec, ReplayKubeApi&) {
    for (const auto& r : exec.Book().Requests("/tmp/www/healthz")) {
      if (r.value("pod", "") != "web-1") continue;
      auto answers = exec.Book().Answers(r);
      ASSERT_FALSE(answers.empty());
      exec.Book().Override(r, {answers.front(),
                               Json{{"exitCode", 1}, {"stdout", ""}, {"stderr", "cat: can't open '/tmp/www/healthz'"}}});
    }
  };
  ExpectOnly(run, run.events, "healthz file in every pod", "web-1", planted);
}

}  // namespace
}  // namespace kdrill::replay
