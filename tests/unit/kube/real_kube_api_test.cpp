#include "harness/kube/real_kube_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/fakes/https_fixture_server.h"
#include "tests/fakes/kube_scripted_transport.h"
#include "tests/fakes/kube_test_clock.h"

namespace kdrill::kube {
namespace {

using ::testing::HasSubstr;
using testing::KubeScriptedTransport;
using testing::KubeTestClock;
using testing::RequestHeader;
using testing::StatusBody;
using testing::TestObject;
using testing::WatchLine;
using Reply = KubeScriptedTransport::Reply;

// Hands out "Bearer t<generation>"; Invalidate bumps the generation.
class CountingCredentials final : public CredentialProvider {
 public:
  Result<Credentials> Get() override {
    ++gets;
    return Credentials{"Bearer t" + std::to_string(generation), nullptr, generation};
  }
  bool Invalidate(const Credentials& used) override {
    ++invalidations;
    if (used.generation == generation) {
      ++generation;
    }
    return true;
  }
  uint64_t generation = 1;
  int gets = 0;
  int invalidations = 0;
};

PatchOptions Forced() {
  PatchOptions options;
  options.force = true;
  return options;
}

class KubeRealApiTest : public ::testing::Test {
 protected:
  KubeRealApiTest() {
    auto transport = std::make_unique<KubeScriptedTransport>();
    transport_ = transport.get();
    auto creds = std::make_unique<CountingCredentials>();
    creds_ = creds.get();
    RealKubeApiOptions options;
    options.default_namespace = "demo";
    options.credentials_description = "user \"u\" of context \"c\"";
    api_ = std::make_unique<RealKubeApi>(std::move(transport), std::move(creds), clock_, options);
  }

