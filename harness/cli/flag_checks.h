#pragma once
// Checks of flag values and arguments, made before kdrill reads a drill or
// connects to a cluster. Each failure is bad input (kInvalidArgument, exit 2)
// whose message names the flag or argument, quotes the value and says what
// to pass instead.

#include <cstdint>
#include <string>

#include "harness/core/status.h"

namespace kdrill::cli {

// --seed: a whole number from 0 to 2^64-1 in decimal digits only (no sign,
// no spaces, not empty). "-1" does not wrap and 2^64 is not clamped.
Result<uint64_t> ParseSeed(const std::string& text);

// -n/--namespace when given: an RFC 1123 label (the API's rule for
// namespaces), never empty.
Status CheckNamespaceFlag(const std::string& ns);

// An object's name given as an argument (`diagnose pod NAME`): an RFC 1123
// subdomain, so never empty, never "." or "..", never holding '/'. `what`
// names the argument in the message ("pod name").
Status CheckObjectName(const std::string& what, const std::string& name);

// --journal-dir when given: not empty, and not an existing non-directory
// (nor under one). A directory that does not exist yet is fine: it is
// created on first use.
Status CheckJournalDir(const std::string& dir);

// Prints "kdrill <command>: <message>" ("kdrill: <message>" for an empty
// command) to stderr; returns kExitUsage.
int ReportBadInput(const std::string& command, const Error& error);

}  // namespace kdrill::cli
