#include "harness/kube/counting_kube_api.h"

#include <gtest/gtest.h>

#include <chrono>
#include <stop_token>
#include <string>
#include <thread>

#include "harness/kube/reflector.h"
#include "harness/kube/wire_bytes.h"
#include "tests/fakes/fake_kube_api.h"
#include "tests/fakes/kube_test_clock.h"

namespace kdrill::kube {
namespace {

using std::chrono::milliseconds;
using testing::FakeKubeApi;
using testing::KubeTestClock;

Json Pod(const std::string& name) { return Json{{"metadata", {{"name", name}}}}; }

// A FakeKubeApi whose every request takes `delay` on the test clock.
class SlowKubeApi final : public FakeKubeApi {
 public:
  SlowKubeApi(KubeTestClock& clock, milliseconds delay) : clock_(clock), delay_(delay) {}
  Result<Json> Get(const ResourceRef& ref) override {
    clock_.Advance(delay_);
    return FakeKubeApi::Get(ref);
  }
  Result<Json> List(const ResourceRef& ref, const ListOptions& opts) override {
    clock_.Advance(delay_);
    return FakeKubeApi::List(ref, opts);
  }
  Result<RawResponse> GetRaw(const std::string& path) override {
    clock_.Advance(delay_);
    return FakeKubeApi::GetRaw(path);
  }

 private:
  KubeTestClock& clock_;
  milliseconds delay_;
};

// A FakeKubeApi that moves body bytes on the calling thread as a transport
// would: a Create sends its body (whatever the answer) and receives the
// answer's JSON or a 200-byte Status; a List receives its JSON; a Watch
// receives `line_bytes` before each event and `tail_bytes` after the last.
// A Get also makes another thread move bytes meanwhile (not the call's).
class WireKubeApi final : public FakeKubeApi {
 public:
  uint64_t line_bytes = 100;
  uint64_t tail_bytes = 0;

