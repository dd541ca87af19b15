#include "harness/kube/real_kube_api.h"
#include "harness/core/json_fields.h"

#include <algorithm>
#include <cctype>

#include "harness/kube/api_error.h"
#include "harness/kube/api_path.h"
#include "harness/kube/backoff.h"
#include "harness/kube/watch_decoder.h"

#ifndef KDRILL_VERSION
#define KDRILL_VERSION "dev"
#endif

namespace kdrill::kube {
namespace {

const char* PatchContentType(PatchType type) {
  switch (type) {
    case PatchType::kStrategicMerge: return "application/strategic-merge-patch+json";
    case PatchType::kMerge: return "application/merge-patch+json";
    case PatchType::kJsonPatch: return "application/json-patch+json";
    case PatchType::kApply: return "application/apply-patch+yaml";
  }
  return "application/merge-patch+json";
}

std::optional<std::chrono::milliseconds> RetryAfter(const HttpResponse& response) {
  std::optional<std::string> value = response.Header("retry-after");
  if (!value || value->empty() ||
      !std::all_of(value->begin(), value->end(),
                   [](unsigned char c) { return std::isdigit(c) != 0; }) ||
      value->size() > 6) {
    return std::nullopt;  // HTTP-date form: use the default wait
  }
  return std::chrono::seconds(std::stoi(*value));
}

Json DeleteOptionsBody(const DeleteOptions& opts) {
  Json body = {{"kind", "DeleteOptions"}, {"apiVersion", "v1"}};
  if (opts.grace_period_seconds) {
    body["gracePeriodSeconds"] = *opts.grace_period_seconds;
  }
  if (!opts.propagation_policy.empty()) {
    body["propagationPolicy"] = opts.propagation_policy;
  }
  if (!opts.precondition_uid.empty()) {
    body["preconditions"] = {{"uid", opts.precondition_uid}};
  }
  return body;
}

// A credential source's failure as the error of the request that needed it.
// It must never read as an answer from the API server (a kNotFound would say
// "the object is gone" to a caller that treats that as done), so it is
// kUnauthorized whatever the source said, unless the request was cancelled.
Error CredentialError(const Error& source, const std::string& what) {
  Error err(source.code == ErrorCode::kCancelled ? ErrorCode::kCancelled
                                                 : ErrorCode::kUnauthorized,
            what + ": cannot get credentials: " + source.message);
  return err;
}

std::string Verb(const char* verb, const ResourceRef& ref) {
  return std::string(verb) + " " + ref.Describe();
}

ResourceRef Collection(ResourceRef ref) {
  ref.name.clear();
  ref.subresource.clear();
  return ref;
}

}  // namespace

RealKubeApi::RealKubeApi(std::unique_ptr<HttpTransport> transport,
                         std::unique_ptr<CredentialProvider> credentials, Clock& clock,
                         RealKubeApiOptions options)
    : transport_(std::move(transport)),
      credentials_(std::move(credentials)),
      clock_(clock),
      options_(std::move(options)) {}

HttpRequest RealKubeApi::NewRequest(std::string method, std::string target) const {
  HttpRequest req;
  req.method = std::move(method);
  req.target = std::move(target);
  req.timeout = options_.request_timeout;
  req.headers.emplace_back("Accept", "application/json");
  req.headers.emplace_back("User-Agent", "kdrill/" KDRILL_VERSION);
  return req;
}

Result<HttpResponse> RealKubeApi::Execute(const HttpRequest& request, const CallPolicy& policy,
                                          const std::string& what, const Perform& perform,
                                          const std::function<bool()>& may_retry,
                                          std::stop_token stop) {
  const RetryPolicy& rp = options_.retry;
  Backoff backoff(rp.backoff_initial, rp.backoff_max);
  bool auth_retried = false;
  int throttled = 0;
  int transient = 0;
  auto retry_allowed = [&] { return !may_retry || may_retry(); };
  for (;;) {
    HttpRequest attempt = request;
    Credentials creds;
    if (credentials_) {
      Result<Credentials> got = credentials_->Get();
      if (!got) {
        return std::unexpected(CredentialError(got.error(), what));
      }
      creds = *std::move(got);
      if (!creds.authorization.empty()) {
        attempt.headers.emplace_back("Authorization", creds.authorization);
      }
    }
    attempt.client_cert = creds.client_cert ? creds.client_cert : options_.client_cert;

    Result<HttpResponse> response = perform(attempt);
    if (!response) {
      const Error& err = response.error();
      if (err.code == ErrorCode::kCancelled || stop.stop_requested()) {
        return std::unexpected(err);
      }
      if (policy.idempotent && err.code == ErrorCode::kUnavailable &&
          transient < rp.max_transient_retries && retry_allowed()) {
        ++transient;
        if (!SleepUnlessStopped(clock_, backoff.Next(), stop)) {
          return MakeError(ErrorCode::kCancelled, what + ": cancelled");
        }
        continue;
      }
      Error out = err;
      out.message = what + ": " + err.message;
      return std::unexpected(out);
    }
    const int status = response->status;
    if (status >= 200 && status < 300) {
      return response;
    }
    if (status == 401 && !auth_retried && credentials_ && credentials_->Invalidate(creds)) {
      auth_retried = true;
      continue;
    }
    if (status == 429 && policy.retry_throttled && throttled < rp.max_throttle_retries &&
        retry_allowed()) {
      ++throttled;
      std::chrono::milliseconds wait =
          std::min(RetryAfter(*response).value_or(rp.default_retry_after), rp.max_retry_after);
      if (!SleepUnlessStopped(clock_, wait, stop)) {
        return MakeError(ErrorCode::kCancelled, what + ": cancelled");
      }
      continue;
    }
    if (status >= 500 && policy.idempotent && transient < rp.max_transient_retries &&
        retry_allowed()) {
      ++transient;
      std::chrono::milliseconds wait = backoff.Next();
      if (std::optional<std::chrono::milliseconds> ra = RetryAfter(*response)) {
        wait = std::min(*ra, rp.max_retry_after);
      }
      if (!SleepUnlessStopped(clock_, wait, stop)) {
        return MakeError(ErrorCode::kCancelled, what + ": cancelled");
      }
      continue;
    }
    if (policy.any_status) {
      return response;
    }
    Error err = ApiErrorFromResponse(status, response->body, what);
    if (status == 401) {
      err.message += "; the credentials" +
                     (options_.credentials_description.empty()
                          ? std::string()
                          : " of " + options_.credentials_description) +
                     " were rejected: renew them (log in again, refresh the token) or choose "
                     "another --context";
    } else if (status == 403) {
      err.message += "; grant the needed RBAC permission to this user or use another --context";
    } else if (status == 429) {
      if (std::optional<std::chrono::milliseconds> ra = RetryAfter(*response)) {
        err.message += " (server asks to retry after " +
                       std::to_string(std::chrono::duration_cast<std::chrono::seconds>(*ra).count()) +
                       "s)";
      }
    }
    return std::unexpected(err);
  }
}

Result<HttpResponse> RealKubeApi::Call(const HttpRequest& request, const CallPolicy& policy,
                                       const std::string& what) {
  return Execute(
      request, policy, what,
      [this](const HttpRequest& r) { return transport_->Send(r); }, nullptr, {});
}

Result<Json> RealKubeApi::CallForObject(const HttpRequest& request, const CallPolicy& policy,
                                        const std::string& what) {
  Result<HttpResponse> response = Call(request, policy, what);
  if (!response) {
    return std::unexpected(response.error());
  }
  if (response->body.empty()) {
    return Json::object();
  }
  Json doc = Json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return MakeError(ErrorCode::kServerError,
                     what + ": the API server answered HTTP " + std::to_string(response->status) +
                         " with a body that is not JSON");
  }
  return doc;
}

