#include "harness/core/clock.h"

#include <thread>

namespace kdrill {

void RealClock::SleepFor(std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }

void RealClock::WaitFor(std::condition_variable_any& wake, std::unique_lock<std::mutex>& lock, std::stop_token stop,
                        std::chrono::milliseconds d) {
  wake.wait_for(lock, stop, d, [] { return false; });
}

}  // namespace kdrill
