#pragma once
// Whole-file reads for credentials and kubeconfigs.

#include <string>

#include "harness/core/status.h"

namespace kdrill::kube {

// kNotFound when the file does not exist; kInvalidArgument for a file that
// is not regular or is over 4 MiB; kIo for other failures (ReadRegularFile).
// The message names `what` and the path, never the content.
Result<std::string> ReadWholeFile(const std::string& path, const std::string& what);

// `path` if absolute, else base_dir/path (base_dir "" = unchanged).
std::string ResolveAgainst(const std::string& base_dir, const std::string& path);

// Directory part of a file path ("." when it has none).
std::string DirectoryOf(const std::string& path);

}  // namespace kdrill::kube
