// RealKubeApi + CurlTransport + Reflector against a local HTTPS server.

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/kube/call_ledger.h"
#include "harness/kube/counting_kube_api.h"
#include "harness/kube/curl_transport.h"
#include "harness/kube/exec_credential.h"
#include "harness/kube/real_kube_api.h"
#include "harness/kube/reflector.h"
#include "tests/fakes/https_fixture_server.h"
#include "tests/fakes/https_test_certs.h"
#include "tests/fakes/kube_exec_plugin.h"
#include "tests/fakes/kube_faulty_transport.h"
#include "tests/fakes/kube_temp_dir.h"
#include "tests/fakes/kube_test_clock.h"

namespace kdrill::kube {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::AwaitStep;
using testing::CutStep;
using testing::GetHttpsTestCerts;
using testing::HoldStep;
using testing::HttpsFixtureServer;
using testing::KubeTestClock;
using testing::StatusBody;
using testing::TestObject;
using testing::WatchLine;
using testing::WriteStep;

constexpr const char* kPodsPath = "/api/v1/namespaces/demo/pods";

// What another thread does (the client's watch delivering, the fixture
// server answering, a reflector logging) that a test waits for: each place
// that changes it calls Progressed(), and WaitFor waits on that condition.
std::mutex progress_mu;
std::condition_variable progress_cv;

void Progressed() {
  std::lock_guard lock(progress_mu);
  progress_cv.notify_all();
}

bool WaitFor(const std::function<bool()>& pred, std::chrono::milliseconds limit = std::chrono::seconds(5)) {
  std::unique_lock lock(progress_mu);
  return progress_cv.wait_for(lock, limit, pred);
}

Json PodList(const std::string& rv, std::vector<Json> items) {
  return {{"kind", "PodList"}, {"apiVersion", "v1"},
          {"metadata", {{"resourceVersion", rv}}}, {"items", items}};
}

void ReplyJson(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, "application/json");
}

ReflectorOptions PodsReflector() {
  ReflectorOptions options;
  options.collection = Pods("demo");
  return options;
}

class KubeHttpsTest : public ::testing::Test {
 protected:
  explicit KubeHttpsTest(HttpsFixtureServer::Options options = {}) : server_(options) {}

  TlsOptions TrustingTls() const {
    TlsOptions tls;
    tls.ca_pem = GetHttpsTestCerts().ca_pem;
    return tls;
  }

  std::unique_ptr<HttpTransport> Transport(TlsOptions tls, std::string url = {}) {
    CurlTransportOptions options;
    options.server = url.empty() ? server_.Url() : url;
    options.tls = std::move(tls);
    options.connect_timeout = std::chrono::seconds(2);
    Result<std::unique_ptr<CurlTransport>> t = CurlTransport::Create(options);
    EXPECT_TRUE(t) << t.error().ToString();
    return std::move(*t);
  }

  std::unique_ptr<RealKubeApi> Api(std::unique_ptr<HttpTransport> transport,
                                   std::unique_ptr<CredentialProvider> creds = nullptr,
                                   std::shared_ptr<const ClientCertificate> cert = nullptr) {
    RealKubeApiOptions options;
    options.client_cert = std::move(cert);
    options.request_timeout = std::chrono::seconds(5);
    return std::make_unique<RealKubeApi>(std::move(transport), std::move(creds), clock_, options);
  }

  void ServePod() {
    server_.http().Get(std::string(kPodsPath) + "/a",
                       [](const httplib::Request&, httplib::Response& res) {
                         ReplyJson(res, 200, TestObject("demo", "a", "7").dump());
                       });
  }

  // Declared first: destroyed after every client of it.
  HttpsFixtureServer server_;
  KubeTestClock clock_;
};

