#include "harness/core/clock.h"

#include <thread>
#include <utility>

namespace kdrill {

void RealClock::SleepFor(std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }

void RealClock::WaitFor(std::condition_variable_any& wake, std::unique_lock<std::mutex>& lock, std::stop_token stop,
                        std::chrono::milliseconds d) {
  // The stop_token overload loops while its predicate is false; answering
  // false only the first time makes it return after one wait: on a notify
  // (or a spurious wake), on stop, or when d has passed. (A predicate that is
  // always false turned every notify into a wait for the whole of d: each
  // watch-driven wait then saw its condition up to 1 s late.)
  bool waited = false;
  wake.wait_for(lock, stop, d, [&waited] { return std::exchange(waited, true); });
}

}  // namespace kdrill
