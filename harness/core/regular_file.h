#pragma once
// Reading an input file that a person named (a drill, a manifest, a
// kubeconfig, a credential file) without trusting what it is.
//
// Only a regular file (or a symlink to one) is read: a FIFO, /dev/stdin,
// /dev/zero or a directory would block kdrill or never end. The open does not
// block (O_NONBLOCK), so naming a FIFO with no writer fails at once.

#include <cstddef>
#include <string>

#include "harness/core/status.h"

namespace kdrill {

inline constexpr std::size_t kMaxInputFileBytes = 4u << 20;

// The whole content of `path`. Errors carry the reason only, never the path
// or the content, so the caller says which file it was:
//   kNotFound "no such file"; kInvalidArgument "is a directory, not a file",
//   "is a FIFO, not a regular file", "is N MiB; kdrill reads at most M MiB";
//   kIo "cannot open: <strerror>" / "read failed: <strerror>".
Result<std::string> ReadRegularFile(const std::string& path,
                                    std::size_t max_bytes = kMaxInputFileBytes);

}  // namespace kdrill
