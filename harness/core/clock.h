#pragma once
// Time as an interface: unit tests inject a FakeClock (tests/fakes) and never
// sleep; the Timeline stamps every event with both clocks.

#include <chrono>

namespace kdrill {

using MonoTime = std::chrono::steady_clock::time_point;
using WallTime = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual MonoTime Now() const = 0;       // monotonic: durations, deadlines
  virtual WallTime WallNow() const = 0;   // wall: reports, timestamps
  virtual void SleepFor(std::chrono::milliseconds d) = 0;
};

class RealClock final : public Clock {
 public:
  MonoTime Now() const override { return std::chrono::steady_clock::now(); }
  WallTime WallNow() const override { return std::chrono::system_clock::now(); }
  void SleepFor(std::chrono::milliseconds d) override;
};

}  // namespace kdrill
