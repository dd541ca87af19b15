#pragma once
// A Clock for tests where other threads feed what a wait looks at (the
// Recorder's reflectors feeding a Timeline during a whole drill): time is
// virtual and moves only when the world has gone quiet. SleepFor moves it on
// at once. WaitFor first lets the other threads catch up: it returns as soon
// as the waited-on condition variable is notified (an event arrived; virtual
// time stands still), and only when nothing has notified it for a short
// quiet spell does it move time on by the whole d. So a 5 s settle timeout
// that nothing will end runs out after five quiet spells (a few
// milliseconds), while an event that is on its way is seen before the
// deadline passes. The quiet spell is a bounded condition-variable wait that
// a notification or stop ends, never a sleep.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stop_token>

#include "harness/core/clock.h"

namespace kdrill::testing {

class SettlingTestClock final : public Clock {
 public:
  explicit SettlingTestClock(std::chrono::milliseconds quiet = std::chrono::milliseconds(20))
      : quiet_(quiet), wall_(std::chrono::sys_days(std::chrono::year(2024) / 5 / 1)) {}

  MonoTime Now() const override {
    std::lock_guard lock(mu_);
    return mono_;
  }
  WallTime WallNow() const override {
    std::lock_guard lock(mu_);
    return wall_;
  }
  void SleepFor(std::chrono::milliseconds d) override { Advance(d); }

  void WaitFor(std::condition_variable_any& wake, std::unique_lock<std::mutex>& lock, std::stop_token stop,
               std::chrono::milliseconds d) override {
    // The predicate is asked once before waiting and once after every wake-up
    // (a notification, stop, or the end of the quiet spell): the second time
    // it ends the wait. Whether the spell ran out tells a quiet world from a
    // notification.
    int asked = 0;
    const auto quiet_until = std::chrono::steady_clock::now() + quiet_;
    wake.wait_until(lock, stop, quiet_until, [&asked] { return ++asked > 1; });
    if (!stop.stop_requested() && std::chrono::steady_clock::now() >= quiet_until) {
      Advance(d);
    }
  }

  void Advance(std::chrono::milliseconds d) {
    std::lock_guard lock(mu_);
    mono_ += d;
    wall_ += d;
  }

 private:
  const std::chrono::milliseconds quiet_;
  mutable std::mutex mu_;
  MonoTime mono_{};
  WallTime wall_;
};

}  // namespace kdrill::testing
