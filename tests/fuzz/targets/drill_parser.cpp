#include <regex>
#include <string>

#include "harness/drill/parser.h"
#include "harness/runner/registry_catalog.h"
#include "tests/fuzz/targets.h"

namespace kdrill::fuzz {

void DrillParser(const std::uint8_t* data, std::size_t size) {
  static const RegistryCatalog catalog;
  static const std::regex line_start(R"(^fuzz\.yaml:[0-9]+:[0-9]+: )");
  std::string_view text(reinterpret_cast<const char*>(data), size);
  drill::ParseContext ctx;
  // A manifest path reads as a small ConfigMap, or as missing.
  ctx.read_file = [](const std::string& path) -> Result<std::string> {
    if (path.ends_with("missing.yaml")) {
      return MakeError(ErrorCode::kNotFound, path + ": no such file");
    }
    return std::string("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n");
  };
  Result<drill::Drill> drill = drill::ParseDrill(text, "fuzz.yaml", catalog, ctx);
  if (drill) {
    return;
  }
  if (drill.error().code != ErrorCode::kInvalidArgument) {
    Violated("drill", "error code " + std::string(ErrorCodeName(drill.error().code)));
  }
  const std::string& message = drill.error().message;
  if (message.find("internal error") != std::string::npos) {
    Violated("drill", "an exception reached ParseDrill: " + message.substr(0, 300));
  }
  std::size_t start = 0;
  while (start < message.size()) {
    std::size_t end = message.find('\n', start);
    std::string line = message.substr(start, end == std::string::npos ? end : end - start);
    bool summary = end == std::string::npos && line.starts_with("... and ");
    if (!summary && !std::regex_search(line, line_start)) {
      Violated("drill", "an error line without file:line:col: " + line.substr(0, 300));
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
}

}  // namespace kdrill::fuzz