  KubeTestClock clock_;
  KubeScriptedTransport* transport_ = nullptr;
  CountingCredentials* creds_ = nullptr;
  std::unique_ptr<RealKubeApi> api_;
};

TEST_F(KubeRealApiTest, GetSendsAuthAndParsesObject) {
  transport_->Push(Reply{200, {}, TestObject("demo", "web-0", "7").dump(), {}, {}});
  Result<Json> pod = api_->Get(Pods("demo", "web-0"));
  ASSERT_TRUE(pod) << pod.error().ToString();
  EXPECT_EQ((*pod)["metadata"]["resourceVersion"], "7");
  HttpRequest req = transport_->LastRequest();
  EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(req.target, "/api/v1/namespaces/demo/pods/web-0");
  EXPECT_EQ(RequestHeader(req, "Authorization"), "Bearer t1");
  EXPECT_EQ(RequestHeader(req, "Accept"), "application/json");
  EXPECT_THAT(RequestHeader(req, "User-Agent"), HasSubstr("kdrill/"));
  EXPECT_EQ(api_->DefaultNamespace(), "demo");
}

TEST_F(KubeRealApiTest, ListEncodesOptions) {
  transport_->Push(Reply{200, {}, R"({"items":[],"metadata":{"resourceVersion":"9"}})", {}, {}});
  ListOptions opts;
  opts.label_selector = "app=web,tier in (a,b)";
  opts.field_selector = "spec.nodeName=n1";
  opts.resource_version = "0";
  opts.limit = 50;
  ASSERT_TRUE(api_->List(StatefulSets("demo"), opts));
  EXPECT_EQ(transport_->LastRequest().target,
            "/apis/apps/v1/namespaces/demo/statefulsets?labelSelector=app%3Dweb%2Ctier%20in%20%28a%2Cb%29"
            "&fieldSelector=spec.nodeName%3Dn1&resourceVersion=0&limit=50");
}

TEST_F(KubeRealApiTest, CreatePostsToCollection) {
  transport_->Push(Reply{201, {}, R"({"metadata":{"name":"x"}})", {}, {}});
  Json body = {{"metadata", {{"name", "x"}}}};
  ASSERT_TRUE(api_->Create(Pods("demo", "x"), body));
  HttpRequest req = transport_->LastRequest();
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/api/v1/namespaces/demo/pods");
  EXPECT_EQ(RequestHeader(req, "Content-Type"), "application/json");
  EXPECT_EQ(Json::parse(req.body), body);
}

TEST_F(KubeRealApiTest, PatchContentTypesAndApplyQuery) {
  struct Case {
    PatchType type;
    const char* content_type;
  };
  for (const Case& c : std::initializer_list<Case>{
           {PatchType::kStrategicMerge, "application/strategic-merge-patch+json"},
           {PatchType::kMerge, "application/merge-patch+json"},
           {PatchType::kJsonPatch, "application/json-patch+json"},
       }) {
    transport_->Push(Reply{200, {}, "{}", {}, {}});
    ASSERT_TRUE(api_->Patch(StatefulSets("demo", "web"), c.type, "{}", Forced()));
    HttpRequest req = transport_->LastRequest();
    EXPECT_EQ(req.method, "PATCH");
    EXPECT_EQ(RequestHeader(req, "Content-Type"), c.content_type);
    EXPECT_EQ(req.target, "/apis/apps/v1/namespaces/demo/statefulsets/web?fieldManager=kdrill")
        << "force is only valid for apply";
  }
  transport_->Push(Reply{200, {}, "{}", {}, {}});
  ASSERT_TRUE(api_->Patch(StatefulSets("demo", "web"), PatchType::kApply, "spec: {}\n",
                          Forced()));
  HttpRequest apply = transport_->LastRequest();
  EXPECT_EQ(RequestHeader(apply, "Content-Type"), "application/apply-patch+yaml");
  EXPECT_EQ(apply.target,
            "/apis/apps/v1/namespaces/demo/statefulsets/web?fieldManager=kdrill&force=true");
  EXPECT_EQ(apply.body, "spec: {}\n");
}

TEST_F(KubeRealApiTest, DeleteSendsDeleteOptions) {
  transport_->Push(Reply{200, {}, R"({"kind":"Status","status":"Success"})", {}, {}});
  DeleteOptions opts;
  opts.grace_period_seconds = 0;
  opts.propagation_policy = "Foreground";
  opts.precondition_uid = "uid-123";
  ASSERT_TRUE(api_->Delete(Pods("demo", "web-1"), opts));
  HttpRequest req = transport_->LastRequest();
  EXPECT_EQ(req.method, "DELETE");
  EXPECT_EQ(req.target, "/api/v1/namespaces/demo/pods/web-1");
  Json body = Json::parse(req.body);
  EXPECT_EQ(body["kind"], "DeleteOptions");
  EXPECT_EQ(body["gracePeriodSeconds"], 0);
  EXPECT_EQ(body["propagationPolicy"], "Foreground");
  EXPECT_EQ(body["preconditions"]["uid"], "uid-123");
}

TEST_F(KubeRealApiTest, EvictPostsPolicyV1Eviction) {
  transport_->Push(Reply{201, {}, R"({"kind":"Status","status":"Success"})", {}, {}});
  DeleteOptions opts;
  opts.grace_period_seconds = 5;
  ASSERT_TRUE(api_->Evict("demo", "web-2", opts));
  HttpRequest req = transport_->LastRequest();
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/api/v1/namespaces/demo/pods/web-2/eviction");
  Json body = Json::parse(req.body);
  EXPECT_EQ(body["apiVersion"], "policy/v1");
  EXPECT_EQ(body["kind"], "Eviction");
  EXPECT_EQ(body["metadata"]["name"], "web-2");
  EXPECT_EQ(body["metadata"]["namespace"], "demo");
  EXPECT_EQ(body["deleteOptions"]["gracePeriodSeconds"], 5);
}

TEST_F(KubeRealApiTest, EvictBlockedByPdbIsReturnedAtOnce) {
  transport_->Push(Reply{429,
                         {{"retry-after", "10"}},
                         StatusBody(429, "TooManyRequests",
                                    "Cannot evict pod as it would violate the pod's disruption budget."),
                         {},
                         {}});
  Status s = api_->Evict("demo", "web-2");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kTooManyRequests);
  EXPECT_THAT(s.error().message, HasSubstr("disruption budget"));
  EXPECT_THAT(s.error().message, HasSubstr("retry after 10s"));
  EXPECT_EQ(transport_->Requests().size(), 1u);
  EXPECT_EQ(clock_.TotalSlept(), std::chrono::milliseconds(0));

