#include "harness/core/clock.h"

#include <thread>

namespace kdrill {

void RealClock::SleepFor(std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }

}  // namespace kdrill
