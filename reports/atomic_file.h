#pragma once
// Report files appear whole or not at all: a CI job that reads a report while
// kdrill is still writing it, or after kdrill was killed, never sees half.

#include <string>
#include <string_view>

#include "harness/core/status.h"

namespace kdrill::reports {

// Writes `content` to a temporary file in `path`'s directory, fsyncs it and
// renames it over `path`. Creates missing parent directories. The file gets
// mode 0644. Errors: kIo "<path>: <what failed>: <strerror>"; the temporary
// file is removed on failure.
Status WriteFileAtomically(const std::string& path, std::string_view content);

}  // namespace kdrill::reports
