#include "harness/kube/call_ledger.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace kdrill::kube {
namespace {

using std::chrono::milliseconds;

TEST(CallLedgerTest, StartsInSetupWithNothingCounted) {
  CallLedger ledger;
  EXPECT_EQ(ledger.Phase(), "setup");
  auto phases = ledger.Phases();
  ASSERT_EQ(phases.size(), 1u);
  EXPECT_EQ(phases[0].first, "setup");
  EXPECT_EQ(phases[0].second.requests, 0);
  EXPECT_EQ(ledger.Total().requests, 0);
}

TEST(CallLedgerTest, CountsPerPhaseInTheOrderFirstEntered) {
  CallLedger ledger;
  ledger.AddRequest("get", "pods", true, milliseconds(100));
  ledger.SetPhase("settle");
  ledger.AddRequest("list", "pods", true, milliseconds(200));
  ledger.AddRequest("list", "statefulsets", true, milliseconds(300));
  ledger.SetPhase("steps");
  ledger.AddRequest("delete", "pods", false, milliseconds(50));
  ledger.AddExec(true, milliseconds(1500));
  ledger.SetPhase("settle");  // entered again: adds to its counts, keeps its place
  ledger.AddRequest("get", "statefulsets", true, milliseconds(0));
  ledger.SetPhase("cleanup");

  auto phases = ledger.Phases();
  ASSERT_EQ(phases.size(), 4u);
  EXPECT_EQ(phases[0].first, "setup");
  EXPECT_EQ(phases[1].first, "settle");
  EXPECT_EQ(phases[2].first, "steps");
  EXPECT_EQ(phases[3].first, "cleanup");

  const PhaseCounts& setup = phases[0].second;
  EXPECT_EQ(setup.requests, 1);
  EXPECT_DOUBLE_EQ(setup.seconds, 0.1);

  const PhaseCounts& settle = phases[1].second;
  EXPECT_EQ(settle.requests, 3);
  EXPECT_EQ(settle.failed, 0);
  EXPECT_DOUBLE_EQ(settle.seconds, 0.5);
  EXPECT_EQ(settle.by_verb, (std::map<std::string, int>{{"get", 1}, {"list", 2}}));
  EXPECT_EQ(settle.by_resource, (std::map<std::string, int>{{"pods", 1}, {"statefulsets", 2}}));

  const PhaseCounts& steps = phases[2].second;
  EXPECT_EQ(steps.requests, 1);
  EXPECT_EQ(steps.failed, 1);
  EXPECT_EQ(steps.execs, 1);
  EXPECT_EQ(steps.failed_execs, 0);
  EXPECT_DOUBLE_EQ(steps.exec_seconds, 1.5);

  EXPECT_EQ(phases[3].second.requests, 0);
}

TEST(CallLedgerTest, TotalSumsThePhases) {
  CallLedger ledger;
  ledger.AddRequest("get", "pods", true, milliseconds(100));
  ledger.AddWatch("pods");
  ledger.AddWatchEvent("pods");
  ledger.SetPhase("steps");
  ledger.AddRequest("get", "pods", false, milliseconds(250));
  ledger.AddRequest("evict", "pods", true, milliseconds(50));
  ledger.AddWatch("pods");
  ledger.AddWatchEvent("pods");
  ledger.AddWatchEvent("pods");
  ledger.AddExec(false, milliseconds(10));
  ledger.AddExec(true, milliseconds(20));

  PhaseCounts total = ledger.Total();
  EXPECT_EQ(total.requests, 3);
  EXPECT_EQ(total.failed, 1);
  EXPECT_NEAR(total.seconds, 0.4, 1e-12);
  EXPECT_EQ(total.by_verb, (std::map<std::string, int>{{"evict", 1}, {"get", 2}}));
  EXPECT_EQ(total.by_resource, (std::map<std::string, int>{{"pods", 3}}));
  EXPECT_EQ(total.watches, 2);
  EXPECT_EQ(total.watch_events, 3);
  EXPECT_EQ(total.execs, 2);
  EXPECT_EQ(total.failed_execs, 1);
  EXPECT_NEAR(total.exec_seconds, 0.03, 1e-12);
}

TEST(CallLedgerTest, JsonHasTheDocumentedKeysInOrder) {
  CallLedger ledger;
  ledger.AddRequest("get", "pods", true, milliseconds(500));
  ledger.SetPhase("assertions");
  ledger.AddRequest("getraw", "/api/v1", false, milliseconds(250));
  ledger.AddWatch("pods");
  ledger.AddWatchEvent("pods");
  ledger.AddExec(true, milliseconds(2000));

  nlohmann::ordered_json j = CallLedgerToJson(ledger);
  const std::vector<std::string> top = {"phases", "total"};
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, top);