  transport_->Push(Reply{404, {}, StatusBody(404, "NotFound", "pods \"web-9\" not found"), {}, {}});
  Status gone = api_->Evict("demo", "web-9");
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);
}

TEST_F(KubeRealApiTest, ThrottledRequestHonoursRetryAfter) {
  transport_->Push(Reply{429, {{"retry-after", "3"}}, StatusBody(429, "TooManyRequests", "slow"), {}, {}});
  transport_->Push(Reply{200, {}, "{}", {}, {}});
  ASSERT_TRUE(api_->Patch(Pods("demo", "p"), PatchType::kMerge, "{}"));  // writes too
  EXPECT_EQ(transport_->Requests().size(), 2u);
  EXPECT_EQ(clock_.TotalSlept(), std::chrono::seconds(3));
}

TEST_F(KubeRealApiTest, ThrottlingRetriesAreBounded) {
  for (int i = 0; i < 10; ++i) {
    transport_->Push(Reply{429, {}, StatusBody(429, "TooManyRequests", "slow"), {}, {}});
  }
  Result<Json> r = api_->Get(Pods("demo", "p"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kTooManyRequests);
  EXPECT_EQ(transport_->Requests().size(), 6u);  // 1 + max_throttle_retries
  EXPECT_EQ(clock_.TotalSlept(), std::chrono::seconds(5));  // default 1 s each
}

TEST_F(KubeRealApiTest, ServerErrorsAreRetriedForReadsOnly) {
  transport_->Push(Reply{503, {}, StatusBody(503, "ServiceUnavailable", "etcd"), {}, {}});
  transport_->Push(Reply{500, {}, StatusBody(500, "InternalError", "oops"), {}, {}});
  transport_->Push(Reply{200, {}, "{}", {}, {}});
  ASSERT_TRUE(api_->Get(Pods("demo", "p")));
  EXPECT_EQ(transport_->Requests().size(), 3u);
  EXPECT_EQ(clock_.TotalSlept(), std::chrono::milliseconds(250 + 500));

  transport_->Push(Reply{503, {}, StatusBody(503, "ServiceUnavailable", "etcd"), {}, {}});
  Result<Json> created = api_->Create(Pods("demo"), Json{{"metadata", {{"name", "x"}}}});
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, ErrorCode::kServerError);
  EXPECT_EQ(transport_->Requests().size(), 4u);
}