  Result<Json> Get(const ResourceRef& ref) override {
    std::thread([] { AddThreadWireBytes({.sent = 1000, .received = 1000}); }).join();
    auto got = FakeKubeApi::Get(ref);
    if (got) AddThreadWireBytes({.received = got->dump().size()});
    return got;
  }
  Result<Json> List(const ResourceRef& ref, const ListOptions& opts) override {
    auto got = FakeKubeApi::List(ref, opts);
    if (got) AddThreadWireBytes({.received = got->dump().size()});
    return got;
  }
  Result<Json> Create(const ResourceRef& ref, const Json& body) override {
    AddThreadWireBytes({.sent = body.dump().size()});
    auto made = FakeKubeApi::Create(ref, body);
    AddThreadWireBytes({.received = made ? made->dump().size() : 200});
    return made;
  }
  Status Watch(const ResourceRef& ref, const WatchOptions& opts, const WatchHandler& handler,
               std::stop_token stop) override {
    Status st = FakeKubeApi::Watch(
        ref, opts,
        [&](const WatchEvent& e) {
          AddThreadWireBytes({.received = line_bytes});
          return handler(e);
        },
        std::move(stop));
    AddThreadWireBytes({.received = tail_bytes});
    return st;
  }
};

class CountingKubeApiTest : public ::testing::Test {
 protected:
  FakeKubeApi fake_;
  CallLedger ledger_;
  KubeTestClock clock_;
  CountingKubeApi api_{fake_, ledger_, clock_};
};

TEST_F(CountingKubeApiTest, CountsEachVerbAndResource) {
  fake_.Put(Pods("demo"), Pod("web-0"));
  fake_.Put(Pods("demo"), Pod("web-1"));
  fake_.Put(StatefulSets("demo"), Json{{"metadata", {{"name", "web"}}}, {"spec", {{"replicas", 2}}}});

  ASSERT_TRUE(api_.Get(Pods("demo", "web-0")));
  ASSERT_TRUE(api_.List(Pods("demo"), {}));
  ASSERT_TRUE(api_.List(StatefulSets("demo"), {}));
  ASSERT_TRUE(api_.Create(Pods("demo"), Pod("web-2")));
  ASSERT_TRUE(api_.Patch(StatefulSets("demo", "web"), PatchType::kMerge, R"({"spec":{"replicas":3}})"));
  auto sts = api_.Get(StatefulSets("demo", "web"));
  ASSERT_TRUE(sts);
  ASSERT_TRUE(api_.Replace(StatefulSets("demo", "web"), *sts));
  ASSERT_TRUE(api_.Delete(Pods("demo", "web-2")));
  ASSERT_TRUE(api_.Evict("demo", "web-1"));
  ASSERT_TRUE(api_.GetRaw("/version"));

  PhaseCounts total = ledger_.Total();
  EXPECT_EQ(total.requests, 10);
  EXPECT_EQ(total.failed, 0);
  EXPECT_EQ(total.by_verb, (std::map<std::string, int>{{"create", 1},
                                                       {"delete", 1},
                                                       {"evict", 1},  // not also a delete: one KubeApi call
                                                       {"get", 2},
                                                       {"getraw", 1},
                                                       {"list", 2},
                                                       {"patch", 1},
                                                       {"replace", 1}}));
  EXPECT_EQ(total.by_resource,
            (std::map<std::string, int>{{"/version", 1}, {"pods", 5}, {"statefulsets", 4}}));
  EXPECT_EQ(total.watches, 0);
}

TEST_F(CountingKubeApiTest, PassesAnswersThroughUnchanged) {
  fake_.Put(Pods("demo"), Pod("web-0"));
  auto direct = fake_.Get(Pods("demo", "web-0"));
  auto counted = api_.Get(Pods("demo", "web-0"));
  ASSERT_TRUE(direct && counted);
  EXPECT_EQ(*direct, *counted);

  auto missing = api_.Get(Pods("demo", "nope"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);

  fake_.on_get_raw = [](const std::string& path) -> Result<RawResponse> {
    return RawResponse{200, "text/plain", "got " + path};
  };
  auto raw = api_.GetRaw("/healthz?verbose");
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->body, "got /healthz?verbose");
  EXPECT_EQ(api_.DefaultNamespace(), "default");
  EXPECT_EQ(api_.ServerUrl(), "https://fake.invalid");
  EXPECT_EQ(ledger_.Total().requests, 3);  // DefaultNamespace/ServerUrl are not requests
  EXPECT_EQ(ledger_.Total().by_resource["/healthz"], 1);
}

TEST_F(CountingKubeApiTest, ErrorsCountAsFailedRequests) {
  fake_.Put(Pods("demo"), Pod("web-0"));
  fake_.inject_errors["get"] = {Error(ErrorCode::kServerError, "boom")};
  fake_.inject_errors["delete"] = {Error(ErrorCode::kConflict, "uid precondition")};
  fake_.inject_errors["evict"] = {Error(ErrorCode::kTooManyRequests, "pdb")};
  fake_.inject_errors["getraw"] = {Error(ErrorCode::kUnavailable, "reset")};

  auto got = api_.Get(Pods("demo", "web-0"));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kServerError);
  EXPECT_FALSE(api_.Delete(Pods("demo", "web-0")));
  EXPECT_FALSE(api_.Evict("demo", "web-0"));
  EXPECT_FALSE(api_.GetRaw("/api/v1/namespaces/demo/pods/web-0/log"));
  EXPECT_TRUE(api_.Get(Pods("demo", "web-0")));
  // A non-2xx GetRaw answer is an answer, not a failed request.
  auto raw = api_.GetRaw("/api/v1/namespaces/demo/services/web:80/proxy/x");
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->status, 404);

  PhaseCounts total = ledger_.Total();
  EXPECT_EQ(total.requests, 6);
  EXPECT_EQ(total.failed, 4);
}

