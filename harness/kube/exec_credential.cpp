#include "harness/kube/exec_credential.h"
#include "harness/core/json_fields.h"

#include <cstdio>

#include "harness/core/redact.h"
#include "harness/core/text.h"
#include "harness/kube/base64.h"
#include "harness/kube/exec_process.h"
#include "harness/kube/exec_program.h"
#include "harness/kube/pem_check.h"

namespace kdrill::kube {
namespace {

using Json = nlohmann::json;

// How much of a failed plugin's stderr an error relays.
constexpr size_t kMaxStderrInMessage = 300;

// The credentials in what a plugin printed on stdout, when it is JSON at all:
// status.token and status.clientKeyData, to scrub them from its stderr.
std::vector<std::string> PrintedCredentials(std::string_view stdout_text) {
  Json doc = Json::parse(stdout_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return {};
  }
  return {json::Str(doc, "/status/token"), json::Str(doc, "/status/clientKeyData")};
}

}  // namespace

std::optional<WallTime> ParseRfc3339(std::string_view text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  int consumed = 0;
  std::string str(text);
  if (std::sscanf(str.c_str(), "%4d-%2d-%2d%*1[Tt ]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s,
                  &consumed) != 6) {
    return std::nullopt;
  }
  std::string_view rest = text.substr(static_cast<size_t>(consumed));
  std::chrono::nanoseconds frac{0};
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    int64_t scale = 100000000;
    while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') {
      frac += std::chrono::nanoseconds((rest.front() - '0') * scale);
      scale /= 10;
      rest.remove_prefix(1);
    }
  }
  std::chrono::minutes offset{0};
  if (rest == "Z" || rest == "z") {
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    int oh = 0, om = 0;
    if (std::sscanf(std::string(rest.substr(1)).c_str(), "%2d:%2d", &oh, &om) != 2) {
      return std::nullopt;
    }
    offset = std::chrono::minutes(oh * 60 + om);
    if (rest[0] == '-') {
      offset = -offset;
    }
  } else {
    return std::nullopt;
  }
  std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(mo)),
                                  std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) {
    return std::nullopt;
  }
  auto tp = std::chrono::sys_days(ymd) + std::chrono::hours(h) + std::chrono::minutes(mi) +
            std::chrono::seconds(s) - offset;
  return std::chrono::time_point_cast<WallTime::duration>(tp + frac);
}

std::string BuildExecInfo(const ExecConfig& config, const Json* cluster) {
  Json info = {{"apiVersion", config.api_version},
               {"kind", "ExecCredential"},
               {"spec", {{"interactive", false}}}};
  if (config.provide_cluster_info && cluster != nullptr && !cluster->is_null()) {
    info["spec"]["cluster"] = *cluster;
  }
  return info.dump();
}

Json ExecClusterInfo(const RestConfig& rest) {
  Json cluster = {{"server", rest.server}};
  if (!rest.tls.server_name.empty()) {
    cluster["tls-server-name"] = rest.tls.server_name;
  }
  if (rest.tls.insecure_skip_verify) {
    cluster["insecure-skip-tls-verify"] = true;
  }
  if (!rest.tls.ca_pem.empty()) {
    cluster["certificate-authority-data"] = EncodeBase64(rest.tls.ca_pem);
  }
  if (!rest.tls.proxy_url.empty()) {
    cluster["proxy-url"] = rest.tls.proxy_url;
  }
  return cluster;
}

Result<ExecCredentialStatus> ParseExecCredential(std::string_view stdout_text,
                                                 const std::string& expected_api_version,
                                                 const std::string& plugin) {
  auto fail = [&](const std::string& what) {
    return MakeError(ErrorCode::kUnauthorized, plugin + " " + what);
  };
  Json doc = Json::parse(stdout_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return fail("printed something that is not an ExecCredential JSON object on stdout");
  }
  if (json::Str(doc, "/kind") != "ExecCredential") {
    return fail("printed an object of kind \"" + json::Str(doc, "/kind") +
                "\"; expected kind ExecCredential");
  }
  if (json::Str(doc, "/apiVersion") != expected_api_version) {
    return fail("returned apiVersion \"" + json::Str(doc, "/apiVersion") + "\" but the kubeconfig asks for " +
                expected_api_version + "; make them match");
  }
  auto status_it = doc.find("status");
  if (status_it == doc.end() || !status_it->is_object()) {
    return fail("returned an ExecCredential without status");
  }
  const Json& status = *status_it;
  ExecCredentialStatus out;
  auto str = [&](const char* key) -> std::string {
    auto it = status.find(key);
    return (it != status.end() && it->is_string()) ? it->get<std::string>() : std::string();
  };
  out.token = str("token");
  out.client_cert_pem = str("clientCertificateData");
  out.client_key_pem = str("clientKeyData");
  if (out.client_cert_pem.empty() != out.client_key_pem.empty()) {
    return fail("returned only one of status.clientCertificateData and status.clientKeyData");
  }
  if (out.token.empty() && out.client_cert_pem.empty()) {
    return fail("returned neither status.token nor a client certificate");
  }
  if (!out.client_cert_pem.empty()) {
    // Checked here as a kubeconfig's files are, so a bad pair is this
    // plugin's error now, not a TLS failure retried against the server.
    Status pem = CheckCertificatesPem(out.client_cert_pem, plugin + " status.clientCertificateData");
    if (pem) pem = CheckPrivateKeyPem(out.client_key_pem, plugin + " status.clientKeyData");
    if (pem) {
      pem = CheckKeyMatchesCertificate(out.client_cert_pem, out.client_key_pem,
                                       plugin + " status.clientKeyData");
    }
    if (!pem) return MakeError(ErrorCode::kUnauthorized, pem.error().message);
  }
  std::string expiry = str("expirationTimestamp");
  if (!expiry.empty()) {
    out.expiration = ParseRfc3339(expiry);
    if (!out.expiration) {
      return fail("returned status.expirationTimestamp \"" + expiry + "\", which is not RFC 3339");
    }
  }
  return out;
}

