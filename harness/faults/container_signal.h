#pragma once
// Signals container-kill may send to PID 1 of a container, and what the
// kernel does with them. A process inside a PID namespace can signal that
// namespace's init (PID 1) only with signals init has a handler for; others,
// and SIGKILL/SIGSTOP always, are silently dropped (pid_namespaces(7)). So a
// kill through `exec` works only for a signal PID 1 catches, which
// /proc/1/status (SigCgt) tells.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kdrill::faults {

// The accepted names, without "SIG": TERM, KILL, INT, HUP.
const std::vector<std::string>& ContainerSignalNames();

// "TERM", "term", "SIGTERM" -> "TERM"; nullopt for anything not accepted.
std::optional<std::string> NormalizeSignalName(const std::string& name);

// TERM -> 15, KILL -> 9, INT -> 2, HUP -> 1. REQUIRES: a normalized name.
int SignalNumber(const std::string& name);

// The SigCgt mask from the text of /proc/<pid>/status; nullopt when absent.
std::optional<uint64_t> CaughtSignalMask(const std::string& proc_status);

bool Catches(uint64_t mask, int signal_number);

// The accepted signals a mask catches: "INT, TERM" (or "none of TERM, KILL, INT, HUP").
std::string CaughtNames(uint64_t mask);

}  // namespace kdrill::faults