TEST_F(CountingKubeApiTest, CountsInThePhaseCurrentWhenTheCallReturns) {
  fake_.Put(Pods("demo"), Pod("web-0"));
  ASSERT_TRUE(api_.Get(Pods("demo", "web-0")));
  ledger_.SetPhase("baseline");
  ASSERT_TRUE(api_.List(Pods("demo"), {}));
  ASSERT_TRUE(api_.List(Pods("demo"), {}));
  ledger_.SetPhase("steps");
  ASSERT_TRUE(api_.Delete(Pods("demo", "web-0")));

  auto phases = ledger_.Phases();
  ASSERT_EQ(phases.size(), 3u);
  EXPECT_EQ(phases[0].first, "setup");
  EXPECT_EQ(phases[0].second.by_verb, (std::map<std::string, int>{{"get", 1}}));
  EXPECT_EQ(phases[1].first, "baseline");
  EXPECT_EQ(phases[1].second.by_verb, (std::map<std::string, int>{{"list", 2}}));
  EXPECT_EQ(phases[2].first, "steps");
  EXPECT_EQ(phases[2].second.by_verb, (std::map<std::string, int>{{"delete", 1}}));
}

TEST_F(CountingKubeApiTest, AWatchWithThreeEventsIsOneWatchAndThreeEvents) {
  fake_.Put(Pods("demo"), Pod("web-0"));  // rv 101..103
  fake_.Put(Pods("demo"), Pod("web-1"));
  fake_.Put(Pods("demo"), Pod("web-2"));
  ledger_.SetPhase("settle");

  std::vector<std::string> seen;
  WatchOptions opts;
  opts.resource_version = "100";  // replay the three ADDED events
  auto st = api_.Watch(Pods("demo"), opts,
                       [&](const WatchEvent& e) {
                         seen.push_back(e.type + " " + e.object["metadata"]["name"].get<std::string>());
                         return seen.size() < 3;
                       },
                       std::stop_token{});
  ASSERT_TRUE(st);
  EXPECT_EQ(seen, (std::vector<std::string>{"ADDED web-0", "ADDED web-1", "ADDED web-2"}));

  auto settle = ledger_.Phases().at(1);
  EXPECT_EQ(settle.first, "settle");
  EXPECT_EQ(settle.second.watches, 1);
  EXPECT_EQ(settle.second.watch_events, 3);
  EXPECT_EQ(settle.second.requests, 0);  // a watch is not a request
}

TEST_F(CountingKubeApiTest, AWatchThatReconnectsCountsAsAnotherWatch) {
  fake_.inject_errors["watch"] = {Error(ErrorCode::kGone, "too old resource version")};
  auto handler = [](const WatchEvent&) { return false; };
  EXPECT_FALSE(api_.Watch(Pods("demo"), {}, handler, std::stop_token{}));
  std::stop_source stopped;
  stopped.request_stop();
  EXPECT_TRUE(api_.Watch(Pods("demo"), {}, handler, stopped.get_token()));
  EXPECT_EQ(ledger_.Total().watches, 2);
  EXPECT_EQ(ledger_.Total().watch_events, 0);
}

TEST(CountingKubeApiBytesTest, ARequestCountsTheBytesItMovedInThePhaseItReturnsIn) {
  WireKubeApi fake;
  CallLedger ledger;
  KubeTestClock clock;
  CountingKubeApi api(fake, ledger, clock);
  const Json web0 = fake.Put(Pods("demo"), Pod("web-0"));

  auto got = api.Get(Pods("demo", "web-0"));  // another thread's 1000 bytes are not the call's
  ASSERT_TRUE(got);
  ledger.SetPhase("steps");
  auto list = api.List(Pods("demo"), {});
  ASSERT_TRUE(list);
  auto made = api.Create(Pods("demo"), Pod("web-1"));
  ASSERT_TRUE(made);

  auto phases = ledger.Phases();
  ASSERT_EQ(phases.size(), 2u);
  EXPECT_EQ(phases[0].second.bytes_received, got->dump().size());
  EXPECT_EQ(phases[0].second.bytes_sent, 0u);
  EXPECT_EQ(phases[1].second.bytes_received, list->dump().size() + made->dump().size());
  EXPECT_EQ(phases[1].second.bytes_sent, Pod("web-1").dump().size());
  EXPECT_EQ(phases[1].second.watch_bytes_received, 0u);
  const PhaseCounts total = ledger.Total();
  EXPECT_EQ(total.bytes_received, got->dump().size() + list->dump().size() + made->dump().size());
  EXPECT_EQ(total.bytes_sent, Pod("web-1").dump().size());
  EXPECT_EQ(total.by_status, (std::map<std::string, int>{{"2xx", 3}}));
}

