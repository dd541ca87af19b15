#pragma once
// The fuzz targets: each feeds one input to one of kdrill's parsers and
// checks the parser's contract, calling Violated (which aborts) when it is
// broken. An exception that escapes, a crash, a hang or a sanitizer report is
// a finding too.
//
// Built twice: into AFL++ executables by bench/fuzz (afl-g++-fast with ASan
// and UBSan, tests/fuzz/CMakeLists.txt), and into the unit tests, which
// replay tests/fuzz/corpus/<name>/ with the normal compiler
// (tests/unit/fuzz/corpus_replay_test.cpp).

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string_view>

namespace kdrill::fuzz {

using Target = void (*)(const std::uint8_t* data, std::size_t size);

// The drill parser (RegistryCatalog, every fault, wait and assertion): an
// error is kInvalidArgument and every line starts "fuzz.yaml:LINE:COL: ".
void DrillParser(const std::uint8_t* data, std::size_t size);
// ParseKubeconfig: an error is kInvalidArgument and names the file.
void KubeconfigParser(const std::uint8_t* data, std::size_t size);
// WatchStreamDecoder over the input cut into chunks at sizes taken from its
// first byte: errors are kServerError; nothing buffers past the input.
void WatchDecoder(const std::uint8_t* data, std::size_t size);
// ReadTar: an error is kInvalidArgument; entries never claim more content
// than the archive holds.
void TarReader(const std::uint8_t* data, std::size_t size);
// ParseExecCredential: an error is kUnauthorized and never quotes the input.
void ExecCredential(const std::uint8_t* data, std::size_t size);

struct NamedTarget {
  std::string_view name;  // also the corpus directory tests/fuzz/corpus/<name>
  Target run;
};

inline void PrintTo(const NamedTarget& target, std::ostream* out) { *out << target.name; }

inline constexpr NamedTarget kTargets[] = {
    {"drill", &DrillParser},          {"kubeconfig", &KubeconfigParser},
    {"watch", &WatchDecoder},         {"tar", &TarReader},
    {"exec-credential", &ExecCredential},
};

// Prints what was violated to stderr and aborts (a crash to the fuzzer), or
// calls the handler the corpus replay installed (which throws).
[[noreturn]] void Violated(std::string_view target, std::string_view what);
using ViolationHandler = void (*)(std::string_view message);  // must not return
void SetViolationHandler(ViolationHandler handler);

}  // namespace kdrill::fuzz