TEST_F(KubeHttpsTest, VerifiesServerWithCaBlob) {
  ServePod();
  server_.Start();
  auto api = Api(Transport(TrustingTls()));
  Result<Json> pod = api->Get(Pods("demo", "a"));
  ASSERT_TRUE(pod) << pod.error().ToString();
  EXPECT_EQ((*pod)["metadata"]["name"], "a");
}

TEST_F(KubeHttpsTest, RejectsServerSignedByAnotherCa) {
  ServePod();
  server_.Start();
  TlsOptions tls;
  tls.ca_pem = GetHttpsTestCerts().other_ca_pem;
  auto api = Api(Transport(tls));
  Result<Json> pod = api->Get(Pods("demo", "a"));
  ASSERT_FALSE(pod);
  EXPECT_EQ(pod.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(pod.error().message, HasSubstr("certificate-authority"));
  EXPECT_THAT(pod.error().message, HasSubstr("get pods \"a\""));
}

TEST_F(KubeHttpsTest, InsecureSkipVerifyAcceptsAnyServer) {
  ServePod();
  server_.Start();
  TlsOptions tls;
  tls.insecure_skip_verify = true;
  auto api = Api(Transport(tls));
  EXPECT_TRUE(api->Get(Pods("demo", "a")));
}

TEST_F(KubeHttpsTest, TlsServerNameIsVerifiedInsteadOfUrlHost) {
  ServePod();
  server_.Start();
  TlsOptions good = TrustingTls();
  good.server_name = "kube.test";  // in the certificate; not resolvable: CONNECT_TO must route it
  auto api = Api(Transport(good));
  Result<Json> pod = api->Get(Pods("demo", "a"));
  ASSERT_TRUE(pod) << pod.error().ToString();
  EXPECT_EQ(server_.Requests().back().Header("Host"), "127.0.0.1:" + std::to_string(server_.port()));

  TlsOptions bad = TrustingTls();
  bad.server_name = "not-in-cert.test";
  auto refused = Api(Transport(bad));
  Result<Json> r = refused->Get(Pods("demo", "a"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
}

class KubeHttpsClientCertTest : public KubeHttpsTest {
 protected:
  KubeHttpsClientCertTest() : KubeHttpsTest(HttpsFixtureServer::Options{true}) {}
};

TEST_F(KubeHttpsClientCertTest, AuthenticatesWithClientCertificateBlobs) {
  ServePod();
  server_.Start();
  const auto& certs = GetHttpsTestCerts();
  auto cert = std::make_shared<const ClientCertificate>(
      ClientCertificate{certs.client_cert_pem, certs.client_key_pem});
  auto api = Api(Transport(TrustingTls()), nullptr, cert);
  Result<Json> pod = api->Get(Pods("demo", "a"));
  ASSERT_TRUE(pod) << pod.error().ToString();
  EXPECT_EQ(server_.Requests().back().client_cn, "kdrill-test-user");

  auto anonymous = Api(Transport(TrustingTls()));
  Result<Json> refused = anonymous->Get(Pods("demo", "a"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(refused.error().message, ::testing::Not(HasSubstr("PRIVATE KEY")));
}

TEST_F(KubeHttpsClientCertTest, ExecPluginCanSupplyTheClientCertificate) {
  ServePod();
  server_.Start();
  testing::KubeTempDir dir;
  const auto& certs = GetHttpsTestCerts();
  dir.Write("credential.json",
            Json{{"apiVersion", "client.authentication.k8s.io/v1beta1"},
                 {"kind", "ExecCredential"},
                 {"status",
                  {{"clientCertificateData", certs.client_cert_pem},
                   {"clientKeyData", certs.client_key_pem}}}}
                .dump());
  std::string plugin =
      dir.Write("plugin.sh", "#!/bin/sh\ncat \"$(dirname \"$0\")/credential.json\"\n", true);
  auto api = Api(Transport(TrustingTls()),
                 std::make_unique<ExecCredentialProvider>(
                     testing::ExecConfigFor(plugin, "client.authentication.k8s.io/v1beta1"), clock_));
  Result<Json> pod = api->Get(Pods("demo", "a"));
  ASSERT_TRUE(pod) << pod.error().ToString();
  EXPECT_EQ(server_.Requests().back().client_cn, "kdrill-test-user");
  EXPECT_EQ(server_.Requests().back().Header("Authorization"), "");
}

TEST_F(KubeHttpsTest, UnauthorizedRerunsExecPluginAndRetries) {
  testing::KubeTempDir dir;
  std::string plugin = testing::WriteCountingExecPlugin(dir, "plugin.sh", "tok");
  server_.http().Get(std::string(kPodsPath) + "/a",
                     [](const httplib::Request& req, httplib::Response& res) {
                       if (req.get_header_value("Authorization") != "Bearer tok-2") {
                         ReplyJson(res, 401, StatusBody(401, "Unauthorized", "Unauthorized"));
                         return;
                       }
                       ReplyJson(res, 200, TestObject("demo", "a", "7").dump());
                     });
  server_.Start();
  auto api = Api(Transport(TrustingTls()),
                 std::make_unique<ExecCredentialProvider>(testing::ExecConfigFor(plugin), clock_));
  Result<Json> pod = api->Get(Pods("demo", "a"));
  ASSERT_TRUE(pod) << pod.error().ToString();
  EXPECT_EQ(testing::ExecPluginRuns(dir), 2);
  std::vector<HttpsFixtureServer::Seen> seen = server_.Requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].Header("Authorization"), "Bearer tok-1");
  EXPECT_EQ(seen[1].Header("Authorization"), "Bearer tok-2");
  // Cached now: no third run.
  ASSERT_TRUE(api->Get(Pods("demo", "a")));
  EXPECT_EQ(testing::ExecPluginRuns(dir), 2);
}

TEST_F(KubeHttpsTest, TooManyRequestsWaitsRetryAfterThenSucceeds) {
  std::atomic<int> calls{0};
  server_.http().Get(std::string(kPodsPath) + "/a",
                     [&](const httplib::Request&, httplib::Response& res) {
                       if (calls++ == 0) {
                         res.set_header("Retry-After", "2");
                         ReplyJson(res, 429, StatusBody(429, "TooManyRequests", "slow down"));
                         return;
                       }
                       ReplyJson(res, 200, TestObject("demo", "a", "7").dump());
                     });
  server_.Start();
  auto api = Api(Transport(TrustingTls()));
  ASSERT_TRUE(api->Get(Pods("demo", "a")));
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(clock_.TotalSlept(), std::chrono::seconds(2));
}

TEST_F(KubeHttpsTest, GetRawReadsAProxiedAnswerOfAnyStatus) {
  server_.http().Get(std::string(kPodsPath) + "/web-0:8080/proxy/healthz",
                     [](const httplib::Request&, httplib::Response& res) {
                       res.status = 200;
                       res.set_content("ok\n", "text/plain");
                     });
  server_.http().Get(std::string(kPodsPath) + "/web-1:8080/proxy/healthz",
                     [](const httplib::Request&, httplib::Response& res) {
                       res.status = 418;
                       res.set_content(std::string(300, 'z'), "text/html");
                     });
  server_.Start();
  auto api = Api(Transport(TrustingTls()));
  Result<RawResponse> ok = api->GetRaw(std::string(kPodsPath) + "/web-0:8080/proxy/healthz");
  ASSERT_TRUE(ok) << ok.error().ToString();
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->body, "ok\n");
  EXPECT_EQ(ok->content_type, "text/plain");
  Result<RawResponse> teapot = api->GetRaw(std::string(kPodsPath) + "/web-1:8080/proxy/healthz");
  ASSERT_TRUE(teapot) << teapot.error().ToString();
  EXPECT_EQ(teapot->status, 418);
  EXPECT_EQ(teapot->BodySnippet(), std::string(200, 'z') + "...");
  auto seen = server_.RequestsTo(std::string(kPodsPath) + "/web-0:8080/proxy/healthz");
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].Header("Accept"), "*/*");
}

