#include "harness/kube/reflector.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/fakes/https_fixture_server.h"
#include "tests/fakes/kube_test_clock.h"

namespace kdrill::kube {
namespace {

using ::testing::ElementsAre;
using testing::KubeTestClock;
using testing::TestObject;

// A KubeApi whose List and Watch answers are scripted. When the watch script
// runs out, Watch either requests `stop_when_idle` and returns, or blocks
// until stopped.
class ScriptedListWatch final : public KubeApi {
 public:
  struct WatchScript {
    std::vector<WatchEvent> events;
    Status end = Ok();
  };

  std::deque<Result<Json>> lists;
  std::deque<WatchScript> watches;
  std::vector<WatchOptions> watch_calls;
  int list_calls = 0;
  std::vector<ListOptions> list_options;
  std::atomic<int> watches_started{0};
  std::stop_source* stop_when_idle = nullptr;

  Result<Json> List(const ResourceRef&, const ListOptions& opts) override {
    ++list_calls;
    list_options.push_back(opts);
    if (lists.empty()) {
      return MakeError(ErrorCode::kInternal, "no list scripted");
    }
    Result<Json> r = lists.front();
    lists.pop_front();
    return r;
  }
  Status Watch(const ResourceRef&, const WatchOptions& opts, const WatchHandler& handler,
               std::stop_token stop) override {
    watch_calls.push_back(opts);
    ++watches_started;
    watches_started.notify_all();
    if (watches.empty()) {
      if (stop_when_idle != nullptr) {
        stop_when_idle->request_stop();
        return Ok();
      }
      std::mutex mu;
      std::condition_variable_any cv;
      std::unique_lock lock(mu);
      cv.wait(lock, stop, [] { return false; });
      return Ok();
    }
    WatchScript script = watches.front();
    watches.pop_front();
    for (const WatchEvent& e : script.events) {
      if (!handler(e)) {
        return Ok();
      }
    }
    return script.end;
  }

  Result<Json> Get(const ResourceRef&) override { return MakeError(ErrorCode::kInternal, "x"); }
  Result<Json> Create(const ResourceRef&, const Json&) override {
    return MakeError(ErrorCode::kInternal, "x");
  }
  Result<Json> Patch(const ResourceRef&, PatchType, const std::string&,
                     const PatchOptions&) override {
    return MakeError(ErrorCode::kInternal, "x");
  }
  Result<Json> Replace(const ResourceRef&, const Json&) override {
    return MakeError(ErrorCode::kInternal, "x");
  }
  Status Delete(const ResourceRef&, const DeleteOptions&) override { return Ok(); }
  Status Evict(const std::string&, const std::string&, const DeleteOptions&) override {
    return Ok();
  }
  Result<RawResponse> GetRaw(const std::string&) override { return MakeError(ErrorCode::kInternal, "x"); }
  std::string DefaultNamespace() const override { return "demo"; }
  std::string ServerUrl() const override { return "https://scripted"; }
};

Json PodList(const std::string& rv, std::vector<Json> items) {
  for (Json& item : items) {
    item.erase("kind");  // the API server leaves kind/apiVersion out of list items
    item.erase("apiVersion");
  }
  return {{"kind", "PodList"}, {"apiVersion", "v1"},
          {"metadata", {{"resourceVersion", rv}}}, {"items", items}};
}

WatchEvent Ev(const std::string& type, const std::string& name, const std::string& rv) {
  return WatchEvent{type, TestObject("demo", name, rv)};
}

WatchEvent Bookmark(const std::string& rv) {
  return WatchEvent{"BOOKMARK", {{"kind", "Pod"}, {"metadata", {{"resourceVersion", rv}}}}};
}

// Records everything as "TYPE/origin name@rv" strings.
struct RecordingSink : CallbackSink {
  std::vector<std::string> log;
  std::vector<std::chrono::milliseconds> retries;
  RecordingSink() {
    on_delta = [this](const Delta& d) {
      static const char* origins[] = {"initial", "watch", "relist"};
      log.push_back(std::string(DeltaTypeName(d.type)) + "/" + origins[static_cast<int>(d.origin)] +
                    " " + d.object["metadata"]["name"].get<std::string>() + "@" +
                    d.object["metadata"]["resourceVersion"].get<std::string>());
    };
    on_synced = [this](const SyncInfo& s) {
      log.push_back(std::string(s.relist ? "RELISTED" : "SYNCED") + "@" + s.resource_version);
    };
    on_error = [this](const Error& e, std::chrono::milliseconds retry_in) {
      log.push_back(std::string("ERROR ") + ErrorCodeName(e.code));
      retries.push_back(retry_in);
    };
  }
};

class KubeReflectorTest : public ::testing::Test {
 protected:
  void RunUntilIdle() {
    std::stop_source stop;
    api_.stop_when_idle = &stop;
    reflector_.Run(stop.get_token());
  }

