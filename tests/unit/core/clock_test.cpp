// RealClock::WaitFor: the one place kdrill waits on a condition in real time.
// No sleeping here: the other thread can only take the lock once WaitFor has
// released it inside its wait, so its notify always finds the waiter waiting.
#include "harness/core/clock.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <thread>

namespace kdrill {
namespace {

TEST(RealClockTest, WaitForReturnsOnANotifyLongBeforeItsTimeout) {
  RealClock clock;
  std::mutex mu;
  std::condition_variable_any cv;
  bool notified = false;
  std::unique_lock lock(mu);
  std::jthread other([&] {
    std::lock_guard g(mu);  // only once the waiter is inside its wait
    notified = true;
    cv.notify_all();
  });
  const auto begin = std::chrono::steady_clock::now();
  while (!notified) clock.WaitFor(cv, lock, {}, std::chrono::seconds(60));
  const auto took = std::chrono::steady_clock::now() - begin;
  // A WaitFor that ignored notifies would take the whole 60 s.
  EXPECT_LT(took, std::chrono::seconds(20));
}

TEST(RealClockTest, WaitForReturnsWhenStopIsRequested) {
  RealClock clock;
  std::mutex mu;
  std::condition_variable_any cv;
  std::stop_source stop;
  bool requested = false;
  std::unique_lock lock(mu);
  std::jthread other([&] {
    std::lock_guard g(mu);
    requested = true;
    stop.request_stop();
  });
  const auto begin = std::chrono::steady_clock::now();
  while (!requested) clock.WaitFor(cv, lock, stop.get_token(), std::chrono::seconds(60));
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(20));
  EXPECT_TRUE(stop.stop_requested());
}

}  // namespace
}  // namespace kdrill