TEST_F(KubeHttpsTest, StatusObjectsBecomeTypedErrors) {
  server_.http().Get(std::string(kPodsPath) + "/missing",
                     [](const httplib::Request&, httplib::Response& res) {
                       ReplyJson(res, 404, StatusBody(404, "NotFound", "pods \"missing\" not found"));
                     });
  server_.http().Post(kPodsPath, [](const httplib::Request& req, httplib::Response& res) {
    Json body = Json::parse(req.body);
    std::string name = body["metadata"]["name"];
    if (name == "dup") {
      ReplyJson(res, 409, StatusBody(409, "AlreadyExists", "pods \"dup\" already exists"));
    } else if (name == "stale") {
      ReplyJson(res, 409, StatusBody(409, "Conflict", "Operation cannot be fulfilled"));
    } else {
      ReplyJson(res, 422, StatusBody(422, "Invalid", "Pod \"bad\" is invalid: spec.containers: Required value"));
    }
  });
  server_.Start();
  auto api = Api(Transport(TrustingTls()));
  auto create = [&](const std::string& name) {
    return api->Create(Pods("demo"), Json{{"metadata", {{"name", name}}}});
  };
  Result<Json> missing = api->Get(Pods("demo", "missing"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().http_status, 404);
  EXPECT_THAT(missing.error().message, HasSubstr("pods \"missing\" not found"));
  EXPECT_EQ(create("dup").error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(create("stale").error().code, ErrorCode::kConflict);
  Result<Json> invalid = create("bad");
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(invalid.error().reason, "Invalid");
}

TEST_F(KubeHttpsTest, WatchReassemblesEventsSplitAcrossChunks) {
  const std::string a = WatchLine("ADDED", TestObject("demo", "a", "11"));
  const std::string b = WatchLine("MODIFIED", TestObject("demo", "a", "12"));
  const std::string c = WatchLine("DELETED", TestObject("demo", "a", "13"));
  // b's tail is written only once the client has handled a: b reaches it
  // split across two chunks whatever the network does.
  std::atomic<int> handled{0};
  server_.http().Get(kPodsPath, [&](const httplib::Request&, httplib::Response& res) {
    testing::ServeStream(res,
                         {WriteStep(a.substr(0, 5)), WriteStep(a.substr(5) + b.substr(0, b.size() - 1)),
                          AwaitStep([&] { return handled.load() >= 1; }), WriteStep(b.substr(b.size() - 1) + c)},
                         server_.stopping());
  });
  server_.Start();
  auto api = Api(Transport(TrustingTls()));
  std::vector<std::string> seen;
  WatchOptions opts;
  opts.resource_version = "10";
  Status s = api->Watch(Pods("demo"), opts,
                        [&](const WatchEvent& e) {
                          seen.push_back(e.type + "@" + e.object["metadata"]["resourceVersion"].get<std::string>());
                          ++handled;
                          testing::StreamProgressed();
                          return true;
                        },
                        {});
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_THAT(seen, ElementsAre("ADDED@11", "MODIFIED@12", "DELETED@13"));
  HttpsFixtureServer::Seen req = server_.Requests().back();
  EXPECT_EQ(req.Param("watch"), "1");
  EXPECT_EQ(req.Param("allowWatchBookmarks"), "true");
  EXPECT_EQ(req.Param("resourceVersion"), "10");
  EXPECT_EQ(req.Param("timeoutSeconds"), "300");
}

// The bytes CurlTransport hands to the ledger through CountingKubeApi: body
// bytes only, a refused request's body and its Status answer included, and a
// watch stream's bytes in the phase each event arrives in.
TEST_F(KubeHttpsTest, CountsBodyBytesOfAnswersRefusalsAndWatchStreams) {
  const std::string pod = TestObject("demo", "a", "7").dump();
  const std::string dup = StatusBody(409, "AlreadyExists", "pods \"dup\" already exists");
  const std::string a = WatchLine("ADDED", TestObject("demo", "a", "11"));
  const std::string b = WatchLine("MODIFIED", TestObject("demo", "a", "12"));
  std::atomic<int> handled{0};
  server_.http().Get(std::string(kPodsPath) + "/a",
                     [&](const httplib::Request&, httplib::Response& res) { ReplyJson(res, 200, pod); });
  server_.http().Post(kPodsPath, [&](const httplib::Request&, httplib::Response& res) { ReplyJson(res, 409, dup); });
  server_.http().Get(kPodsPath, [&](const httplib::Request&, httplib::Response& res) {
    testing::ServeStream(res, {WriteStep(a), AwaitStep([&] { return handled.load() >= 1; }), WriteStep(b)},
                         server_.stopping());
  });
  server_.Start();
  auto real = Api(Transport(TrustingTls()));
  CallLedger ledger;
  CountingKubeApi api(*real, ledger, clock_);

  ASSERT_TRUE(api.Get(Pods("demo", "a")));
  const Json body = {{"metadata", {{"name", "dup"}}}};
  Result<Json> refused = api.Create(Pods("demo"), body);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().http_status, 409);
  ledger.SetPhase("settle");
  Status watched = api.Watch(Pods("demo"), {},
                             [&](const WatchEvent&) {
                               if (++handled == 1) ledger.SetPhase("steps");
                               testing::StreamProgressed();
                               return true;
                             },
                             {});
  ASSERT_TRUE(watched) << watched.error().ToString();

  auto phases = ledger.Phases();
  ASSERT_EQ(phases.size(), 3u);
  const PhaseCounts& setup = phases[0].second;
  EXPECT_EQ(setup.requests, 2);
  EXPECT_EQ(setup.failed, 1);
  EXPECT_EQ(setup.bytes_received, pod.size() + dup.size());
  EXPECT_EQ(setup.bytes_sent, body.dump().size());  // refused, but sent
  EXPECT_EQ(setup.by_status, (std::map<std::string, int>{{"2xx", 1}, {"409", 1}}));
  EXPECT_EQ(phases[1].second.watch_bytes_received, a.size());
  EXPECT_EQ(phases[2].second.watch_bytes_received, b.size());
  EXPECT_EQ(ledger.Total().bytes_received, pod.size() + dup.size() + a.size() + b.size());
  EXPECT_EQ(ledger.Total().bytes_sent, body.dump().size());
}

TEST_F(KubeHttpsTest, WatchStopsPromptlyOnStopRequest) {
  server_.http().Get(kPodsPath, [&](const httplib::Request&, httplib::Response& res) {
    testing::ServeStream(res, {WriteStep(WatchLine("ADDED", TestObject("demo", "a", "11"))), HoldStep()},
                         server_.stopping());
  });
  server_.Start();
  auto api = Api(Transport(TrustingTls()));
  std::atomic<int> events{0};
  std::jthread watcher([&](std::stop_token stop) {
    Status s = api->Watch(Pods("demo"), {}, [&](const WatchEvent&) { return ++events, Progressed(), true; }, stop);
    EXPECT_TRUE(s) << s.error().ToString();
  });
  ASSERT_TRUE(WaitFor([&] { return events.load() == 1; }));
  auto start = std::chrono::steady_clock::now();
  watcher.request_stop();
  watcher.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(500));
}

