#pragma once
// A Clock for kube tests: SleepFor returns at once and advances both clocks;
// every sleep is recorded so tests can assert backoff and Retry-After waits.
// WaitFor moves time on as well, so a wait with a deadline ends at once;
// WhileWaiting queues what "happens" during the next waits (one per wait),
// so a test can make an event arrive mid-wait without a thread or a sleep.

#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "harness/core/clock.h"

namespace kdrill::testing {

class KubeTestClock final : public Clock {
 public:
  KubeTestClock() : wall_(std::chrono::sys_days(std::chrono::year(2024) / 5 / 1)) {}

  MonoTime Now() const override {
    std::lock_guard lock(mu_);
    return mono_;
  }
  WallTime WallNow() const override {
    std::lock_guard lock(mu_);
    return wall_;
  }
  void SleepFor(std::chrono::milliseconds d) override {
    {
      std::lock_guard lock(mu_);
      mono_ += d;
      wall_ += d;
      sleeps_.push_back(d);
    }
    std::this_thread::yield();
  }

  // A wait that no notification ends runs out at once: time moves on by d
  // (not counted as a sleep).
  void WaitFor(std::condition_variable_any&, std::unique_lock<std::mutex>& lock, std::stop_token,
               std::chrono::milliseconds d) override {
    lock.unlock();
    std::function<void()> happening;
    {
      std::lock_guard guard(mu_);
      if (!during_waits_.empty()) {
        happening = std::move(during_waits_.front());
        during_waits_.pop_front();
      }
    }
    if (happening) {
      happening();
    } else {
      Advance(d);
    }
    std::this_thread::yield();
    lock.lock();
  }

  // Runs f (instead of moving time on) in the next WaitFor not yet claimed.
  void WhileWaiting(std::function<void()> f) {
    std::lock_guard lock(mu_);
    during_waits_.push_back(std::move(f));
  }
  size_t PendingWhileWaiting() const {
    std::lock_guard lock(mu_);
    return during_waits_.size();
  }

  void Advance(std::chrono::milliseconds d) {
    std::lock_guard lock(mu_);
    mono_ += d;
    wall_ += d;
  }
  std::chrono::milliseconds TotalSlept() const {
    std::lock_guard lock(mu_);
    std::chrono::milliseconds total{0};
    for (auto d : sleeps_) {
      total += d;
    }
    return total;
  }
  size_t SleepCount() const {
    std::lock_guard lock(mu_);
    return sleeps_.size();
  }

 private:
  mutable std::mutex mu_;
  MonoTime mono_{};
  WallTime wall_;
  std::vector<std::chrono::milliseconds> sleeps_;
  std::deque<std::function<void()>> during_waits_;
};

}  // namespace kdrill::testing