ExecCredentialProvider::ExecCredentialProvider(ExecConfig config, Clock& clock, Json cluster_info,
                                               std::chrono::milliseconds timeout,
                                               std::vector<std::string> secrets)
    : config_(std::move(config)),
      clock_(clock),
      cluster_info_(std::move(cluster_info)),
      timeout_(timeout),
      secrets_(std::move(secrets)) {}

std::string ExecCredentialProvider::Describe() const {
  std::string out = "exec plugin \"" + config_.command + "\"";
  if (!config_.source_file.empty()) {
    out += " (kubeconfig " + config_.source_file + ")";
  }
  return out;
}

int ExecCredentialProvider::Runs() const {
  std::lock_guard lock(mu_);
  return runs_;
}

Result<ExecCredentialStatus> ExecCredentialProvider::RunPlugin() {
  const std::string plugin = Describe();
  if (config_.interactive_mode == "Always") {
    return MakeError(ErrorCode::kFailedPrecondition,
                     plugin + " requires interactiveMode Always, but kdrill runs plugins "
                              "non-interactively; log in once in a terminal or use a non-interactive "
                              "plugin configuration");
  }
  Result<std::string> program = FindExecProgram(config_, plugin);
  if (!program) {
    return std::unexpected(program.error());
  }
  std::vector<std::pair<std::string, std::string>> env = config_.env;
  env.emplace_back("KUBERNETES_EXEC_INFO", BuildExecInfo(config_, &cluster_info_));
  ++runs_;
  ProcessLimits limits;
  limits.timeout = timeout_;
  Result<ProcessOutput> run = RunProcess(*program, config_.args, env, limits);
  if (!run) {
    Error err = run.error();
    if (err.code == ErrorCode::kNotFound) {
      err.code = ErrorCode::kInvalidArgument;  // found, but the system would not start it
    }
    err.message = plugin + ": " + err.message;
    if (err.code == ErrorCode::kTimeout) {
      err.message += "; if it needs longer, raise --exec-plugin-timeout";
    }
    return std::unexpected(err);
  }
  if (run->exit_code != 0) {
    std::vector<std::string> secrets = secrets_;
    secrets.push_back(last_token_);
    secrets.push_back(last_key_);
    for (std::string& printed : PrintedCredentials(run->out)) {
      secrets.push_back(std::move(printed));
    }
    std::string err = OneLine(RedactCredentialShapes(RedactSecrets(TrimEnd(run->err), secrets)), kMaxStderrInMessage);
    return MakeError(ErrorCode::kUnauthorized,
                     plugin + " exited with code " + std::to_string(run->exit_code) +
                         (err.empty() ? std::string(" and printed nothing on stderr")
                                      : ": " + err));
  }
  return ParseExecCredential(run->out, config_.api_version, plugin);
}

Result<Credentials> ExecCredentialProvider::Get() {
  std::lock_guard lock(mu_);
  if (cached_ && (!expiration_ || clock_.WallNow() < *expiration_)) {
    return *cached_;
  }
  Result<ExecCredentialStatus> status = RunPlugin();
  if (!status) {
    return std::unexpected(status.error());
  }
  Credentials creds;
  if (!status->token.empty()) {
    creds.authorization = "Bearer " + status->token;
  }
  if (!status->client_cert_pem.empty()) {
    creds.client_cert = std::make_shared<const ClientCertificate>(
        ClientCertificate{status->client_cert_pem, status->client_key_pem});
  }
  last_token_ = status->token;
  last_key_ = status->client_key_pem;
  creds.generation = ++generation_;
  cached_ = creds;
  expiration_ = status->expiration;
  return creds;
}

bool ExecCredentialProvider::Invalidate(const Credentials& used) {
  std::lock_guard lock(mu_);
  if (cached_ && cached_->generation == used.generation) {
    cached_.reset();
    expiration_.reset();
  }
  return true;
}

}  // namespace kdrill::kube
