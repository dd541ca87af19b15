#pragma once

namespace kdrill::cli {

// Entry point of the kdrill command line; returns the process exit code
// (see harness/cli/exit_codes.h).
int Main(int argc, char** argv);

}  // namespace kdrill::cli
