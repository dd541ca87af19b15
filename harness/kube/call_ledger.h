#pragma once
// CallLedger: what kdrill itself costs the API server, per phase of a run.
//
// CountingKubeApi (harness/kube/counting_kube_api.h) and CountingExecutor
// (harness/exec/counting_executor.h) write into one ledger; the runner moves
// it from phase to phase (setup, settle, baseline, steps, assertions,
// cleanup) with SetPhase; the report shows CallLedgerToJson.
//
// The contract:
// - One request is one call of a KubeApi method (get, list, create, patch,
//   replace, delete, evict, getraw), whatever the HTTP layer does below it:
//   its retries, a 401 re-authentication, paging it does not expose are all
//   inside that one call. A call that returns an error counts as a request
//   and as failed. GetRaw's non-2xx answer is an answer (not failed).
// - A watch is one call of KubeApi::Watch; a reconnecting watch (a
//   Reflector's resume, a relist) is another call, so another watch. Watches
//   are not requests; each event handed to the watch's handler is one watch
//   event (bookmarks and ERROR events included).
// - One exec is one call of PodExecutor::Exec. It failed when it could not
//   run (an Error); a command that ran and exited non-zero did not fail.
// - A call is counted in the phase current when it is recorded, i.e. when it
//   returns (a watch when it is opened, each event when it arrives).
// - seconds / exec_seconds sum the durations measured by the injected Clock
//   around each call: time spent waiting on the API (or on execs), not the
//   phase's length; calls running at once each add their own.
// - resource is the ResourceRef's plural resource ("pods", "statefulsets"),
//   never a name; for GetRaw the path's first two segments, without query
//   ("/version", "/api/v1", "/apis/apps"): see RawPathResource.
// - Bytes are HTTP body bytes, the request's and its retries' together (see
//   harness/kube/wire_bytes.h): received = response bodies (non-2xx ones
//   too) and watch stream bytes, counted AFTER libcurl's chunked decoding
//   and Content-Encoding decompression, i.e. the JSON kdrill reads, not the
//   compressed size on the wire; sent = request bodies as libcurl uploaded
//   them, so a request that failed with an answer (409, 422, ...) still
//   counts what it sent. Headers, TLS and TCP overhead are never counted.
//   A request's bytes count in the phase current when it returns; a watch's
//   bytes in the phase current when each event is handed on (the bytes that
//   brought it and anything before it), the rest when the watch returns.
//   Execs move no counted bytes (kubectl makes its own requests).
// - A relist is a List made again to recover a watch: a Reflector's list
//   after a 410 Gone (resourceVersion too old) and the await loop's list
//   after its watch ended with 410 or was cut (harness/watch/await_object):
//   ListOptions::relist marks it. A relist is also a request (and a list);
//   a first list, and a periodic re-read of an await, are not relists.
// - Status: each request by its answer: "2xx" when it returned a value (the
//   KubeApi answer does not say which 2xx; GetRaw's non-2xx answer counts
//   under its code), the HTTP status of an error that came from the API
//   server ("404", "409", "503" after the retries), "none" for an error with
//   no HTTP answer (network, timeout, cancelled, credentials). by_status
//   sums to requests.
//
// Thread-safe: every method takes the ledger's mutex.

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/kube/wire_bytes.h"

namespace kdrill::kube {

struct PhaseCounts {
  int requests = 0;                    // KubeApi calls (not watches)
  int failed = 0;                      // of those, the ones that returned an error
  double seconds = 0;                  // summed duration of the requests
  std::map<std::string, int> by_verb;  // "get" -> n; sums to requests
  std::map<std::string, int> by_resource;  // "pods" -> n, "/api/v1" -> n; sums to requests
  int watches = 0;                     // Watch calls (each reconnect is one more)
  int watch_events = 0;                // events handed to the watch handlers
  int execs = 0;
  int failed_execs = 0;                // could not run (not: exited non-zero)
  double exec_seconds = 0;             // summed duration of the execs
  uint64_t bytes_received = 0;         // response bodies and watch streams
  uint64_t bytes_sent = 0;             // request bodies
  uint64_t watch_bytes_received = 0;   // of bytes_received, what watch streams brought
  int relists = 0;                     // of requests, lists made again to recover a watch
  std::map<std::string, int> relists_by_resource;  // "pods" -> n; sums to relists
  std::map<std::string, int> by_status;  // "2xx", "404", "none" -> n; sums to requests
};

// One request as CountingKubeApi records it.
struct RequestRecord {
  std::string verb;      // get, list, create, patch, replace, delete, evict, getraw
  std::string resource;  // as for CallLedger::AddRequest
  bool ok = true;
  std::chrono::nanoseconds took{0};
  std::string status = "2xx";  // "2xx", the HTTP code ("404"), or "none"
  WireBytes bytes;
  bool relist = false;
};

class CallLedger {
 public:
  CallLedger();

  // Makes `phase` the current one. A phase entered again adds to its counts
  // and keeps its first place. The ledger starts in "setup".
  void SetPhase(std::string phase);
  std::string Phase() const;

  void AddRequest(RequestRecord request);
  // verb: get, list, create, patch, replace, delete, evict, getraw. Status
  // "2xx" when ok, else "none"; no bytes, not a relist.
  void AddRequest(std::string verb, std::string resource, bool ok, std::chrono::nanoseconds took);
  // A watch opened (resource as for AddRequest).
  void AddWatch(std::string resource);
  // Bytes a watch on `resource` moved since its last AddWatchBytes (counted
  // in bytes_sent/bytes_received, and the received ones in watch_bytes_received).
  void AddWatchBytes(std::string resource, WireBytes bytes);
  // One event of a watch on `resource`. (Watch events are counted per phase,
  // not broken down by resource.)
  void AddWatchEvent(std::string resource);
  void AddExec(bool ok, std::chrono::nanoseconds took);

  // Every phase entered, in the order first entered (one with nothing counted
  // too, "setup" first).
  std::vector<std::pair<std::string, PhaseCounts>> Phases() const;
  // The phases summed.
  PhaseCounts Total() const;

 private:
  PhaseCounts& CurrentLocked();

  mutable std::mutex mu_;
  size_t current_ = 0;  // index into phases_
  std::vector<std::pair<std::string, PhaseCounts>> phases_;
};

// The ledger for a report, keys in this order:
// {"phases": [{"phase", "requests", "failed", "seconds", "byVerb",
//   "byResource", "watches", "watchEvents", "execs", "failedExecs",
//   "execSeconds", "bytesReceived", "bytesSent", "watchBytesReceived",
//   "relists", "relistsByResource", "byStatus"}, ...],
//  "total": {the same without "phase"}}.
// The keys from "bytesReceived" on were added later inside schemaVersion 2
// (reports/run_report.h): readers take a missing one as zero.
nlohmann::ordered_json CallLedgerToJson(const CallLedger& ledger);
nlohmann::ordered_json PhaseCountsToJson(const PhaseCounts& counts);

}  // namespace kdrill::kube
