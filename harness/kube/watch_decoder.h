#pragma once
// Turns the body of a watch response — newline-delimited JSON
// {"type": ..., "object": ...} lines, cut arbitrarily into network chunks —
// into WatchEvents. An event may span many chunks and one chunk may hold many
// events.

#include <functional>
#include <string>
#include <string_view>

#include "harness/core/status.h"
#include "harness/kube/kube_api.h"

namespace kdrill::kube {

class WatchStreamDecoder {
 public:
  // Return false to stop decoding (the rest of the chunk is discarded).
  using EventFn = std::function<bool(const WatchEvent&)>;

  // Buffers `chunk` and calls fn for each complete line. Returns true to keep
  // reading, false when fn asked to stop. kServerError for a line that is not
  // a watch event or when one event exceeds the size limit.
  Result<bool> Feed(std::string_view chunk, const EventFn& fn);

  // At a clean end of stream: decodes a last line that had no '\n'.
  Result<bool> Finish(const EventFn& fn);

  size_t Buffered() const { return buffer_.size(); }

 private:
  Result<bool> DecodeLine(std::string_view line, const EventFn& fn);

  std::string buffer_;
};

}  // namespace kdrill::kube