// Collects reflector output for assertions from the test thread.
struct SharedLog : CallbackSink {
  std::mutex mu;
  std::vector<std::string> lines;
  SharedLog() {
    on_delta = [this](const Delta& d) {
      static const char* origins[] = {"initial", "watch", "relist"};
      Add(std::string(DeltaTypeName(d.type)) + "/" + origins[static_cast<int>(d.origin)] + " " +
          d.object["metadata"]["name"].get<std::string>() + "@" +
          d.object["metadata"]["resourceVersion"].get<std::string>());
    };
    on_synced = [this](const SyncInfo& s) {
      Add(std::string(s.relist ? "RELISTED" : "SYNCED") + "@" + s.resource_version);
    };
    on_error = [this](const Error& e, std::chrono::milliseconds) {
      Add(std::string("ERROR ") + ErrorCodeName(e.code));
    };
  }
  void Add(std::string line) {
    {
      std::lock_guard lock(mu);
      lines.push_back(std::move(line));
    }
    Progressed();
  }
  std::vector<std::string> Lines() {
    std::lock_guard lock(mu);
    return lines;
  }
  bool Has(const std::string& line) {
    std::vector<std::string> l = Lines();
    return std::find(l.begin(), l.end(), line) != l.end();
  }
};

TEST_F(KubeHttpsTest, ReflectorRelistsAfterInStreamGoneAndEmitsDeletedForTheGap) {
  std::atomic<int> lists{0};
  std::atomic<int> watches{0};
  server_.http().Get(kPodsPath, [&](const httplib::Request& req, httplib::Response& res) {
    if (!req.has_param("watch")) {
      if (lists++ == 0) {
        ReplyJson(res, 200, PodList("10", {TestObject("demo", "a", "5"), TestObject("demo", "b", "6")}).dump());
      } else {
        ReplyJson(res, 200, PodList("13", {TestObject("demo", "a", "11"), TestObject("demo", "c", "13")}).dump());
      }
      return;
    }
    const int watch = watches++;
    Progressed();
    if (watch == 0) {
      testing::ServeStream(
          res,
          {WriteStep(WatchLine("MODIFIED", TestObject("demo", "a", "11"))),
           WriteStep(WatchLine("ERROR", Json::parse(StatusBody(410, "Expired",
                                                               "too old resource version: 10 (12)"))))},
          server_.stopping());
      return;
    }
    testing::ServeStream(res, {HoldStep()}, server_.stopping());
  });
  server_.Start();
  auto api = Api(Transport(TrustingTls()));
  SharedLog log;
  Reflector reflector(*api, clock_, PodsReflector(), log);
  std::jthread runner([&](std::stop_token stop) { reflector.Run(stop); });
  ASSERT_TRUE(WaitFor([&] { return log.Has("RELISTED@13") && watches.load() == 2; }));
  runner.request_stop();
  runner.join();

  EXPECT_THAT(log.Lines(), ElementsAre("ADDED/initial a@5", "ADDED/initial b@6", "SYNCED@10",
                                       "MODIFIED/watch a@11", "DELETED/relist b@6",
                                       "ADDED/relist c@13", "RELISTED@13"));
  std::vector<HttpsFixtureServer::Seen> reqs = server_.RequestsTo(kPodsPath);
  ASSERT_EQ(reqs.size(), 4u);
  EXPECT_EQ(reqs[1].Param("resourceVersion"), "10");
  EXPECT_EQ(reqs[3].Param("resourceVersion"), "13");
  EXPECT_EQ(reqs[3].Param("watch"), "1");
}