TEST_F(KubeRealApiTest, ConnectionFailuresAreRetriedForReadsOnly) {
  transport_->Push(KubeScriptedTransport::Fail(ErrorCode::kUnavailable, "connection reset"));
  transport_->Push(Reply{200, {}, R"({"items":[]})", {}, {}});
  ASSERT_TRUE(api_->List(Pods("demo"), {}));
  EXPECT_EQ(transport_->Requests().size(), 2u);

  transport_->Push(KubeScriptedTransport::Fail(ErrorCode::kUnavailable, "connection reset"));
  Status deleted = api_->Delete(Pods("demo", "p"));
  ASSERT_FALSE(deleted);
  EXPECT_EQ(deleted.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(deleted.error().message, HasSubstr("delete pods \"p\""));
  EXPECT_EQ(transport_->Requests().size(), 3u);

  for (int i = 0; i < 5; ++i) {
    transport_->Push(KubeScriptedTransport::Fail(ErrorCode::kUnavailable, "refused"));
  }
  ASSERT_FALSE(api_->Get(Pods("demo", "p")));
  EXPECT_EQ(transport_->Requests().size(), 3u + 4u);  // 1 + max_transient_retries
}

TEST_F(KubeRealApiTest, UnauthorizedRefreshesCredentialsOnce) {
  transport_->Push(Reply{401, {}, StatusBody(401, "Unauthorized", "Unauthorized"), {}, {}});
  transport_->Push(Reply{200, {}, "{}", {}, {}});
  ASSERT_TRUE(api_->Get(Pods("demo", "p")));
  std::vector<HttpRequest> reqs = transport_->Requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(RequestHeader(reqs[0], "Authorization"), "Bearer t1");
  EXPECT_EQ(RequestHeader(reqs[1], "Authorization"), "Bearer t2");

  transport_->Push(Reply{401, {}, StatusBody(401, "Unauthorized", "Unauthorized"), {}, {}});
  transport_->Push(Reply{401, {}, StatusBody(401, "Unauthorized", "Unauthorized"), {}, {}});
  Result<Json> r = api_->Get(Pods("demo", "p"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnauthorized);
  EXPECT_THAT(r.error().message, HasSubstr("user \"u\" of context \"c\""));
  EXPECT_THAT(r.error().message, ::testing::Not(HasSubstr("Bearer")));
  EXPECT_EQ(transport_->Requests().size(), 4u);
}

TEST_F(KubeRealApiTest, StatusObjectsBecomeTypedErrors) {
  transport_->Push(Reply{409, {}, StatusBody(409, "AlreadyExists", "pods \"x\" already exists"), {}, {}});
  Result<Json> exists = api_->Create(Pods("demo"), Json{{"metadata", {{"name", "x"}}}});
  ASSERT_FALSE(exists);
  EXPECT_EQ(exists.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(exists.error().message, "create pods \"x\" in namespace \"demo\": pods \"x\" already exists");

  transport_->Push(Reply{409, {}, StatusBody(409, "Conflict", "the object has been modified"), {}, {}});
  Result<Json> conflict = api_->Replace(Pods("demo", "x"), Json::object());
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().code, ErrorCode::kConflict);

  transport_->Push(Reply{422, {}, StatusBody(422, "Invalid", "spec.replicas: Invalid value"), {}, {}});
  Result<Json> invalid = api_->Replace(StatefulSets("demo", "web"), Json::object());
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(invalid.error().http_status, 422);
}

TEST_F(KubeRealApiTest, StaticClientCertificateRidesOnEveryRequest) {
  auto transport = std::make_unique<KubeScriptedTransport>();
  KubeScriptedTransport* t = transport.get();
  RealKubeApiOptions options;
  options.client_cert = std::make_shared<const ClientCertificate>(ClientCertificate{"C", "K"});
  RealKubeApi api(std::move(transport), nullptr, clock_, options);
  t->Push(Reply{200, {}, "{}", {}, {}});
  ASSERT_TRUE(api.Get(Nodes("n1")));
  ASSERT_NE(t->LastRequest().client_cert, nullptr);
  EXPECT_EQ(t->LastRequest().client_cert->cert_pem, "C");
  EXPECT_EQ(RequestHeader(t->LastRequest(), "Authorization"), "");
}

TEST_F(KubeRealApiTest, GetRawReturnsTheAnswerWhateverItsStatus) {
  transport_->Push(Reply{200, {{"content-type", "text/plain; charset=utf-8"}}, "ok\n", {}, {}});
  Result<RawResponse> ok = api_->GetRaw("/api/v1/namespaces/demo/pods/web-0:8080/proxy/healthz?x=1");
  ASSERT_TRUE(ok) << ok.error().ToString();
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(ok->body, "ok\n");
  HttpRequest req = transport_->LastRequest();
  EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(req.target, "/api/v1/namespaces/demo/pods/web-0:8080/proxy/healthz?x=1");
  EXPECT_EQ(RequestHeader(req, "Accept"), "*/*");
  EXPECT_EQ(RequestHeader(req, "Authorization"), "Bearer t1");

  // A proxied application's 404 is an answer, not an error.
  transport_->Push(Reply{404, {}, "no such page", {}, {}});
  Result<RawResponse> missing = api_->GetRaw("/api/v1/namespaces/demo/services/web:http/proxy/nope");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->body, "no such page");
  EXPECT_EQ(missing->content_type, "");
  EXPECT_EQ(transport_->Requests().size(), 2u);
}

TEST_F(KubeRealApiTest, GetRawRetriesLikeGetThenReturnsTheLastAnswer) {
  for (int i = 0; i < 4; ++i) {
    transport_->Push(Reply{503, {}, "error trying to reach service: connection refused", {}, {}});
  }
  Result<RawResponse> r = api_->GetRaw("/api/v1/namespaces/demo/pods/web-0:8080/proxy/");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->body, "error trying to reach service: connection refused");
  EXPECT_EQ(transport_->Requests().size(), 4u);  // 1 + max_transient_retries
  EXPECT_EQ(clock_.TotalSlept(), std::chrono::milliseconds(250 + 500 + 1000));

  transport_->Push(Reply{429, {{"retry-after", "2"}}, StatusBody(429, "TooManyRequests", "slow"), {}, {}});
  transport_->Push(Reply{200, {}, "fine", {}, {}});
  Result<RawResponse> throttled = api_->GetRaw("/healthz");
  ASSERT_TRUE(throttled);
  EXPECT_EQ(throttled->status, 200);

  transport_->Push(KubeScriptedTransport::Fail(ErrorCode::kUnavailable, "connection reset"));
  transport_->Push(Reply{200, {}, "back", {}, {}});
  Result<RawResponse> reset = api_->GetRaw("/healthz");
  ASSERT_TRUE(reset);
  EXPECT_EQ(reset->body, "back");
}

