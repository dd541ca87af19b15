#include "harness/kube/counting_kube_api.h"

#include <utility>

namespace kdrill::kube {

std::string RawPathResource(std::string_view path) {
  path = path.substr(0, path.find_first_of("?#"));
  std::string out;
  int segments = 0;
  size_t i = 0;
  while (segments < 2 && i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    if (i >= path.size()) break;
    size_t end = path.find('/', i);
    if (end == std::string_view::npos) end = path.size();
    out += '/';
    out += path.substr(i, end - i);
    ++segments;
    i = end;
  }
  return out.empty() ? "/" : out;
}

namespace {

// How a request's answer is counted in by_status (call_ledger.h).
std::string StatusKey(const Error& e) { return e.http_status != 0 ? std::to_string(e.http_status) : "none"; }

template <class T>
std::string StatusKey(const Result<T>& answer) {
  return answer ? std::string("2xx") : StatusKey(answer.error());
}

std::string StatusKey(const Status& answer) { return answer ? std::string("2xx") : StatusKey(answer.error()); }

std::string StatusKey(const Result<RawResponse>& answer) {
  if (!answer) return StatusKey(answer.error());
  const int code = answer->status;
  return code >= 200 && code < 300 ? std::string("2xx") : std::to_string(code);
}

}  // namespace

template <class F>
auto CountingKubeApi::Timed(const char* verb, std::string resource, F&& call, bool relist) -> decltype(call()) {
  const MonoTime start = clock_.Now();
  const WireBytes before = ThreadWireBytes();
  auto answer = call();
  const WireBytes moved = ThreadWireBytes() - before;
  const auto took = std::chrono::duration_cast<std::chrono::nanoseconds>(clock_.Now() - start);
  ledger_.AddRequest(RequestRecord{.verb = verb,
                                   .resource = std::move(resource),
                                   .ok = answer.has_value(),
                                   .took = took,
                                   .status = StatusKey(answer),
                                   .bytes = moved,
                                   .relist = relist});
  return answer;
}

Result<Json> CountingKubeApi::Get(const ResourceRef& ref) {
  return Timed("get", ref.resource, [&] { return inner_.Get(ref); });
}

Result<Json> CountingKubeApi::List(const ResourceRef& ref, const ListOptions& opts) {
  return Timed("list", ref.resource, [&] { return inner_.List(ref, opts); }, opts.relist);
}

Result<Json> CountingKubeApi::Create(const ResourceRef& ref, const Json& body) {
  return Timed("create", ref.resource, [&] { return inner_.Create(ref, body); });
}

Result<Json> CountingKubeApi::Patch(const ResourceRef& ref, PatchType type, const std::string& body,
                                    const PatchOptions& opts) {
  return Timed("patch", ref.resource, [&] { return inner_.Patch(ref, type, body, opts); });
}

Result<Json> CountingKubeApi::Replace(const ResourceRef& ref, const Json& body) {
  return Timed("replace", ref.resource, [&] { return inner_.Replace(ref, body); });
}

Status CountingKubeApi::Delete(const ResourceRef& ref, const DeleteOptions& opts) {
  return Timed("delete", ref.resource, [&] { return inner_.Delete(ref, opts); });
}

Status CountingKubeApi::Evict(const std::string& ns, const std::string& pod, const DeleteOptions& opts) {
  return Timed("evict", "pods", [&] { return inner_.Evict(ns, pod, opts); });
}

Status CountingKubeApi::Watch(const ResourceRef& ref, const WatchOptions& opts, const WatchHandler& handler,
                              std::stop_token stop) {
  ledger_.AddWatch(ref.resource);
  // The stream's bytes go to the phase current when they are handed on: at
  // each event the bytes since the last one, at the end the rest. What the
  // handler itself moves (a request it makes) is that request's, not the
  // watch's: the mark moves past it.
  WireBytes mark = ThreadWireBytes();
  auto add_bytes = [&] {
    const WireBytes now = ThreadWireBytes();
    if (const WireBytes moved = now - mark; !moved.empty()) ledger_.AddWatchBytes(ref.resource, moved);
    mark = now;
  };
  WatchHandler counted = [&](const WatchEvent& event) {
    add_bytes();
    ledger_.AddWatchEvent(ref.resource);
    const bool more = handler(event);
    mark = ThreadWireBytes();
    return more;
  };
  Status watched = inner_.Watch(ref, opts, counted, std::move(stop));
  add_bytes();
  return watched;
}

Result<RawResponse> CountingKubeApi::GetRaw(const std::string& path) {
  return Timed("getraw", RawPathResource(path), [&] { return inner_.GetRaw(path); });
}

}  // namespace kdrill::kube