Result<Json> RealKubeApi::Get(const ResourceRef& ref) {
  return CallForObject(NewRequest("GET", ResourcePath(ref)), {.idempotent = true},
                       Verb("get", ref));
}

Result<RawResponse> RealKubeApi::GetRaw(const std::string& path) {
  if (path.empty() || path.front() != '/') {
    return MakeError(ErrorCode::kInvalidArgument, "GET " + path + ": the path must start with '/'");
  }
  HttpRequest req = NewRequest("GET", path);
  for (auto& [name, value] : req.headers) {
    if (name == "Accept") {
      value = "*/*";
    }
  }
  Result<HttpResponse> response = Call(req, {.idempotent = true, .any_status = true}, "GET " + path);
  if (!response) {
    return std::unexpected(response.error());
  }
  RawResponse out;
  out.status = response->status;
  out.content_type = response->Header("content-type").value_or("");
  out.body = std::move(response->body);
  return out;
}

Result<Json> RealKubeApi::List(const ResourceRef& ref, const ListOptions& opts) {
  Query q;
  q.AddIfSet("labelSelector", opts.label_selector)
      .AddIfSet("fieldSelector", opts.field_selector)
      .AddIfSet("resourceVersion", opts.resource_version)
      .AddIfSet("continue", opts.continue_token);
  if (opts.limit > 0) {
    q.Add("limit", std::to_string(opts.limit));
  }
  return CallForObject(NewRequest("GET", ResourcePath(Collection(ref)) + q.ToString()),
                       {.idempotent = true}, Verb("list", Collection(ref)));
}

Result<Json> RealKubeApi::Create(const ResourceRef& ref, const Json& body) {
  HttpRequest req = NewRequest("POST", ResourcePath(Collection(ref)));
  req.headers.emplace_back("Content-Type", "application/json");
  req.body = body.dump();
  ResourceRef named = ref;
  if (named.name.empty() && body.contains("metadata") && body["metadata"].is_object()) {
    named.name = json::Str(body["metadata"], "/name");
  }
  return CallForObject(req, {.idempotent = false}, Verb("create", named));
}

Result<Json> RealKubeApi::Patch(const ResourceRef& ref, PatchType type, const std::string& body,
                                const PatchOptions& opts) {
  Query q;
  q.AddIfSet("fieldManager", opts.field_manager);
  if (type == PatchType::kApply && opts.force) {
    q.Add("force", "true");  // the server refuses force for other patch types
  }
  HttpRequest req = NewRequest("PATCH", ResourcePath(ref) + q.ToString());
  req.headers.emplace_back("Content-Type", PatchContentType(type));
  req.body = body;
  return CallForObject(req, {.idempotent = false}, Verb("patch", ref));
}

