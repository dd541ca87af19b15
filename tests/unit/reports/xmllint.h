#pragma once
// Runs xmllint against the JUnit schema (KDRILL_JUNIT_XSD), as CI systems do.

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace kdrill::reports::testing {

struct LintResult {
  int exit_code = -1;
  std::string output;
};

inline std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

// `xmllint --noout --schema <xsd> <file>`; exit code 0 = valid.
inline LintResult ValidateAgainstJunitXsd(const std::string& file) {
  std::string command = "xmllint --noout --schema " + ShellQuote(KDRILL_JUNIT_XSD) + " " +
                        ShellQuote(file) + " 2>&1";
  LintResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    result.output = "popen failed";
    return result;
  }
  std::array<char, 4096> buffer;
  size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    result.output.append(buffer.data(), n);
  }
  int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace kdrill::reports::testing
