#include "harness/cli/cli.h"

int main(int argc, char** argv) { return kdrill::cli::Main(argc, argv); }