TEST_F(KubeHttpsTest, ReflectorResumesAfterResetAndFollowsBookmarks) {
  std::atomic<int> lists{0};
  std::atomic<int> watches{0};
  server_.http().Get(kPodsPath, [&](const httplib::Request& req, httplib::Response& res) {
    if (!req.has_param("watch")) {
      ++lists;
      ReplyJson(res, 200, PodList("10", {TestObject("demo", "a", "5")}).dump());
      return;
    }
    const int watch = watches++;
    Progressed();
    switch (watch) {
      case 0:  // an event, then the connection dies mid-body
        testing::ServeStream(res,
                             {WriteStep(WatchLine("ADDED", TestObject("demo", "c", "11"))),
                              WriteStep("{\"type\":\"MODIFIED\",\"obj"), CutStep()},
                             server_.stopping());
        return;
      case 1:  // a bookmark, then a normal end (server-side timeout)
        testing::ServeStream(
            res,
            {WriteStep(WatchLine("BOOKMARK", {{"kind", "Pod"}, {"apiVersion", "v1"},
                                              {"metadata", {{"resourceVersion", "20"}}}}))},
            server_.stopping());
        return;
      default:
        testing::ServeStream(res, {HoldStep()}, server_.stopping());
    }
  });
  server_.Start();
  auto api = Api(Transport(TrustingTls()));
  SharedLog log;
  Reflector reflector(*api, clock_, PodsReflector(), log);
  std::jthread runner([&](std::stop_token stop) { reflector.Run(stop); });
  ASSERT_TRUE(WaitFor([&] { return watches.load() == 3; }));
  runner.request_stop();
  runner.join();

  EXPECT_THAT(log.Lines(), ElementsAre("ADDED/initial a@5", "SYNCED@10", "ADDED/watch c@11",
                                       "ERROR Unavailable"));
  EXPECT_EQ(lists.load(), 1) << "a reset resumes the watch, it does not relist";
  std::vector<HttpsFixtureServer::Seen> reqs = server_.RequestsTo(kPodsPath);
  ASSERT_EQ(reqs.size(), 4u);
  EXPECT_EQ(reqs[1].Param("resourceVersion"), "10");
  EXPECT_EQ(reqs[2].Param("resourceVersion"), "11") << "resume from the last event seen";
  EXPECT_EQ(reqs[3].Param("resourceVersion"), "20") << "the bookmark advanced the resume point";
  EXPECT_EQ(reflector.Items().size(), 2u);
}