  ScriptedListWatch api_;
  KubeTestClock clock_;
  RecordingSink sink_;
  static ReflectorOptions Options() {
    ReflectorOptions options;
    options.collection = Pods("demo");
    options.label_selector = "app=web";
    options.watch_timeout_seconds = 120;
    return options;
  }
  Reflector reflector_{api_, clock_, Options(), sink_};
};

TEST_F(KubeReflectorTest, InitialListIsDeliveredAsAddedThenSynced) {
  api_.lists.push_back(PodList("10", {TestObject("demo", "a", "5"), TestObject("demo", "b", "6")}));
  Json first_item;
  sink_.on_delta = [&](const Delta& d) {
    if (first_item.is_null()) {
      first_item = d.object;
    }
    sink_.log.push_back(std::string(DeltaTypeName(d.type)) +
                        (d.origin == DeltaOrigin::kInitialList ? "/initial" : "/other"));
  };
  RunUntilIdle();
  EXPECT_THAT(sink_.log, ElementsAre("ADDED/initial", "ADDED/initial", "SYNCED@10"));
  EXPECT_EQ(first_item["kind"], "Pod") << "list items get the kind watch events carry";
  EXPECT_EQ(first_item["apiVersion"], "v1");
  ASSERT_EQ(api_.watch_calls.size(), 1u);
  EXPECT_EQ(api_.watch_calls[0].resource_version, "10");
  EXPECT_EQ(api_.watch_calls[0].label_selector, "app=web");
  EXPECT_TRUE(api_.watch_calls[0].allow_bookmarks);
  EXPECT_EQ(api_.watch_calls[0].timeout_seconds, 120);
  EXPECT_TRUE(reflector_.HasSynced());
}

TEST_F(KubeReflectorTest, WatchEventsUpdateStoreAndBookmarksAdvanceResumePoint) {
  api_.lists.push_back(PodList("10", {TestObject("demo", "a", "5")}));
  api_.watches.push_back({{Ev("ADDED", "b", "11"), Ev("MODIFIED", "a", "12"), Bookmark("15")}, Ok()});
  api_.watches.push_back({{Ev("DELETED", "b", "16")}, Ok()});
  RunUntilIdle();
  EXPECT_THAT(sink_.log, ElementsAre("ADDED/initial a@5", "SYNCED@10", "ADDED/watch b@11",
                                     "MODIFIED/watch a@12", "DELETED/watch b@16"));
  ASSERT_EQ(api_.watch_calls.size(), 3u);
  EXPECT_EQ(api_.watch_calls[1].resource_version, "15") << "the bookmark moved the resume point";
  EXPECT_EQ(api_.watch_calls[2].resource_version, "16");
  EXPECT_EQ(api_.list_calls, 1) << "a normal watch end re-watches, it does not relist";
  std::vector<Json> items = reflector_.Items();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["metadata"]["resourceVersion"], "12");
  EXPECT_EQ(reflector_.LastResourceVersion(), "16");
}

TEST(KubeReflectorTransformTest, StoreAndSinkSeeOnlyTheTransformedObjects) {
  ScriptedListWatch api;
  KubeTestClock clock;
  RecordingSink sink;
  std::vector<Json> delivered;
  sink.on_delta = [&](const Delta& d) { delivered.push_back(d.object); };
  ReflectorOptions options;
  options.collection = Pods("demo");
  options.transform = [](Json& obj) { obj["metadata"].erase("managedFields"); };
  Json listed = TestObject("demo", "a", "5");
  listed["metadata"]["managedFields"] = Json::array({{{"manager", "kubectl"}}});
  Json watched = TestObject("demo", "b", "11");
  watched["metadata"]["managedFields"] = Json::array({{{"manager", "kubelet"}}});
  api.lists.push_back(PodList("10", {listed}));
  api.watches.push_back({{WatchEvent{"ADDED", watched}, Bookmark("15")}, Ok()});
  Reflector reflector(api, clock, options, sink);
  std::stop_source stop;
  api.stop_when_idle = &stop;
  reflector.Run(stop.get_token());
  ASSERT_EQ(delivered.size(), 2u);
  for (const auto& obj : delivered) EXPECT_FALSE(obj["metadata"].contains("managedFields")) << obj.dump();
  for (const auto& obj : reflector.Items()) EXPECT_FALSE(obj["metadata"].contains("managedFields")) << obj.dump();
  EXPECT_EQ(reflector.LastResourceVersion(), "15") << "bookmarks pass the transform by";
  EXPECT_EQ(delivered[1]["metadata"]["resourceVersion"], "11");
}

TEST_F(KubeReflectorTest, ListsInPagesAndStartsOverInOnePieceWhenTheTokenExpires) {
  Json first = PodList("10", {TestObject("demo", "a", "5")});
  first["metadata"]["continue"] = "tok-1";
  Json second = PodList("11", {TestObject("demo", "b", "6")});
  api_.lists.push_back(first);
  api_.lists.push_back(second);
  api_.watches.push_back({{}, std::unexpected(Error(ErrorCode::kGone, "too old resource version"))});
  api_.lists.push_back(first);
  api_.lists.push_back(std::unexpected(Error(ErrorCode::kGone, "continue token expired")));
  api_.lists.push_back(PodList("12", {TestObject("demo", "a", "5"), TestObject("demo", "c", "7")}));
  RunUntilIdle();
  EXPECT_THAT(sink_.log, ElementsAre("ADDED/initial a@5", "ADDED/initial b@6", "SYNCED@10", "DELETED/relist b@6",
                                     "ADDED/relist c@7", "RELISTED@12"));
  ASSERT_EQ(api_.list_options.size(), 5u);
  EXPECT_EQ(api_.list_options[0].limit, 500);
  EXPECT_EQ(api_.list_options[0].continue_token, "");
  EXPECT_EQ(api_.list_options[1].continue_token, "tok-1") << "the second page continues the first";
  EXPECT_EQ(api_.list_options[1].label_selector, "app=web");
  EXPECT_EQ(api_.list_options[3].continue_token, "tok-1");
  EXPECT_EQ(api_.list_options[4].limit, 0) << "after an expired token, one list in one piece";
  EXPECT_EQ(api_.list_options[4].continue_token, "");
  EXPECT_EQ(api_.watch_calls.back().resource_version, "12");
}

TEST_F(KubeReflectorTest, GoneRelistsAndDiffsAgainstWhatWasSeen) {
  api_.lists.push_back(PodList("10", {TestObject("demo", "a", "5"), TestObject("demo", "b", "6"),
                                      TestObject("demo", "c", "7")}));
  api_.watches.push_back({{Ev("MODIFIED", "a", "11")},
                          std::unexpected(Error(ErrorCode::kGone, "too old resource version"))});
  // During the gap: b was deleted, c changed, d appeared, a unchanged since rv 11.
  api_.lists.push_back(PodList("20", {TestObject("demo", "a", "11"), TestObject("demo", "c", "18"),
                                      TestObject("demo", "d", "19")}));
  RunUntilIdle();
  EXPECT_THAT(sink_.log,
              ElementsAre("ADDED/initial a@5", "ADDED/initial b@6", "ADDED/initial c@7", "SYNCED@10",
                          "MODIFIED/watch a@11", "DELETED/relist b@6", "MODIFIED/relist c@18",
                          "ADDED/relist d@19", "RELISTED@20"));
  EXPECT_EQ(api_.list_calls, 2);
  EXPECT_EQ(api_.watch_calls.back().resource_version, "20");
  EXPECT_EQ(reflector_.Items().size(), 3u);
  EXPECT_EQ(reflector_.Lists(), 2);
  EXPECT_EQ(clock_.TotalSlept(), std::chrono::milliseconds(0)) << "410 relists at once";
}

TEST_F(KubeReflectorTest, AnObjectReplacedUnderItsNameInTheGapIsDeletedThenAdded) {
  auto with_uid = [](Json o, const std::string& uid) {
    o["metadata"]["uid"] = uid;
    return o;
  };
  api_.lists.push_back(PodList("10", {with_uid(TestObject("demo", "a", "5"), "u-a1"),
                                      with_uid(TestObject("demo", "b", "6"), "u-b")}));
  api_.watches.push_back({std::vector<WatchEvent>{}, std::unexpected(Error(ErrorCode::kGone, "too old resource version"))});
  // During the gap: a was deleted and created again (a new uid); b changed.
  api_.lists.push_back(PodList("20", {with_uid(TestObject("demo", "a", "17"), "u-a2"),
                                      with_uid(TestObject("demo", "b", "18"), "u-b")}));
  std::vector<std::string> uids;
  auto log = sink_.on_delta;
  sink_.on_delta = [&](const Delta& d) {
    log(d);
    uids.push_back(d.object["metadata"]["uid"].get<std::string>());
  };
  RunUntilIdle();
  EXPECT_THAT(sink_.log, ElementsAre("ADDED/initial a@5", "ADDED/initial b@6", "SYNCED@10", "DELETED/relist a@5",
                                     "ADDED/relist a@17", "MODIFIED/relist b@18", "RELISTED@20"));
  EXPECT_THAT(uids, ElementsAre("u-a1", "u-b", "u-a1", "u-a2", "u-b"));
}

TEST_F(KubeReflectorTest, WatchErrorsBackOffAndResumeFromLastResourceVersion) {
  api_.lists.push_back(PodList("10", {}));
  api_.watches.push_back({{Ev("ADDED", "a", "11")},
                          std::unexpected(Error(ErrorCode::kUnavailable, "stream cut"))});
  api_.watches.push_back({{}, std::unexpected(Error(ErrorCode::kServerError, "503"))});
  api_.watches.push_back({{}, std::unexpected(Error(ErrorCode::kTooManyRequests, "429"))});
  RunUntilIdle();
  EXPECT_THAT(sink_.log, ElementsAre("SYNCED@10", "ADDED/watch a@11", "ERROR Unavailable",
                                     "ERROR ServerError", "ERROR TooManyRequests"));
  EXPECT_THAT(sink_.retries, ElementsAre(std::chrono::milliseconds(800),
                                         std::chrono::milliseconds(1600),
                                         std::chrono::milliseconds(3200)));
  EXPECT_EQ(clock_.TotalSlept(), std::chrono::milliseconds(800 + 1600 + 3200));
  ASSERT_EQ(api_.watch_calls.size(), 4u);
  for (size_t i = 1; i < api_.watch_calls.size(); ++i) {
    EXPECT_EQ(api_.watch_calls[i].resource_version, "11") << "watch " << i;
  }
  EXPECT_EQ(api_.list_calls, 1);
}

TEST_F(KubeReflectorTest, ListFailuresAreRetriedWithBackoff) {
  api_.lists.push_back(std::unexpected(Error(ErrorCode::kUnavailable, "refused")));
  api_.lists.push_back(std::unexpected(Error(ErrorCode::kForbidden, "rbac")));
  api_.lists.push_back(PodList("10", {TestObject("demo", "a", "5")}));
  RunUntilIdle();
  EXPECT_THAT(sink_.log,
              ElementsAre("ERROR Unavailable", "ERROR Forbidden", "ADDED/initial a@5", "SYNCED@10"));
  EXPECT_THAT(sink_.retries,
              ElementsAre(std::chrono::milliseconds(800), std::chrono::milliseconds(1600)));
}

TEST_F(KubeReflectorTest, BackoffIsCapped) {
  ReflectorOptions options;
  options.collection = Pods("demo");
  options.backoff_max = std::chrono::milliseconds(2000);
  Reflector capped(api_, clock_, options, sink_);
  for (int i = 0; i < 4; ++i) {
    api_.lists.push_back(std::unexpected(Error(ErrorCode::kUnavailable, "refused")));
  }
  api_.lists.push_back(PodList("1", {}));
  std::stop_source stop;
  api_.stop_when_idle = &stop;
  capped.Run(stop.get_token());
  EXPECT_THAT(sink_.retries,
              ElementsAre(std::chrono::milliseconds(800), std::chrono::milliseconds(1600),
                          std::chrono::milliseconds(2000), std::chrono::milliseconds(2000)));
}

TEST_F(KubeReflectorTest, StopsPromptlyWhileWatching) {
  api_.lists.push_back(PodList("10", {}));
  std::jthread runner([&](std::stop_token stop) { reflector_.Run(stop); });
  api_.watches_started.wait(0);  // until the reflector is inside its watch
  auto start = std::chrono::steady_clock::now();
  runner.request_stop();
  runner.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(500));
}

}  // namespace
}  // namespace kdrill::kube
