#include "tests/fakes/fake_kube_api.h"

#include <sstream>

namespace kdrill::testing {

namespace {

FakeKubeApi::Key KeyOf(const ResourceRef& ref, const std::string& name) {
  return {ref.api_version, ref.resource, ref.ns, name};
}

std::string RefString(const ResourceRef& ref) {
  std::string s = ref.resource + "/" + ref.ns + "/" + ref.name;
  if (!ref.subresource.empty()) {
    s += "/" + ref.subresource;
  }
  return s;
}

bool InCollection(const ResourceRef& collection, const ResourceRef& item) {
  return item.api_version == collection.api_version && item.resource == collection.resource &&
         (collection.ns.empty() || collection.ns == item.ns) &&
         (collection.name.empty() || collection.name == item.name);
}

Error NotFound(const ResourceRef& ref) {
  Error e(ErrorCode::kNotFound, ref.resource + " \"" + ref.name + "\" not found");
  e.http_status = 404;
  e.reason = "NotFound";
  return e;
}

// RFC 7386 merge patch.
void MergePatch(Json& target, const Json& patch) {
  if (!patch.is_object()) {
    target = patch;
    return;
  }
  if (!target.is_object()) {
    target = Json::object();
  }
  for (auto it = patch.begin(); it != patch.end(); ++it) {
    if (it.value().is_null()) {
      target.erase(it.key());
    } else {
      MergePatch(target[it.key()], it.value());
    }
  }
}

bool FieldSelectorMatches(const Json& obj, const std::string& selector) {
  if (selector.empty()) {
    return true;
  }
  std::stringstream ss(selector);
  std::string term;
  while (std::getline(ss, term, ',')) {
    auto eq = term.find('=');
    if (eq == std::string::npos) {
      continue;
    }
    std::string path = term.substr(0, eq);
    std::string want = term.substr(eq + 1);
    if (!want.empty() && want[0] == '=') {
      want = want.substr(1);
    }
    Json::json_pointer ptr("/" + [&] {
      std::string p = path;
      for (auto& c : p) {
        if (c == '.') c = '/';
      }
      return p;
    }());
    if (!obj.contains(ptr) || !obj.at(ptr).is_string() || obj.at(ptr).get<std::string>() != want) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool MatchesLabelSelector(const Json& obj, const std::string& selector) {
  if (selector.empty()) {
    return true;
  }
  Json labels = obj.contains("/metadata/labels"_json_pointer) ? obj["metadata"]["labels"] : Json::object();
  std::stringstream ss(selector);
  std::string term;
  while (std::getline(ss, term, ',')) {
    if (term.empty()) {
      continue;
    }
    auto neq = term.find("!=");
    auto eq = term.find('=');
    if (neq != std::string::npos) {
      std::string k = term.substr(0, neq), v = term.substr(neq + 2);
      if (labels.contains(k) && labels[k] == v) return false;
    } else if (eq != std::string::npos) {
      std::string k = term.substr(0, eq), v = term.substr(eq + 1);
      if (!v.empty() && v[0] == '=') v = v.substr(1);
      if (!labels.contains(k) || labels[k] != v) return false;
    } else if (term[0] == '!') {
      if (labels.contains(term.substr(1))) return false;
    } else if (!labels.contains(term)) {
      return false;
    }
  }
  return true;
}

std::optional<Error> FakeKubeApi::TakeError(const std::string& verb) {
  auto it = inject_errors.find(verb);
  if (it == inject_errors.end() || it->second.empty()) {
    return std::nullopt;
  }
  Error e = it->second.front();
  it->second.erase(it->second.begin());
  return e;
}

void FakeKubeApi::Record(const std::string& call) { calls.push_back(call); }

Json FakeKubeApi::StoreLocked(const ResourceRef& collection, Json obj, const char* type) {
  auto& meta = obj["metadata"];
  if (!meta.contains("uid")) {
    meta["uid"] = "uid-" + std::to_string(++uid_);
  }
  if (!meta.contains("creationTimestamp")) {
    meta["creationTimestamp"] = "2026-01-01T00:00:00Z";
  }
  if (!collection.ns.empty()) {
    meta["namespace"] = collection.ns;
  }
  meta["resourceVersion"] = std::to_string(++rv_);
  ResourceRef ref = collection;
  ref.name = meta.value("name", "");
  objects_[KeyOf(ref, ref.name)] = obj;
  log_.push_back({rv_, type, ref, obj});
  cv_.notify_all();
  return obj;
}

Json FakeKubeApi::Put(const ResourceRef& collection, Json obj) {
  std::lock_guard lock(mu_);
  ResourceRef ref = collection;
  ref.name = obj["metadata"].value("name", "");
  bool exists = objects_.count(KeyOf(ref, ref.name)) > 0;
  return StoreLocked(collection, std::move(obj), exists ? "MODIFIED" : "ADDED");
}

Json FakeKubeApi::Peek(const ResourceRef& ref) const {
  std::lock_guard lock(mu_);
  auto it = objects_.find(KeyOf(ref, ref.name));
  return it == objects_.end() ? Json() : it->second;
}

size_t FakeKubeApi::Count(const ResourceRef& collection) const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& [key, obj] : objects_) {
    ResourceRef r{std::get<0>(key), std::get<1>(key), std::get<2>(key), std::get<3>(key), {}};
    if (InCollection(collection, r)) ++n;
  }
  return n;
}

Result<Json> FakeKubeApi::Get(const ResourceRef& ref) {
  std::lock_guard lock(mu_);
  Record("get " + RefString(ref));
  if (auto e = TakeError("get")) return std::unexpected(*e);
  auto it = objects_.find(KeyOf(ref, ref.name));
  if (it == objects_.end()) return std::unexpected(NotFound(ref));
  return it->second;
}

Result<Json> FakeKubeApi::List(const ResourceRef& ref, const kube::ListOptions& opts) {
  std::lock_guard lock(mu_);
  Record("list " + RefString(ref));
  if (auto e = TakeError("list")) return std::unexpected(*e);
  Json items = Json::array();
  for (const auto& [key, obj] : objects_) {
    ResourceRef r{std::get<0>(key), std::get<1>(key), std::get<2>(key), std::get<3>(key), {}};
    ResourceRef coll = ref;
    coll.name.clear();
    if (InCollection(coll, r) && MatchesLabelSelector(obj, opts.label_selector) &&
        FieldSelectorMatches(obj, opts.field_selector)) {
      items.push_back(obj);
    }
  }
  return Json{{"kind", "List"}, {"items", items}, {"metadata", {{"resourceVersion", std::to_string(rv_)}}}};
}

Result<Json> FakeKubeApi::Create(const ResourceRef& ref, const Json& body) {
  Json stored;
  {
    std::lock_guard lock(mu_);
    Record("create " + RefString(ref));
    if (auto e = TakeError("create")) return std::unexpected(*e);
    ResourceRef item = ref;
    item.name = body["metadata"].value("name", "");
    if (objects_.count(KeyOf(item, item.name))) {
      Error e(ErrorCode::kAlreadyExists, ref.resource + " \"" + item.name + "\" already exists");
      e.http_status = 409;
      e.reason = "AlreadyExists";
      return std::unexpected(e);
    }
    stored = StoreLocked(ref, body, "ADDED");
  }
  if (on_write) on_write(ref, stored);
  return stored;
}

Result<Json> FakeKubeApi::Patch(const ResourceRef& ref, kube::PatchType type, const std::string& body,
                                const kube::PatchOptions& opts) {
  Json stored;
  {
    std::lock_guard lock(mu_);
    Record("patch " + RefString(ref));
    if (auto e = TakeError("patch")) return std::unexpected(*e);
    Json patch = Json::parse(body, nullptr, false);
    if (patch.is_discarded()) {
      return std::unexpected(Error(ErrorCode::kInvalid, "fake: patch body is not JSON"));
    }
    auto it = objects_.find(KeyOf(ref, ref.name));
    if (it == objects_.end()) {
      if (type != kube::PatchType::kApply) return std::unexpected(NotFound(ref));
      ResourceRef coll = ref;
      coll.name.clear();
      stored = StoreLocked(coll, patch, "ADDED");
    } else {
      Json obj = it->second;
      MergePatch(obj, patch);
      ResourceRef coll = ref;
      coll.name.clear();
      stored = StoreLocked(coll, obj, "MODIFIED");
    }
  }
  if (on_write) on_write(ref, stored);
  return stored;
}

Result<Json> FakeKubeApi::Replace(const ResourceRef& ref, const Json& body) {
  Json stored;
  {
    std::lock_guard lock(mu_);
    Record("replace " + RefString(ref));
    if (auto e = TakeError("replace")) return std::unexpected(*e);
    if (!objects_.count(KeyOf(ref, ref.name))) return std::unexpected(NotFound(ref));
    ResourceRef coll = ref;
    coll.name.clear();
    stored = StoreLocked(coll, body, "MODIFIED");
  }
  if (on_write) on_write(ref, stored);
  return stored;
}

Status FakeKubeApi::Delete(const ResourceRef& ref, const kube::DeleteOptions& opts) {
  Json deleted;
  {
    std::lock_guard lock(mu_);
    Record("delete " + RefString(ref));
    delete_options.push_back(opts);
    if (auto e = TakeError("delete")) return std::unexpected(*e);
    auto it = objects_.find(KeyOf(ref, ref.name));
    if (it == objects_.end()) return std::unexpected(NotFound(ref));
    if (!opts.precondition_uid.empty() && it->second["metadata"].value("uid", "") != opts.precondition_uid) {
      Error e(ErrorCode::kConflict, "fake: uid precondition failed");
      e.http_status = 409;
      e.reason = "Conflict";
      return std::unexpected(e);
    }
    deleted = it->second;
    objects_.erase(it);
    deleted["metadata"]["resourceVersion"] = std::to_string(++rv_);
    log_.push_back({rv_, "DELETED", ref, deleted});
    cv_.notify_all();
  }
  if (on_delete) on_delete(ref, deleted);
  return Ok();
}

Status FakeKubeApi::Evict(const std::string& ns, const std::string& pod, const kube::DeleteOptions& opts) {
  {
    std::lock_guard lock(mu_);
    Record("evict pods/" + ns + "/" + pod);
    if (auto e = TakeError("evict")) return std::unexpected(*e);
  }
  return Delete(kube::Pods(ns, pod), opts);
}

Status FakeKubeApi::Watch(const ResourceRef& ref, const kube::WatchOptions& opts,
                          const kube::WatchHandler& handler, std::stop_token stop) {
  std::unique_lock lock(mu_);
  Record("watch " + RefString(ref));
  if (auto e = TakeError("watch")) return std::unexpected(*e);
  uint64_t from = opts.resource_version.empty() ? rv_ : std::stoull(opts.resource_version);
  uint64_t epoch = watch_epoch_;
  size_t next = 0;
  while (true) {
    while (next < log_.size() && log_[next].rv <= from) ++next;
    while (next < log_.size()) {
      Change c = log_[next++];
      from = c.rv;
      if (!InCollection(ResourceRef{ref.api_version, ref.resource, ref.ns, ref.name, {}}, c.ref) ||
          !MatchesLabelSelector(c.object, opts.label_selector) ||
          !FieldSelectorMatches(c.object, opts.field_selector)) {
        continue;
      }
      lock.unlock();
      bool more = handler(kube::WatchEvent{c.type, c.object});
      lock.lock();
      if (!more) return Ok();
    }
    if (stop.stop_requested() || watch_epoch_ != epoch) return Ok();
    size_t seen = log_.size();
    cv_.wait(lock, stop, [&] { return log_.size() != seen || watch_epoch_ != epoch; });
  }
}

Result<kube::RawResponse> FakeKubeApi::GetRaw(const std::string& path) {
  std::function<Result<kube::RawResponse>(const std::string&)> handler;
  {
    std::lock_guard lock(mu_);
    Record("get raw " + path);
    if (auto e = TakeError("getraw")) return std::unexpected(*e);
    handler = on_get_raw;
  }
  if (handler) return handler(path);
  return kube::RawResponse{404, "application/json",
                           R"({"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404})"};
}

void FakeKubeApi::CloseWatches() {
  std::lock_guard lock(mu_);
  ++watch_epoch_;
  cv_.notify_all();
}

}  // namespace kdrill::testing
