#pragma once
// A Clock for kube tests: SleepFor returns at once and advances both clocks;
// every sleep is recorded so tests can assert backoff and Retry-After waits.

#include <chrono>
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
};

}  // namespace kdrill::testing