  // The keys of the first apiStats stay first and in place; later ones follow.
  const std::vector<std::string> phase_keys = {"phase",   "requests",    "failed", "seconds",     "byVerb",
                                               "byResource", "watches", "watchEvents", "execs", "failedExecs",
                                               "execSeconds", "bytesReceived", "bytesSent", "watchBytesReceived",
                                               "relists", "relistsByResource", "byStatus"};
  ASSERT_TRUE(j["phases"].is_array());
  ASSERT_EQ(j["phases"].size(), 2u);
  for (const auto& p : j["phases"]) {
    keys.clear();
    for (auto it = p.begin(); it != p.end(); ++it) keys.push_back(it.key());
    EXPECT_EQ(keys, phase_keys);
  }
  keys.clear();
  for (auto it = j["total"].begin(); it != j["total"].end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, std::vector<std::string>(phase_keys.begin() + 1, phase_keys.end()));

  const auto& setup = j["phases"][0];
  EXPECT_EQ(setup["phase"], "setup");
  EXPECT_EQ(setup["requests"], 1);
  EXPECT_EQ(setup["failed"], 0);
  EXPECT_DOUBLE_EQ(setup["seconds"].get<double>(), 0.5);
  EXPECT_EQ(setup["byVerb"], nlohmann::ordered_json({{"get", 1}}));
  EXPECT_EQ(setup["byResource"], nlohmann::ordered_json({{"pods", 1}}));

  const auto& assertions = j["phases"][1];
  EXPECT_EQ(assertions["phase"], "assertions");
  EXPECT_EQ(assertions["failed"], 1);
  EXPECT_EQ(assertions["byVerb"], nlohmann::ordered_json({{"getraw", 1}}));
  EXPECT_EQ(assertions["byResource"], nlohmann::ordered_json({{"/api/v1", 1}}));
  EXPECT_EQ(assertions["watches"], 1);
  EXPECT_EQ(assertions["watchEvents"], 1);
  EXPECT_EQ(assertions["execs"], 1);
  EXPECT_EQ(assertions["failedExecs"], 0);
  EXPECT_DOUBLE_EQ(assertions["execSeconds"].get<double>(), 2.0);

  const auto& total = j["total"];
  EXPECT_EQ(total["requests"], 2);
  EXPECT_EQ(total["failed"], 1);
  EXPECT_DOUBLE_EQ(total["seconds"].get<double>(), 0.75);
  EXPECT_EQ(total["byVerb"], nlohmann::ordered_json({{"get", 1}, {"getraw", 1}}));
  EXPECT_EQ(total["execs"], 1);
}