TEST(CountingKubeApiBytesTest, AFailedRequestStillCountsTheBytesItSent) {
  WireKubeApi fake;
  CallLedger ledger;
  KubeTestClock clock;
  CountingKubeApi api(fake, ledger, clock);
  fake.Put(Pods("demo"), Pod("web-0"));

  auto dup = api.Create(Pods("demo"), Pod("web-0"));  // the fake answers 409 AlreadyExists
  ASSERT_FALSE(dup);
  ASSERT_EQ(dup.error().http_status, 409);

  const PhaseCounts total = ledger.Total();
  EXPECT_EQ(total.requests, 1);
  EXPECT_EQ(total.failed, 1);
  EXPECT_EQ(total.bytes_sent, Pod("web-0").dump().size());
  EXPECT_EQ(total.bytes_received, 200u);
  EXPECT_EQ(total.by_status, (std::map<std::string, int>{{"409", 1}}));
}

TEST(CountingKubeApiBytesTest, WatchBytesCountInThePhaseEachEventArrivesIn) {
  WireKubeApi fake;
  fake.line_bytes = 100;
  fake.tail_bytes = 7;  // e.g. a bookmark's bytes before the server ended the watch
  CallLedger ledger;
  KubeTestClock clock;
  CountingKubeApi api(fake, ledger, clock);
  fake.Put(Pods("demo"), Pod("web-0"));  // rv 101..103
  fake.Put(Pods("demo"), Pod("web-1"));
  fake.Put(Pods("demo"), Pod("web-2"));
  ledger.SetPhase("settle");

  int events = 0;
  WatchOptions opts;
  opts.resource_version = "100";
  auto st = api.Watch(Pods("demo"), opts,
                      [&](const WatchEvent&) {
                        if (++events == 1) ledger.SetPhase("steps");
                        return events < 3;
                      },
                      std::stop_token{});
  ASSERT_TRUE(st);

  auto phases = ledger.Phases();
  ASSERT_EQ(phases.size(), 3u);
  EXPECT_EQ(phases[1].first, "settle");
  EXPECT_EQ(phases[1].second.watches, 1);
  EXPECT_EQ(phases[1].second.bytes_received, 100u);  // the first event's
  EXPECT_EQ(phases[1].second.watch_bytes_received, 100u);
  EXPECT_EQ(phases[2].first, "steps");
  EXPECT_EQ(phases[2].second.bytes_received, 207u);  // two events and the tail
  EXPECT_EQ(phases[2].second.watch_bytes_received, 207u);
  EXPECT_EQ(phases[2].second.requests, 0);  // still not a request
  EXPECT_EQ(ledger.Total().bytes_received, 307u);
  EXPECT_EQ(ledger.Total().watch_bytes_received, 307u);
}

TEST(CountingKubeApiBytesTest, ARequestMadeInsideAWatchHandlerIsNotAlsoWatchBytes) {
  WireKubeApi fake;
  fake.line_bytes = 100;
  CallLedger ledger;
  KubeTestClock clock;
  CountingKubeApi api(fake, ledger, clock);
  fake.Put(Pods("demo"), Pod("web-0"));  // rv 101..102
  fake.Put(Pods("demo"), Pod("web-1"));
  uint64_t listed = 0;
  int events = 0;
  WatchOptions opts;
  opts.resource_version = "100";
  ASSERT_TRUE(api.Watch(Pods("demo"), opts,
                        [&](const WatchEvent&) {
                          auto list = api.List(Pods("demo"), {});
                          listed += list->dump().size();
                          return ++events < 2;
                        },
                        std::stop_token{}));
  const PhaseCounts total = ledger.Total();
  EXPECT_EQ(total.watch_bytes_received, 200u);
  EXPECT_EQ(total.bytes_received, 200u + listed);
}

