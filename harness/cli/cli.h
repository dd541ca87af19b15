#pragma once

#include <string>

namespace kdrill::cli {

// Entry point of the kdrill command line; returns the process exit code
// (see harness/cli/exit_codes.h).
int Main(int argc, char** argv);

// What kdrill says (exit 2) for a word on the command line it does not know:
// an unknown option, or an argument no command takes.
std::string UnknownArgumentMessage(const std::string& word);

}  // namespace kdrill::cli
