#pragma once
// Exponential backoff and stop-aware sleeping through the injectable Clock.

#include <chrono>
#include <stop_token>

#include "harness/core/clock.h"

namespace kdrill::kube {

// Sleeps `d` through clock in slices of at most 100 ms so a stop request ends
// the wait promptly. Returns false when stopped.
bool SleepUnlessStopped(Clock& clock, std::chrono::milliseconds d, const std::stop_token& stop);

// initial, 2*initial, 4*initial, ... capped at max. Deterministic (no jitter),
// so tests can assert the exact waits.
class Backoff {
 public:
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max)
      : initial_(initial), max_(max), next_(initial) {}

  std::chrono::milliseconds Next();
  void Reset() { next_ = initial_; }

 private:
  std::chrono::milliseconds initial_;
  std::chrono::milliseconds max_;
  std::chrono::milliseconds next_;
};

}  // namespace kdrill::kube
