#pragma once
// WireBytes: the HTTP body bytes moved for the calling thread, so that a
// decorator (CountingKubeApi) can tell what one KubeApi call moved while
// calls on other threads (the recorder's watches) move bytes at the same time.
//
// An HttpTransport adds each exchange's body bytes to the running totals of
// the thread that called it (CurlTransport does: libcurl runs its callbacks
// inside curl_easy_perform / curl_multi_perform, on the caller's thread). The
// bytes of one KubeApi call are the difference of ThreadWireBytes() around
// it; that needs a KubeApi that moves its bytes on the calling thread, as
// RealKubeApi does (it is synchronous, and Watch hands each event to the
// handler on the calling thread too).
//
// What counts (call_ledger.h's contract repeats it):
// - received: response body bytes as libcurl hands them to kdrill, i.e. after
//   chunked transfer decoding and after Content-Encoding decompression (a
//   gzip'd list counts the length of its JSON, not its compressed size); the
//   body of every answer, non-2xx ones and those of retried attempts included;
//   a watch stream's bytes as they arrive.
// - sent: request body bytes libcurl uploaded (CURLINFO_SIZE_UPLOAD_T): a
//   request the server refused still counts its body; one that never reached a
//   server counts none.
// - never: the request line, headers, TLS and TCP overhead.

#include <cstdint>

namespace kdrill::kube {

struct WireBytes {
  uint64_t sent = 0;
  uint64_t received = 0;

  bool empty() const { return sent == 0 && received == 0; }
  friend WireBytes operator-(WireBytes a, WireBytes b) { return {a.sent - b.sent, a.received - b.received}; }
  friend bool operator==(const WireBytes&, const WireBytes&) = default;
};

// This thread's totals since it started; they only grow.
WireBytes ThreadWireBytes();

// For transports (and test fakes standing in for one): adds to this thread's totals.
void AddThreadWireBytes(WireBytes bytes);

}  // namespace kdrill::kube
