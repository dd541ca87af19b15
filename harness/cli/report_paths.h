#pragma once
// Where `run` writes its reports, checked before it connects: a report never
// overwrites one of the run's inputs, never creates a directory, never
// replaces something that is not a file, and a directory that cannot take it
// is found before the drill runs, not after.

#include <string>
#include <vector>

#include "harness/core/status.h"

namespace kdrill::cli {

// One report path and who asked for it ("--junit", "spec.reports.json of
// d.yaml"), as the messages name it.
struct ReportPath {
  std::string origin;
  std::string path;
};

// Checks one report path. Refused (kInvalidArgument, "<origin>: '<path>' ..."):
//   - an empty path;
//   - a path that is (after symlinks, or as a hard link) one of `inputs`
//     (each "<what> <path>": "the drill file d.yaml");
//   - a missing parent directory ("directory ... does not exist": kdrill does
//     not create it);
//   - an existing target, after symlinks, that is neither a regular file
//     nor a character device (/dev/null is written through, never replaced);
//   - a directory where no file can be created (a probe file is created and
//     removed), or a character device that cannot be opened for writing.
Status CheckReportPath(const ReportPath& report, const std::vector<ReportPath>& inputs);

// Every report checked (also that no two name the same file); the first
// problem. `inputs` as above, origin being "the drill file" or "the
// kubeconfig".
Status CheckReportPaths(const std::vector<ReportPath>& reports, const std::vector<ReportPath>& inputs);

// The kubeconfig files a run may read: --kubeconfig when given, else each
// file in $KUBECONFIG, else ~/.kube/config.
std::vector<std::string> KubeconfigCandidates(const std::string& flag);

}  // namespace kdrill::cli
