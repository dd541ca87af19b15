#pragma once
// A local HTTPS API-server stand-in for kube tests: cpp-httplib's SSLServer on
// 127.0.0.1 with an ephemeral port and the certificates of https_test_certs.h.
// Tests register scripted handlers on http() before Start(). Every request is
// recorded when it arrives (method, path, query parameters, headers, client
// certificate CN), so a test can look at a watch request while it streams.
//
// Destroy clients (CurlTransport, RealKubeApi) before the server: idle
// keep-alive connections otherwise hold server threads until they time out.

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace kdrill::testing {

class HttpsFixtureServer {
 public:
  struct Options {
    bool require_client_cert = false;  // TLS handshake fails without a CA-signed client cert
  };
  struct Seen {
    std::string method;
    std::string path;
    std::multimap<std::string, std::string> params;
    std::multimap<std::string, std::string> headers;  // names as sent
    std::string client_cn;  // CN of the verified client certificate, "" if none

    std::string Param(const std::string& name) const;
    std::string Header(const std::string& name) const;  // case-insensitive
  };

  HttpsFixtureServer() : HttpsFixtureServer(Options{}) {}
  explicit HttpsFixtureServer(Options options);
  ~HttpsFixtureServer();

  httplib::Server& http() { return *server_; }
  void Start();
  int port() const { return port_; }
  std::string Url() const { return "https://127.0.0.1:" + std::to_string(port_); }

  std::vector<Seen> Requests() const;
  std::vector<Seen> RequestsTo(const std::string& path) const;
  // Set when the fixture shuts down; long-lived stream handlers watch it.
  const std::atomic<bool>& stopping() const { return stopping_; }

 private:
  std::unique_ptr<httplib::SSLServer> server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mu_;
  std::vector<Seen> seen_;
};

// One step of a scripted watch response body.
struct StreamStep {
  enum class Kind { kWrite, kAwait, kCut, kHold } kind = Kind::kWrite;
  std::string data;              // kWrite
  std::function<bool()> ready;   // kAwait
};
StreamStep WriteStep(std::string data);
// Writes nothing more until ready() holds (or the fixture stops): e.g. until
// the client has handled what was written so far, so that the next write
// reaches it as a separate chunk. Whatever ready() reads must call
// StreamProgressed() when it changes.
StreamStep AwaitStep(std::function<bool()> ready);
void StreamProgressed();
// Closes the connection without ending the chunked body: the client sees a reset.
StreamStep CutStep();
// Keeps the stream open (sending blank keep-alive lines) until the client goes
// away or the fixture stops (at most 10 s).
StreamStep HoldStep();

// Answers with HTTP 200 and a chunked body made by `steps`.
void ServeStream(httplib::Response& res, std::vector<StreamStep> steps,
                 const std::atomic<bool>& stopping);

// "{"type":...,"object":...}\n"
std::string WatchLine(const std::string& type, const nlohmann::json& object);
// A pod-like object with metadata {namespace, name, resourceVersion, uid}.
nlohmann::json TestObject(const std::string& ns, const std::string& name, const std::string& rv);
// A metav1.Status body.
std::string StatusBody(int code, const std::string& reason, const std::string& message);

}  // namespace kdrill::testing
