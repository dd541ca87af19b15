#pragma once
// Report files appear whole or not at all: a CI job that reads a report while
// kdrill is still writing it, or after kdrill was killed, never sees half.

#include <filesystem>
#include <string>
#include <string_view>

#include "harness/core/status.h"

namespace kdrill::reports {

// The file a write to `path` lands on: a symlink at the end of the path is
// followed (to its final target, even one that does not exist yet), so the
// link stays and its target gets the content.
std::filesystem::path WriteTarget(const std::string& path);

// Writes `content` to WriteTarget(path):
//   - a regular file, or none yet: through a temporary file in the target's
//     directory, fsynced and renamed over the target (mode 0644);
//   - a character device (/dev/null): opened and written, never replaced;
//   - anything else (a directory, a pipe, ...): refused, nothing written.
// The directory must exist: it is not created. Errors: kIo "<path>: <what
// failed>[: <strerror>]"; the temporary file is removed on failure.
Status WriteFileAtomically(const std::string& path, std::string_view content);

}  // namespace kdrill::reports
