#include <string>

#include "harness/kube/kubeconfig.h"
#include "tests/fuzz/targets.h"

namespace kdrill::fuzz {

void KubeconfigParser(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Result<kube::Kubeconfig> config = kube::ParseKubeconfig(text, "/fuzz/config");
  if (config) {
    return;
  }
  if (config.error().code != ErrorCode::kInvalidArgument) {
    Violated("kubeconfig", "error code " + std::string(ErrorCodeName(config.error().code)));
  }
  if (config.error().message.find("/fuzz/config") == std::string::npos) {
    Violated("kubeconfig", "an error that does not name the file: " +
                               config.error().message.substr(0, 300));
  }
}

}  // namespace kdrill::fuzz