Result<Json> RealKubeApi::Replace(const ResourceRef& ref, const Json& body) {
  HttpRequest req = NewRequest("PUT", ResourcePath(ref));
  req.headers.emplace_back("Content-Type", "application/json");
  req.body = body.dump();
  return CallForObject(req, {.idempotent = false}, Verb("replace", ref));
}

Status RealKubeApi::Delete(const ResourceRef& ref, const DeleteOptions& opts) {
  HttpRequest req = NewRequest("DELETE", ResourcePath(ref));
  req.headers.emplace_back("Content-Type", "application/json");
  req.body = DeleteOptionsBody(opts).dump();
  Result<HttpResponse> response = Call(req, {.idempotent = false}, Verb("delete", ref));
  if (!response) {
    return std::unexpected(response.error());
  }
  return Ok();
}

Status RealKubeApi::Evict(const std::string& ns, const std::string& pod, const DeleteOptions& opts) {
  ResourceRef ref = Pods(ns, pod);
  ref.subresource = "eviction";
  Json body = {{"apiVersion", "policy/v1"},
               {"kind", "Eviction"},
               {"metadata", {{"name", pod}, {"namespace", ns}}}};
  if (opts.grace_period_seconds || !opts.propagation_policy.empty() ||
      !opts.precondition_uid.empty()) {
    body["deleteOptions"] = DeleteOptionsBody(opts);
  }
  HttpRequest req = NewRequest("POST", ResourcePath(ref));
  req.headers.emplace_back("Content-Type", "application/json");
  req.body = body.dump();
  Result<HttpResponse> response =
      Call(req, {.idempotent = false, .retry_throttled = false}, "evict " + Pods(ns, pod).Describe());
  if (!response) {
    return std::unexpected(response.error());
  }
  return Ok();
}

Status RealKubeApi::Watch(const ResourceRef& ref, const WatchOptions& opts,
                          const WatchHandler& handler, std::stop_token stop) {
  const ResourceRef collection = Collection(ref);
  Query q;
  q.Add("watch", "1");
  if (opts.allow_bookmarks) {
    q.Add("allowWatchBookmarks", "true");
  }
  q.AddIfSet("resourceVersion", opts.resource_version)
      .AddIfSet("labelSelector", opts.label_selector);
  std::string field_selector = opts.field_selector;
  if (!ref.name.empty()) {
    // Watching one object: the API's way is a field selector on its name.
    std::string by_name = "metadata.name=" + ref.name;
    field_selector = field_selector.empty() ? by_name : field_selector + "," + by_name;
  }
  q.AddIfSet("fieldSelector", field_selector);
  if (opts.timeout_seconds > 0) {
    q.Add("timeoutSeconds", std::to_string(opts.timeout_seconds));
  }
  HttpRequest req = NewRequest("GET", ResourcePath(collection) + q.ToString());
  // The server ends the request after timeoutSeconds; our deadline is a
  // safety net for a server that does not.
  req.timeout = opts.timeout_seconds > 0
                    ? std::chrono::milliseconds(std::chrono::seconds(opts.timeout_seconds + 60))
                    : std::chrono::milliseconds(0);
  const std::string what = Verb("watch", collection);

  bool delivered = false;      // any body byte of a 2xx answer reached us
  std::optional<Error> ended;  // ERROR event or undecodable data
  bool handler_done = false;
  WatchStreamDecoder decoder;
  auto on_event = [&](const WatchEvent& event) -> bool {
    if (event.type == "ERROR") {
      ended = ApiErrorFromStatusObject(event.object, what);
      return false;
    }
    if (!handler(event)) {
      handler_done = true;
      return false;
    }
    return !stop.stop_requested();
  };
  BodyChunkHandler on_chunk = [&](std::string_view chunk) -> bool {
    delivered = true;
    Result<bool> more = decoder.Feed(chunk, on_event);
    if (!more) {
      ended = more.error();
      ended->message = what + ": " + ended->message;
      return false;
    }
    return *more;
  };
  Result<HttpResponse> response = Execute(
      req, {.idempotent = true}, what,
      [&](const HttpRequest& r) { return transport_->Stream(r, on_chunk, stop); },
      [&] { return !delivered; }, stop);
  if (ended) {
    return std::unexpected(*ended);
  }
  if (handler_done || stop.stop_requested()) {
    return Ok();
  }
  if (!response) {
    Error err = response.error();
    if (delivered && err.code == ErrorCode::kUnavailable) {
      err.message += " (the watch stream was cut; resume from the last resourceVersion)";
    }
    return std::unexpected(err);
  }
  Result<bool> last = decoder.Finish(on_event);
  if (ended) {
    return std::unexpected(*ended);
  }
  if (!last) {
    Error err = last.error();
    err.message = what + ": " + err.message;
    return std::unexpected(err);
  }
  return Ok();
}

}  // namespace kdrill::kube