TEST_F(CountingKubeApiTest, AnswersAreCountedByStatus) {
  fake_.Put(Pods("demo"), Pod("web-0"));
  EXPECT_TRUE(api_.Get(Pods("demo", "web-0")));
  EXPECT_FALSE(api_.Get(Pods("demo", "nope")));  // 404 from the fake
  fake_.inject_errors["list"] = {Error(ErrorCode::kUnavailable, "connection reset")};
  EXPECT_FALSE(api_.List(Pods("demo"), {}));  // no HTTP answer
  Error throttled(ErrorCode::kTooManyRequests, "pdb");
  throttled.http_status = 429;
  fake_.inject_errors["evict"] = {throttled};
  EXPECT_FALSE(api_.Evict("demo", "web-0"));
  fake_.on_get_raw = [](const std::string&) -> Result<RawResponse> { return RawResponse{503, "", "down"}; };
  EXPECT_TRUE(api_.GetRaw("/api/v1/namespaces/demo/services/web:80/proxy/"));  // an answer, under its code
  EXPECT_EQ(ledger_.Total().by_status,
            (std::map<std::string, int>{{"2xx", 1}, {"404", 1}, {"429", 1}, {"503", 1}, {"none", 1}}));
}

TEST_F(CountingKubeApiTest, AListMarkedRelistIsARelistAndARequest) {
  ASSERT_TRUE(api_.List(Pods("demo"), {}));
  ledger_.SetPhase("steps");
  ListOptions again;
  again.relist = true;
  ASSERT_TRUE(api_.List(Pods("demo"), again));
  ASSERT_TRUE(api_.List(StatefulSets("demo"), again));
  auto phases = ledger_.Phases();
  EXPECT_EQ(phases[0].second.relists, 0);
  EXPECT_EQ(phases[1].second.relists, 2);
  EXPECT_EQ(phases[1].second.requests, 2);
  EXPECT_EQ(phases[1].second.relists_by_resource,
            (std::map<std::string, int>{{"pods", 1}, {"statefulsets", 1}}));
  EXPECT_EQ(ledger_.Total().relists, 2);
  EXPECT_EQ(ledger_.Total().by_verb, (std::map<std::string, int>{{"list", 3}}));
}

TEST_F(CountingKubeApiTest, AReflectorsListAfter410IsCountedAsARelistByResource) {
  fake_.Put(Pods("demo"), Pod("web-0"));
  fake_.inject_errors["watch"] = {Error(ErrorCode::kGone, "too old resource version")};
  ReflectorOptions options;
  options.collection = Pods("demo");
  std::stop_source stop;
  std::vector<bool> synced;
  CallbackSink sink;
  sink.on_synced = [&](const SyncInfo& info) {
    synced.push_back(info.relist);
    if (!info.relist) {
      ledger_.SetPhase("steps");  // the first list was in setup; the 410 comes in steps
    } else {
      stop.request_stop();
    }
  };
  Reflector reflector(api_, clock_, options, sink);
  reflector.Run(stop.get_token());
  ASSERT_EQ(synced, (std::vector<bool>{false, true}));

  auto phases = ledger_.Phases();
  ASSERT_EQ(phases.size(), 2u);
  EXPECT_EQ(phases[0].second.by_verb, (std::map<std::string, int>{{"list", 1}}));
  EXPECT_EQ(phases[0].second.relists, 0);  // the first list is not a relist
  EXPECT_EQ(phases[1].second.by_verb, (std::map<std::string, int>{{"list", 1}}));
  EXPECT_EQ(phases[1].second.relists, 1);
  EXPECT_EQ(phases[1].second.relists_by_resource, (std::map<std::string, int>{{"pods", 1}}));
  EXPECT_EQ(ledger_.Total().relists, 1);
  EXPECT_EQ(ledger_.Total().requests, 2);
}