TEST_F(KubeRealApiTest, GetRawRefreshesCredentialsOnceAndNeverShowsThem) {
  transport_->Push(Reply{401, {}, StatusBody(401, "Unauthorized", "Unauthorized"), {}, {}});
  transport_->Push(Reply{200, {}, "ok", {}, {}});
  ASSERT_TRUE(api_->GetRaw("/healthz"));
  std::vector<HttpRequest> reqs = transport_->Requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(RequestHeader(reqs[1], "Authorization"), "Bearer t2");

  transport_->Push(Reply{401, {}, StatusBody(401, "Unauthorized", "Unauthorized"), {}, {}});
  transport_->Push(Reply{401, {}, StatusBody(401, "Unauthorized", "Unauthorized"), {}, {}});
  Result<RawResponse> r = api_->GetRaw("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_THAT(r->BodySnippet(), ::testing::Not(HasSubstr("Bearer")));

  Result<RawResponse> relative = api_->GetRaw("api/v1/pods");
  ASSERT_FALSE(relative);
  EXPECT_EQ(relative.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(transport_->Requests().size(), 4u) << "a bad path is refused before any request";
}

TEST(KubeRawResponseTest, BodySnippetIsShortSingleLineAndWholeCharacters) {
  RawResponse r;
  r.body = "line one\nline\ttwo\r\n";
  EXPECT_EQ(r.BodySnippet(), "line one line two");
  r.body = std::string(250, 'x');
  EXPECT_EQ(r.BodySnippet(), std::string(200, 'x') + "...");
  r.body = std::string(199, 'a') + "\xc3\xa9" + "tail";  // U+00E9 straddles byte 200
  EXPECT_EQ(r.BodySnippet(), std::string(199, 'a') + "...");
  r.body = "";
  EXPECT_EQ(r.BodySnippet(), "");
}

TEST_F(KubeRealApiTest, WatchBuildsQueryAndDeliversEventsAcrossChunks) {
  std::string stream = WatchLine("ADDED", TestObject("demo", "a", "11")) +
                       WatchLine("BOOKMARK", {{"metadata", {{"resourceVersion", "12"}}}}) +
                       WatchLine("DELETED", TestObject("demo", "a", "13"));
  Reply reply{200, {}, {}, {stream.substr(0, 7), stream.substr(7, 100), stream.substr(107)}, {}};
  transport_->Push(reply);
  std::vector<std::string> seen;
  WatchOptions opts;
  opts.resource_version = "10";
  opts.label_selector = "app=web";
  opts.timeout_seconds = 60;
  Status s = api_->Watch(Pods("demo"), opts,
                         [&](const WatchEvent& e) {
                           seen.push_back(e.type + "@" +
                                          e.object["metadata"]["resourceVersion"].get<std::string>());
                           return true;
                         },
                         {});
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_THAT(seen, ::testing::ElementsAre("ADDED@11", "BOOKMARK@12", "DELETED@13"));
  EXPECT_EQ(transport_->LastRequest().target,
            "/api/v1/namespaces/demo/pods?watch=1&allowWatchBookmarks=true&resourceVersion=10"
            "&labelSelector=app%3Dweb&timeoutSeconds=60");
}

TEST_F(KubeRealApiTest, WatchInStreamGoneIsKGone) {
  std::string stream =
      WatchLine("MODIFIED", TestObject("demo", "a", "11")) +
      WatchLine("ERROR", Json::parse(StatusBody(410, "Expired", "too old resource version: 5 (11)"))) +
      WatchLine("MODIFIED", TestObject("demo", "a", "12"));
  transport_->Push(Reply{200, {}, stream, {}, {}});
  int events = 0;
  Status s = api_->Watch(Pods("demo"), {}, [&](const WatchEvent&) { return ++events, true; }, {});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kGone);
  EXPECT_THAT(s.error().message, HasSubstr("too old resource version"));
  EXPECT_EQ(events, 1) << "nothing after the ERROR event is delivered";
}

TEST_F(KubeRealApiTest, WatchHttpGoneIsKGone) {
  transport_->Push(Reply{410, {}, StatusBody(410, "Gone", "gone"), {}, {}});
  Status s = api_->Watch(Pods("demo"), {}, [](const WatchEvent&) { return true; }, {});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kGone);
}

