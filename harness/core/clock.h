#pragma once
// Time as an interface: unit tests inject a test clock (tests/fakes) and never
// sleep; the Timeline stamps every event with both clocks. Every wait in
// kdrill goes through a Clock: SleepFor for a pause, WaitFor for a wait that
// an event may end early.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stop_token>

namespace kdrill {

using MonoTime = std::chrono::steady_clock::time_point;
using WallTime = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual MonoTime Now() const = 0;       // monotonic: durations, deadlines
  virtual WallTime WallNow() const = 0;   // wall: reports, timestamps
  virtual void SleepFor(std::chrono::milliseconds d) = 0;
  // Waits until `wake` is notified, stop is requested, or d has passed on
  // this clock; the caller then looks again at what it waits for (wake-ups
  // may be spurious). REQUIRES: lock holds the mutex `wake` is used with.
  // A test clock may instead move its own time on by d and return at once,
  // so that a deadline passes without sleeping.
  virtual void WaitFor(std::condition_variable_any& wake, std::unique_lock<std::mutex>& lock, std::stop_token stop,
                       std::chrono::milliseconds d) = 0;
};

class RealClock final : public Clock {
 public:
  MonoTime Now() const override { return std::chrono::steady_clock::now(); }
  WallTime WallNow() const override { return std::chrono::system_clock::now(); }
  void SleepFor(std::chrono::milliseconds d) override;
  void WaitFor(std::condition_variable_any& wake, std::unique_lock<std::mutex>& lock, std::stop_token stop,
               std::chrono::milliseconds d) override;
};

}  // namespace kdrill
