#include "harness/faults/container_signal.h"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace kdrill::faults {

const std::vector<std::string>& ContainerSignalNames() {
  static const std::vector<std::string> names = {"TERM", "KILL", "INT", "HUP"};
  return names;
}

std::optional<std::string> NormalizeSignalName(const std::string& name) {
  std::string up;
  for (char c : name) up += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (up.rfind("SIG", 0) == 0) up = up.substr(3);
  const auto& names = ContainerSignalNames();
  if (std::find(names.begin(), names.end(), up) == names.end()) return std::nullopt;
  return up;
}

int SignalNumber(const std::string& name) {
  if (name == "TERM") return 15;
  if (name == "KILL") return 9;
  if (name == "INT") return 2;
  if (name == "HUP") return 1;
  return 0;
}

std::optional<uint64_t> CaughtSignalMask(const std::string& proc_status) {
  std::istringstream in(proc_status);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("SigCgt:", 0) != 0) continue;
    std::string hex = line.substr(7);
    hex.erase(0, hex.find_first_not_of(" \t"));
    try {
      return std::stoull(hex, nullptr, 16);
    } catch (...) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

bool Catches(uint64_t mask, int signal_number) {
  return signal_number > 0 && signal_number <= 64 && (mask >> (signal_number - 1)) & 1U;
}

std::string CaughtNames(uint64_t mask) {
  std::string out;
  for (const auto& n : ContainerSignalNames()) {
    if (!Catches(mask, SignalNumber(n))) continue;
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out.empty() ? "none of TERM, KILL, INT, HUP" : out;
}

}  // namespace kdrill::faults