TEST_F(KubeHttpsTest, FaultyTransportServerErrorsAreRetriedForGets) {
  ServePod();
  server_.Start();
  auto faulty = std::make_unique<testing::KubeFaultyTransport>(Transport(TrustingTls()));
  testing::KubeFaultyTransport* f = faulty.get();
  using Rule = testing::KubeFaultyTransport::Rule;
  Rule unavailable;
  unavailable.kind = Rule::Kind::kStatus;
  unavailable.method = "GET";
  unavailable.times = 2;
  unavailable.status = 503;
  f->Add(unavailable);
  Rule reset;
  reset.kind = Rule::Kind::kReset;
  reset.method = "GET";
  f->Add(reset);
  auto api = Api(std::move(faulty));
  ASSERT_TRUE(api->Get(Pods("demo", "a")));
  EXPECT_EQ(f->Injected(), 3);
  EXPECT_EQ(server_.Requests().size(), 1u);
}

TEST_F(KubeHttpsTest, ConcurrentRequestsWhileAWatchStreams) {
  ServePod();
  server_.http().Get(kPodsPath, [&](const httplib::Request&, httplib::Response& res) {
    testing::ServeStream(res, {WriteStep(WatchLine("ADDED", TestObject("demo", "a", "11"))), HoldStep()},
                         server_.stopping());
  });
  server_.Start();
  auto api = Api(Transport(TrustingTls()));
  std::atomic<int> events{0};
  std::jthread watcher([&](std::stop_token stop) {
    api->Watch(Pods("demo"), {}, [&](const WatchEvent&) { return ++events, Progressed(), true; }, stop);
  });
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 3; ++t) {
    clients.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        if (api->Get(Pods("demo", "a"))) {
          ++ok;
        }
      }
    });
  }
  for (std::thread& c : clients) {
    c.join();
  }
  ASSERT_TRUE(WaitFor([&] { return events.load() == 1; }));
  watcher.request_stop();
  watcher.join();
  EXPECT_EQ(ok.load(), 30);
}

}  // namespace
}  // namespace kdrill::kube
