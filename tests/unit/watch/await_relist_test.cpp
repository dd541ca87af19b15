// The await loop's list after a watch ended with 410 Gone or was cut is a
// relist (kube::ListOptions::relist), as CountingKubeApi counts it; a first
// list and the re-read after a watch that simply ended are not.
#include "harness/watch/await_object.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "harness/kube/call_ledger.h"
#include "harness/kube/counting_kube_api.h"
#include "tests/fakes/fake_kube_api.h"
#include "tests/fakes/kube_test_clock.h"

namespace kdrill {
namespace {

using testing::FakeKubeApi;
using testing::KubeTestClock;

kube::Json Pod(const std::string& name) { return kube::Json{{"metadata", {{"name", name}}}}; }

// Waits through `reads` reads of pods in demo, every watch between them
// failing with `watch_error`; returns the ledger's total.
kube::PhaseCounts AwaitThroughFailingWatches(ErrorCode watch_error, int reads) {
  FakeKubeApi fake;
  fake.Put(kube::Pods("demo"), Pod("web-0"));
  for (int i = 1; i < reads; ++i) fake.inject_errors["watch"].push_back(Error(watch_error, "watch ended"));
  kube::CallLedger ledger;
  KubeTestClock clock;
  kube::CountingKubeApi api(fake, ledger, clock);
  int checks = 0;
  Status st = AwaitItems(api, clock, kube::Pods("demo"), {}, [&](const Items&) { return ++checks >= reads; },
                         AwaitOptions{}, std::stop_token{});
  EXPECT_TRUE(st) << st.error().ToString();
  return ledger.Total();
}

TEST(AwaitRelistTest, AListAfterAWatchEndedWith410IsARelist) {
  kube::PhaseCounts total = AwaitThroughFailingWatches(ErrorCode::kGone, 3);
  EXPECT_EQ(total.by_verb, (std::map<std::string, int>{{"list", 3}}));
  EXPECT_EQ(total.watches, 2);
  EXPECT_EQ(total.relists, 2);  // not the first list
  EXPECT_EQ(total.relists_by_resource, (std::map<std::string, int>{{"pods", 2}}));
}

TEST(AwaitRelistTest, AListAfterACutWatchIsARelist) {
  kube::PhaseCounts total = AwaitThroughFailingWatches(ErrorCode::kUnavailable, 2);
  EXPECT_EQ(total.by_verb, (std::map<std::string, int>{{"list", 2}}));
  EXPECT_EQ(total.relists, 1);
}

TEST(AwaitRelistTest, TheFirstListIsNotARelist) {
  kube::PhaseCounts total = AwaitThroughFailingWatches(ErrorCode::kGone, 1);
  EXPECT_EQ(total.by_verb, (std::map<std::string, int>{{"list", 1}}));
  EXPECT_EQ(total.relists, 0);
}

}  // namespace
}  // namespace kdrill