TEST_F(KubeRealApiTest, WatchCutAfterEventsIsUnavailableAndNotRetried) {
  Reply cut{200, {}, {}, {WatchLine("ADDED", TestObject("demo", "a", "11"))}, {}};
  cut.error = Error(ErrorCode::kUnavailable, "transfer closed with outstanding read data remaining");
  transport_->Push(cut);
  int events = 0;
  Status s = api_->Watch(Pods("demo"), {}, [&](const WatchEvent&) { return ++events, true; }, {});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(events, 1);
  EXPECT_EQ(transport_->Requests().size(), 1u);
}

TEST_F(KubeRealApiTest, WatchStartFailuresAreRetried) {
  transport_->Push(Reply{503, {}, StatusBody(503, "ServiceUnavailable", "x"), {}, {}});
  transport_->Push(KubeScriptedTransport::Fail(ErrorCode::kUnavailable, "refused"));
  transport_->Push(Reply{200, {}, WatchLine("ADDED", TestObject("demo", "a", "1")), {}, {}});
  int events = 0;
  ASSERT_TRUE(api_->Watch(Pods("demo"), {}, [&](const WatchEvent&) { return ++events, true; }, {}));
  EXPECT_EQ(events, 1);
  EXPECT_EQ(transport_->Requests().size(), 3u);
}

TEST_F(KubeRealApiTest, WatchEndsCleanlyWhenHandlerDeclines) {
  transport_->Push(Reply{200, {}, WatchLine("ADDED", TestObject("demo", "a", "1")) +
                                      WatchLine("ADDED", TestObject("demo", "b", "2")),
                         {}, {}});
  int events = 0;
  ASSERT_TRUE(api_->Watch(Pods("demo"), {}, [&](const WatchEvent&) { return ++events, false; }, {}));
  EXPECT_EQ(events, 1);
}

TEST_F(KubeRealApiTest, WatchOfOneObjectUsesNameFieldSelector) {
  transport_->Push(Reply{200, {}, "", {}, {}});
  WatchOptions no_timeout;
  no_timeout.timeout_seconds = 0;
  ASSERT_TRUE(api_->Watch(StatefulSets("demo", "web"), no_timeout,
                          [](const WatchEvent&) { return true; }, {}));
  EXPECT_EQ(transport_->LastRequest().target,
            "/apis/apps/v1/namespaces/demo/statefulsets?watch=1&allowWatchBookmarks=true"
            "&fieldSelector=metadata.name%3Dweb");
}

}  // namespace
}  // namespace kdrill::kube
