#include "harness/kube/backoff.h"

#include <algorithm>

namespace kdrill::kube {

bool SleepUnlessStopped(Clock& clock, std::chrono::milliseconds d, const std::stop_token& stop) {
  constexpr std::chrono::milliseconds kSlice{100};
  while (d.count() > 0) {
    if (stop.stop_requested()) {
      return false;
    }
    std::chrono::milliseconds step = std::min(d, kSlice);
    clock.SleepFor(step);
    d -= step;
  }
  return !stop.stop_requested();
}

std::chrono::milliseconds Backoff::Next() {
  std::chrono::milliseconds current = next_;
  next_ = std::min(max_, next_ * 2);
  return current;
}

}  // namespace kdrill::kube