TEST(CallLedgerTest, BytesRelistsAndStatusesPerPhaseSummedInTheTotal) {
  CallLedger ledger;
  ledger.AddRequest(RequestRecord{.verb = "list", .resource = "pods", .bytes = {.sent = 0, .received = 4000}});
  ledger.AddWatch("pods");
  ledger.AddWatchBytes("pods", {.sent = 0, .received = 300});
  ledger.SetPhase("steps");
  ledger.AddRequest(RequestRecord{.verb = "list",
                                  .resource = "pods",
                                  .bytes = {.sent = 0, .received = 5000},
                                  .relist = true});
  // A failed request still counts what it sent (and the Status it got back).
  ledger.AddRequest(RequestRecord{.verb = "create",
                                  .resource = "pods",
                                  .ok = false,
                                  .status = "409",
                                  .bytes = {.sent = 120, .received = 200}});
  ledger.AddRequest("get", "pods", false, milliseconds(1));  // short form: no answer, no bytes
  ledger.AddWatchBytes("pods", {.sent = 0, .received = 700});

  auto phases = ledger.Phases();
  ASSERT_EQ(phases.size(), 2u);
  const PhaseCounts& setup = phases[0].second;
  EXPECT_EQ(setup.bytes_received, 4300u);
  EXPECT_EQ(setup.bytes_sent, 0u);
  EXPECT_EQ(setup.watch_bytes_received, 300u);
  EXPECT_EQ(setup.relists, 0);
  EXPECT_EQ(setup.by_status, (std::map<std::string, int>{{"2xx", 1}}));
  const PhaseCounts& steps = phases[1].second;
  EXPECT_EQ(steps.requests, 3);
  EXPECT_EQ(steps.failed, 2);
  EXPECT_EQ(steps.bytes_received, 5900u);
  EXPECT_EQ(steps.bytes_sent, 120u);
  EXPECT_EQ(steps.watch_bytes_received, 700u);
  EXPECT_EQ(steps.relists, 1);
  EXPECT_EQ(steps.relists_by_resource, (std::map<std::string, int>{{"pods", 1}}));
  EXPECT_EQ(steps.by_verb, (std::map<std::string, int>{{"create", 1}, {"get", 1}, {"list", 1}}));
  EXPECT_EQ(steps.by_status, (std::map<std::string, int>{{"2xx", 1}, {"409", 1}, {"none", 1}}));

  PhaseCounts total = ledger.Total();
  EXPECT_EQ(total.bytes_received, 10200u);
  EXPECT_EQ(total.bytes_sent, 120u);
  EXPECT_EQ(total.watch_bytes_received, 1000u);
  EXPECT_EQ(total.relists, 1);
  EXPECT_EQ(total.relists_by_resource, (std::map<std::string, int>{{"pods", 1}}));
  EXPECT_EQ(total.by_status, (std::map<std::string, int>{{"2xx", 2}, {"409", 1}, {"none", 1}}));

  nlohmann::ordered_json j = CallLedgerToJson(ledger);
  EXPECT_EQ(j["phases"][1]["bytesReceived"], 5900);
  EXPECT_EQ(j["phases"][1]["bytesSent"], 120);
  EXPECT_EQ(j["phases"][1]["watchBytesReceived"], 700);
  EXPECT_EQ(j["phases"][1]["relists"], 1);
  EXPECT_EQ(j["phases"][1]["relistsByResource"], nlohmann::ordered_json({{"pods", 1}}));
  EXPECT_EQ(j["total"]["bytesReceived"], 10200);
  EXPECT_EQ(j["total"]["byStatus"], nlohmann::ordered_json({{"2xx", 2}, {"409", 1}, {"none", 1}}));
  EXPECT_TRUE(j["phases"][0]["relistsByResource"].is_object());
}

TEST(CallLedgerTest, EmptyMapsAreEmptyObjects) {
  CallLedger ledger;
  nlohmann::ordered_json j = CallLedgerToJson(ledger);
  EXPECT_TRUE(j["phases"][0]["byVerb"].is_object());
  EXPECT_TRUE(j["phases"][0]["byResource"].is_object());
  EXPECT_TRUE(j["total"]["byVerb"].is_object());
}

TEST(CallLedgerTest, ConcurrentRequestsAreAllCounted) {
  CallLedger ledger;
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&ledger, t] {
        for (int i = 0; i < 1000; ++i) {
          ledger.AddRequest(t % 2 == 0 ? "get" : "list", "pods", i % 10 != 0, milliseconds(1));
          if (i == 500 && t == 0) ledger.SetPhase("steps");
        }
      });
    }
  }
  PhaseCounts total = ledger.Total();
  EXPECT_EQ(total.requests, 4000);
  EXPECT_EQ(total.failed, 400);
  EXPECT_EQ(total.by_verb["get"], 2000);
  EXPECT_EQ(total.by_verb["list"], 2000);
  EXPECT_EQ(total.by_resource["pods"], 4000);
  EXPECT_NEAR(total.seconds, 4.0, 1e-9);
  int summed = 0;
  for (const auto& [name, c] : ledger.Phases()) summed += c.requests;
  EXPECT_EQ(summed, 4000);
}

}  // namespace
}  // namespace kdrill::kube
