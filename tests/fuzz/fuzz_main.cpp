// One fuzz executable per target (tests/fuzz/CMakeLists.txt defines
// KDRILL_FUZZ_TARGET): runs the target once on the file named by each
// argument, or on stdin when there is none. afl-fuzz calls it with @@; the
// ASan replay in bench/fuzz calls it with every input AFL++ kept.
//
// No persistent mode: AFL++'s GCC plugin (which has one) refuses Debian 12's
// current GCC, so bench/fuzz builds with the classic afl-g++ and its fork
// server (tests/fuzz/README.md).
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include "tests/fuzz/targets.h"

namespace {

void RunOn(const std::string& bytes) {
  kdrill::fuzz::KDRILL_FUZZ_TARGET(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                   bytes.size());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::string bytes((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    RunOn(bytes);
    return 0;
  }
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "fuzz: cannot read %s\n", argv[i]);
      return 2;
    }
    RunOn(std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()));
  }
  return 0;
}
