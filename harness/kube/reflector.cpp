#include "harness/kube/reflector.h"
#include "harness/core/json_fields.h"

#include "harness/kube/backoff.h"

namespace kdrill::kube {
namespace {

std::string KeyOf(const Json& obj) {
  const Json* meta = obj.is_object() && obj.contains("metadata") ? &obj["metadata"] : nullptr;
  if (meta == nullptr || !meta->is_object()) {
    return {};
  }
  return json::Str(*meta, "/namespace") + "/" + json::Str(*meta, "/name");
}

std::string ResourceVersionOf(const Json& obj) {
  if (!obj.is_object() || !obj.contains("metadata") || !obj["metadata"].is_object()) {
    return {};
  }
  return json::Str(obj["metadata"], "/resourceVersion");
}

std::string UidOf(const Json& obj) {
  if (!obj.is_object() || !obj.contains("metadata") || !obj["metadata"].is_object()) {
    return {};
  }
  const Json& uid = obj["metadata"].contains("uid") ? obj["metadata"]["uid"] : Json();
  return uid.is_string() ? uid.get<std::string>() : std::string();
}

}  // namespace

const char* DeltaTypeName(DeltaType type) {
  switch (type) {
    case DeltaType::kAdded: return "ADDED";
    case DeltaType::kModified: return "MODIFIED";
    case DeltaType::kDeleted: return "DELETED";
  }
  return "UNKNOWN";
}

Reflector::Reflector(KubeApi& api, Clock& clock, ReflectorOptions options, ReflectorSink& sink)
    : api_(api), clock_(clock), options_(std::move(options)), sink_(sink) {}

std::vector<Json> Reflector::Items() const {
  std::lock_guard lock(mu_);
  std::vector<Json> out;
  out.reserve(store_.size());
  for (const auto& [key, obj] : store_) {
    out.push_back(obj);
  }
  return out;
}

std::string Reflector::LastResourceVersion() const {
  std::lock_guard lock(mu_);
  return last_rv_;
}

bool Reflector::HasSynced() const {
  std::lock_guard lock(mu_);
  return lists_ > 0;
}

int Reflector::Lists() const {
  std::lock_guard lock(mu_);
  return lists_;
}

Result<Json> Reflector::ListAll(ListOptions lo) {
  lo.limit = options_.page_size;
  Json all = Json::object();
  Json& items = all["items"] = Json::array();
  while (true) {
    Result<Json> page = api_.List(options_.collection, lo);
    if (!page && page.error().code == ErrorCode::kGone && !lo.continue_token.empty()) {
      // The continue token expired between pages: start over in one piece.
      lo.limit = 0;
      lo.continue_token.clear();
      items = Json::array();
      continue;
    }
    if (!page) return page;
    // List items come without kind/apiVersion; give them the ones watch events carry.
    std::string item_kind = json::Str(*page, "/kind");
    if (item_kind.size() > 4 && item_kind.ends_with("List")) {
      item_kind.resize(item_kind.size() - 4);
    } else {
      item_kind.clear();
    }
    const std::string api_version = json::Str(*page, "/apiVersion");
    if (lo.continue_token.empty()) {  // the first page's version is the list's
      all["kind"] = json::Str(*page, "/kind");
      all["apiVersion"] = api_version;
      all["metadata"] = {{"resourceVersion", json::Str(*page, "/metadata/resourceVersion")}};
    }
    if (auto it = page->find("items"); it != page->end() && it->is_array()) {
      for (Json& item : *it) {
        if (!item.is_object()) continue;
        if (!item_kind.empty() && !item.contains("kind")) item["kind"] = item_kind;
        if (!api_version.empty() && !item.contains("apiVersion")) item["apiVersion"] = api_version;
        if (options_.transform) options_.transform(item);
        items.push_back(std::move(item));
      }
    }
    const std::string next = json::Str(*page, "/metadata/continue");
    if (next.empty() || lo.limit == 0) return all;
    lo.continue_token = next;
    lo.relist = false;  // the next page of one list, not another list
  }
}

void Reflector::ApplyList(Json list) {
  std::map<std::string, Json> fresh;
  std::vector<std::string> order;
  if (auto items = list.find("items"); items != list.end() && items->is_array()) {
    for (Json& item : *items) {
      std::string key = KeyOf(item);
      if (fresh.emplace(key, std::move(item)).second) {
        order.push_back(key);
      }
    }
  }
  std::string rv;
  if (auto meta = list.find("metadata"); meta != list.end() && meta->is_object()) {
    rv = json::Str(*meta, "/resourceVersion");
  }

  std::vector<Delta> deltas;
  bool relist = false;
  {
    std::lock_guard lock(mu_);
    relist = lists_ > 0;
    if (relist) {
      for (const auto& [key, old] : store_) {
        if (!fresh.contains(key)) {
          deltas.push_back({DeltaType::kDeleted, DeltaOrigin::kRelist, old});
        }
      }
    }
    for (const std::string& key : order) {
      const Json& obj = fresh[key];
      if (!relist) {
        deltas.push_back({DeltaType::kAdded, DeltaOrigin::kInitialList, obj});
        continue;
      }
      auto old = store_.find(key);
      if (old == store_.end()) {
        deltas.push_back({DeltaType::kAdded, DeltaOrigin::kRelist, obj});
      } else if (const std::string was = UidOf(old->second), is = UidOf(obj); !was.empty() && !is.empty() && was != is) {
        // Deleted and created again under the same name in the gap: two
        // objects, not one that changed (a pod's old incarnation must end).
        deltas.push_back({DeltaType::kDeleted, DeltaOrigin::kRelist, old->second});
        deltas.push_back({DeltaType::kAdded, DeltaOrigin::kRelist, obj});
      } else if (ResourceVersionOf(old->second) != ResourceVersionOf(obj)) {
        deltas.push_back({DeltaType::kModified, DeltaOrigin::kRelist, obj});
      }
    }
    store_ = std::move(fresh);
    last_rv_ = rv;
    ++lists_;
  }
  for (const Delta& d : deltas) {
    sink_.OnDelta(d);
  }
  sink_.OnSynced(SyncInfo{relist, rv, order.size()});
}

bool Reflector::OnWatchEvent(const WatchEvent& delivered) {
  const WatchEvent* use = &delivered;
  WatchEvent transformed;
  if (options_.transform && (delivered.type == "ADDED" || delivered.type == "MODIFIED" || delivered.type == "DELETED")) {
    transformed.type = delivered.type;
    transformed.object = delivered.object;
    options_.transform(transformed.object);
    use = &transformed;
  }
  const WatchEvent& event = *use;
  const std::string rv = ResourceVersionOf(event.object);
  DeltaType type;
  if (event.type == "ADDED") {
    type = DeltaType::kAdded;
  } else if (event.type == "MODIFIED") {
    type = DeltaType::kModified;
  } else if (event.type == "DELETED") {
    type = DeltaType::kDeleted;
  } else {
    // BOOKMARK (and anything unknown): only the resume point moves.
    if (event.type == "BOOKMARK" && !rv.empty()) {
      std::lock_guard lock(mu_);
      last_rv_ = rv;
    }
    return true;
  }
  {
    std::lock_guard lock(mu_);
    const std::string key = KeyOf(event.object);
    if (type == DeltaType::kDeleted) {
      store_.erase(key);
    } else {
      store_[key] = event.object;
    }
    if (!rv.empty()) {
      last_rv_ = rv;
    }
  }
  sink_.OnDelta(Delta{type, DeltaOrigin::kWatch, event.object});
  return true;
}

void Reflector::Run(std::stop_token stop) {
  Backoff backoff(options_.backoff_initial, options_.backoff_max);
  bool need_list = true;
  int gone_in_a_row = 0;  // 410s on watches that delivered nothing
  while (!stop.stop_requested()) {
    if (need_list) {
      ListOptions lo;
      lo.label_selector = options_.label_selector;
      lo.field_selector = options_.field_selector;
      lo.relist = Lists() > 0;  // after a 410: counted as a relist (call_ledger.h)
      Result<Json> list = ListAll(lo);
      if (stop.stop_requested()) {
        return;
      }
      if (!list) {
        std::chrono::milliseconds wait = backoff.Next();
        sink_.OnError(list.error(), wait);
        SleepUnlessStopped(clock_, wait, stop);
        continue;
      }
      ApplyList(std::move(*list));
      need_list = false;
      backoff.Reset();
    }

    WatchOptions wo;
    wo.label_selector = options_.label_selector;
    wo.field_selector = options_.field_selector;
    wo.resource_version = LastResourceVersion();
    wo.allow_bookmarks = true;
    wo.timeout_seconds = options_.watch_timeout_seconds;
    size_t events = 0;
    const MonoTime started = clock_.Now();
    Status watched = api_.Watch(
        options_.collection, wo,
        [&](const WatchEvent& event) {
          ++events;
          OnWatchEvent(event);
          return !stop.stop_requested();
        },
        stop);
    if (stop.stop_requested()) {
      return;
    }
    if (watched) {
      gone_in_a_row = 0;
      if (events > 0) {
        backoff.Reset();
      } else if (clock_.Now() - started < std::chrono::seconds(1)) {
        // An empty watch that ended at once: do not spin on a misbehaving server.
        SleepUnlessStopped(clock_, backoff.Next(), stop);
      }
      continue;
    }
    if (watched.error().code == ErrorCode::kGone) {
      // resourceVersion too old: relist now, as client-go does; only a server
      // that keeps answering 410 to fresh lists gets a backoff.
      gone_in_a_row = events == 0 ? gone_in_a_row + 1 : 0;
      if (gone_in_a_row >= 2) {
        SleepUnlessStopped(clock_, backoff.Next(), stop);
      }
      need_list = true;
      continue;
    }
    gone_in_a_row = 0;
    if (events > 0) {
      backoff.Reset();
    }
    std::chrono::milliseconds wait = backoff.Next();
    sink_.OnError(watched.error(), wait);
    SleepUnlessStopped(clock_, wait, stop);
  }
}

}  // namespace kdrill::kube
