#include <string>

#include <nlohmann/json.hpp>

#include "harness/kube/exec_credential.h"
#include "tests/fuzz/targets.h"

namespace kdrill::fuzz {

void ExecCredential(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Result<kube::ExecCredentialStatus> status =
      kube::ParseExecCredential(text, "client.authentication.k8s.io/v1", "fuzz-plugin");
  if (status) {
    return;
  }
  if (status.error().code != ErrorCode::kUnauthorized) {
    Violated("exec-credential", "error code " + std::string(ErrorCodeName(status.error().code)));
  }
  // Stdout may hold a token: an error never quotes it.
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  const nlohmann::json* token = nullptr;
  if (parsed.is_object() && parsed.contains("status") && parsed["status"].is_object() &&
      parsed["status"].contains("token")) {
    token = &parsed["status"]["token"];
  }
  if (token != nullptr && token->is_string() && token->get<std::string>().size() >= 8 &&
      status.error().message.find(token->get<std::string>()) != std::string::npos) {
    Violated("exec-credential", "the error quotes the token");
  }
}

}  // namespace kdrill::fuzz
