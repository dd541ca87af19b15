#include "tests/fakes/https_fixture_server.h"

#include <strings.h>

#include <condition_variable>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "tests/fakes/https_test_certs.h"

namespace kdrill::testing {
namespace {

// Wakes the AwaitSteps of every stream (and ends them when the fixture stops).
std::mutex progress_mu;
std::condition_variable progress_cv;

std::string PeerCommonName(const SSL* ssl) {
  if (ssl == nullptr) {
    return {};
  }
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (cert == nullptr) {
    return {};
  }
  char buf[256] = {0};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf, sizeof(buf));
  X509_free(cert);
  return buf;
}

}  // namespace

std::string HttpsFixtureServer::Seen::Param(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}

std::string HttpsFixtureServer::Seen::Header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (strcasecmp(key.c_str(), name.c_str()) == 0) {
      return value;
    }
  }
  return {};
}

HttpsFixtureServer::HttpsFixtureServer(Options options) {
  const HttpsTestCerts& certs = GetHttpsTestCerts();
  server_ = std::make_unique<httplib::SSLServer>(
      certs.server_cert_path.c_str(), certs.server_key_path.c_str(),
      options.require_client_cert ? certs.ca_path.c_str() : nullptr);
  server_->set_keep_alive_timeout(1);
  server_->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response&) {
    Seen seen;
    seen.method = req.method;
    seen.path = req.path;
    seen.params.insert(req.params.begin(), req.params.end());
    seen.headers.insert(req.headers.begin(), req.headers.end());
    seen.client_cn = PeerCommonName(req.ssl);
    std::lock_guard lock(mu_);
    seen_.push_back(std::move(seen));
    return httplib::Server::HandlerResponse::Unhandled;
  });
}

void HttpsFixtureServer::Start() {
  port_ = server_->bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
}

HttpsFixtureServer::~HttpsFixtureServer() {
  stopping_ = true;
  StreamProgressed();
  server_->stop();
  if (thread_.joinable()) {
    thread_.join();
  }
}

std::vector<HttpsFixtureServer::Seen> HttpsFixtureServer::Requests() const {
  std::lock_guard lock(mu_);
  return seen_;
}

std::vector<HttpsFixtureServer::Seen> HttpsFixtureServer::RequestsTo(const std::string& path) const {
  std::vector<Seen> out;
  for (Seen& s : Requests()) {
    if (s.path == path) {
      out.push_back(std::move(s));
    }
  }
  return out;
}

StreamStep WriteStep(std::string data) {
  return StreamStep{StreamStep::Kind::kWrite, std::move(data), {}};
}
StreamStep AwaitStep(std::function<bool()> ready) {
  return StreamStep{StreamStep::Kind::kAwait, {}, std::move(ready)};
}
void StreamProgressed() {
  std::lock_guard lock(progress_mu);
  progress_cv.notify_all();
}
StreamStep CutStep() { return StreamStep{StreamStep::Kind::kCut, {}, {}}; }
StreamStep HoldStep() { return StreamStep{StreamStep::Kind::kHold, {}, {}}; }

void ServeStream(httplib::Response& res, std::vector<StreamStep> steps,
                 const std::atomic<bool>& stopping) {
  res.status = 200;
  res.set_chunked_content_provider(
      "application/json",
      [steps = std::move(steps), &stopping](size_t, httplib::DataSink& sink) {
        for (const StreamStep& step : steps) {
          switch (step.kind) {
            case StreamStep::Kind::kWrite:
              if (!sink.write(step.data.data(), step.data.size())) {
                return false;
              }
              break;
            case StreamStep::Kind::kAwait: {
              std::unique_lock lock(progress_mu);
              progress_cv.wait(lock, [&] { return stopping || step.ready(); });
              break;
            }
            case StreamStep::Kind::kCut:
              return false;
            case StreamStep::Kind::kHold: {
              auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
              while (!stopping && std::chrono::steady_clock::now() < until) {
                if (!sink.write("\n", 1)) {
                  return false;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
              }
              return false;
            }
          }
        }
        sink.done();
        return true;
      });
}

std::string WatchLine(const std::string& type, const nlohmann::json& object) {
  return nlohmann::json{{"type", type}, {"object", object}}.dump() + "\n";
}

nlohmann::json TestObject(const std::string& ns, const std::string& name, const std::string& rv) {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata",
           {{"namespace", ns}, {"name", name}, {"resourceVersion", rv}, {"uid", "uid-" + name}}}};
}

std::string StatusBody(int code, const std::string& reason, const std::string& message) {
  return nlohmann::json{{"kind", "Status"},
                        {"apiVersion", "v1"},
                        {"status", "Failure"},
                        {"code", code},
                        {"reason", reason},
                        {"message", message}}
      .dump();
}

}  // namespace kdrill::testing