TEST_F(CountingKubeApiTest, GetRawIsCountedUnderThePathsFirstTwoSegments) {
  fake_.on_get_raw = [](const std::string&) -> Result<RawResponse> { return RawResponse{200, "", "ok"}; };
  ASSERT_TRUE(api_.GetRaw("/api/v1/namespaces/x/pods/y/log"));
  ASSERT_TRUE(api_.GetRaw("/api/v1/namespaces/demo/pods/web-0:8080/proxy/healthz"));
  ASSERT_TRUE(api_.GetRaw("/version"));
  ASSERT_TRUE(api_.GetRaw("/apis/apps/v1/namespaces/demo/statefulsets/web"));
  EXPECT_EQ(ledger_.Total().by_resource,
            (std::map<std::string, int>{{"/api/v1", 2}, {"/apis/apps", 1}, {"/version", 1}}));
  for (const auto& [resource, n] : ledger_.Total().by_resource) {
    EXPECT_EQ(resource.find("namespaces"), std::string::npos) << resource;
  }
}

TEST(CountingKubeApiRawPathTest, TakesAtMostTwoSegmentsWithoutQuery) {
  EXPECT_EQ(RawPathResource("/api/v1/namespaces/x/pods/y/log"), "/api/v1");
  EXPECT_EQ(RawPathResource("/version"), "/version");
  EXPECT_EQ(RawPathResource("/version?timeout=5s"), "/version");
  EXPECT_EQ(RawPathResource("/healthz?verbose"), "/healthz");
  EXPECT_EQ(RawPathResource("/api?x=/a/b"), "/api");
  EXPECT_EQ(RawPathResource("/apis/apps/v1"), "/apis/apps");
  EXPECT_EQ(RawPathResource("//api//v1/x"), "/api/v1");
  EXPECT_EQ(RawPathResource("/"), "/");
  EXPECT_EQ(RawPathResource(""), "/");
}

TEST(CountingKubeApiTimingTest, SecondsAreZeroWhenTheClockDoesNotMove) {
  FakeKubeApi fake;
  CallLedger ledger;
  KubeTestClock clock;
  CountingKubeApi api(fake, ledger, clock);
  fake.Put(Pods("demo"), Pod("web-0"));
  ASSERT_TRUE(api.Get(Pods("demo", "web-0")));
  ASSERT_TRUE(api.List(Pods("demo"), {}));
  EXPECT_EQ(ledger.Total().requests, 2);
  EXPECT_EQ(ledger.Total().seconds, 0.0);
}

TEST(CountingKubeApiTimingTest, SecondsComeFromTheClockAroundEachCall) {
  KubeTestClock clock;
  SlowKubeApi fake(clock, milliseconds(250));
  CallLedger ledger;
  CountingKubeApi api(fake, ledger, clock);
  fake.Put(Pods("demo"), Pod("web-0"));
  ASSERT_TRUE(api.Get(Pods("demo", "web-0")));
  clock.Advance(milliseconds(10'000));  // time between calls is not the API's
  ledger.SetPhase("steps");
  ASSERT_TRUE(api.List(Pods("demo"), {}));
  ASSERT_TRUE(api.GetRaw("/version"));
  ASSERT_TRUE(api.Delete(Pods("demo", "web-0")));  // not slowed: takes no time

  auto phases = ledger.Phases();
  ASSERT_EQ(phases.size(), 2u);
  EXPECT_DOUBLE_EQ(phases[0].second.seconds, 0.25);
  EXPECT_DOUBLE_EQ(phases[1].second.seconds, 0.5);
  EXPECT_DOUBLE_EQ(ledger.Total().seconds, 0.75);
  EXPECT_GT(ledger.Total().seconds, 0.0);
}

}  // namespace
}  // namespace kdrill::kube
