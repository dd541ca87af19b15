#include <string>

#include "harness/kube/watch_decoder.h"
#include "tests/fuzz/targets.h"

namespace kdrill::fuzz {

void WatchDecoder(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return;
  }
  // The first byte sets the chunk size (1..256), as the network would cut.
  std::size_t chunk = static_cast<std::size_t>(data[0]) + 1;
  std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  kube::WatchStreamDecoder decoder;
  std::size_t events = 0;
  auto count = [&](const kube::WatchEvent&) {
    ++events;
    return true;
  };
  for (std::size_t at = 0; at < body.size(); at += chunk) {
    Result<bool> fed = decoder.Feed(body.substr(at, chunk), count);
    if (!fed) {
      if (fed.error().code != ErrorCode::kServerError) {
        Violated("watch", "Feed error code " + std::string(ErrorCodeName(fed.error().code)));
      }
      return;
    }
    if (decoder.Buffered() > body.size()) {
      Violated("watch", "buffered more than the stream held");
    }
  }
  Result<bool> done = decoder.Finish(count);
  if (!done && done.error().code != ErrorCode::kServerError) {
    Violated("watch", "Finish error code " + std::string(ErrorCodeName(done.error().code)));
  }
  if (events > body.size()) {
    Violated("watch", "more events than bytes");
  }
}

}  // namespace kdrill::fuzz
