#include "harness/cli/flag_checks.h"

#include <charconv>
#include <filesystem>
#include <iostream>

#include "harness/cli/exit_codes.h"
#include "harness/drill/names.h"

namespace kdrill::cli {

namespace {

std::unexpected<Error> BadInput(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

}  // namespace

Result<uint64_t> ParseSeed(const std::string& text) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  // from_chars on an unsigned type takes digits only: no sign, no spaces.
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) {
    return BadInput("--seed: expected a whole number from 0 to 18446744073709551615, got '" + text + "'");
  }
  return value;
}

Status CheckNamespaceFlag(const std::string& ns) {
  if (drill::IsDnsLabel(ns)) return Ok();
  std::string length = ns.size() > 63 ? " (it has " + std::to_string(ns.size()) + ")" : "";
  return BadInput("-n/--namespace: '" + ns +
                  "' is not a valid namespace name: a namespace is an RFC 1123 label of lowercase letters, "
                  "digits and '-', starting and ending with a letter or digit, at most 63 characters" +
                  length);
}

Status CheckObjectName(const std::string& what, const std::string& name) {
  if (drill::IsDnsSubdomain(name)) return Ok();
  return BadInput(what + " '" + name + "' is not a valid Kubernetes name: use lowercase letters, digits, '-' and '.', " +
                  "each dot-separated part starting and ending with a letter or digit, at most 253 characters");
}

Status CheckJournalDir(const std::string& dir) {
  namespace fs = std::filesystem;
  if (dir.empty()) {
    return BadInput("--journal-dir: the path is empty; pass a directory, or leave the flag out for the default");
  }
  // The nearest part of the path that exists must be a directory: a file
  // there (the directory itself, or one of its parents) makes it unusable.
  const fs::path wanted = fs::path(dir).lexically_normal();
  for (fs::path p = wanted; !p.empty(); p = p.parent_path()) {
    std::error_code ec;
    auto type = fs::status(p, ec).type();
    // none: it cannot be told (no permission); creating the journal will say.
    if (type == fs::file_type::directory || type == fs::file_type::none) return Ok();
    if (type != fs::file_type::not_found) {
      std::string where = p == wanted ? "'" + dir + "' exists and is not a directory"
                                      : "'" + dir + "' cannot be created: '" + p.string() + "' is not a directory";
      return BadInput("--journal-dir: " + where + "; pass the path of a directory");
    }
    if (p == p.parent_path()) break;
  }
  return Ok();
}

int ReportBadInput(const std::string& command, const Error& error) {
  std::cerr << "kdrill" << (command.empty() ? "" : " " + command) << ": " << error.message << "\n";
  return kExitUsage;
}

}  // namespace kdrill::cli
