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

template <class F>
auto CountingKubeApi::Timed(const char* verb, std::string resource, F&& call) -> decltype(call()) {
  const MonoTime start = clock_.Now();
  auto answer = call();
  const auto took = std::chrono::duration_cast<std::chrono::nanoseconds>(clock_.Now() - start);
  ledger_.AddRequest(verb, std::move(resource), answer.has_value(), took);
  return answer;
}

Result<Json> CountingKubeApi::Get(const ResourceRef& ref) {
  return Timed("get", ref.resource, [&] { return inner_.Get(ref); });
}

Result<Json> CountingKubeApi::List(const ResourceRef& ref, const ListOptions& opts) {
  return Timed("list", ref.resource, [&] { return inner_.List(ref, opts); });
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
  WatchHandler counted = [&](const WatchEvent& event) {
    ledger_.AddWatchEvent(ref.resource);
    return handler(event);
  };
  return inner_.Watch(ref, opts, counted, std::move(stop));
}

Result<RawResponse> CountingKubeApi::GetRaw(const std::string& path) {
  return Timed("getraw", RawPathResource(path), [&] { return inner_.GetRaw(path); });
}

}  // namespace kdrill::kube
