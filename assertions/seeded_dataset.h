#pragma once
// A seeded dataset, shared by data-intact and backup-restore: params.files
// files of params.size random bytes written through exec into one directory
// on each ordinal's volume, with their checksums (SHA-256, or MD5 where the
// image has no sha256sum) read back at once. The directory's removal is
// journaled (an exec undo bound to the ordinal's claim) BEFORE it is written.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "assertions/assertion.h"

namespace kdrill::assertions {

struct DatasetSpec {
  int64_t files = 4;
  int64_t bytes = 65536;
  std::string volume;     // pod volume / claim template; empty = the first claim template
  std::string container;  // empty = the first container mounting it
};

// Checks files (1..1000), size (a quantity, 1..1Gi), volume and container;
// `known` lists every key the assertion accepts.
Status ValidateDatasetParams(const drill::Params& p, const std::vector<std::string>& known, const std::string& what,
                             int64_t default_files);
// REQUIRES: ValidateDatasetParams passed.
DatasetSpec ReadDatasetParams(const drill::Params& p, int64_t default_files);

struct SeededVolume {
  int ordinal = 0;
  std::string pod;
  std::string claim;      // empty when the volume is not a claim template
  std::string container;
  std::string mount;      // where the volume is mounted
  std::string dir;        // mount + "/" + dir_name
  std::string algo;       // "sha256" or "md5"
  std::map<std::string, std::string> sums;  // file name ("file-0") -> checksum
};

// Seeds every existing pod of the baseline under <mount>/<dir_name>.
// owner names the assertion in errors and journal records; need_sha256
// refuses an image that only has md5sum. undo_ids receives the journal ids
// (mark them done once the dataset is removed).
// REQUIRES: spec.volume resolved (non-empty).
Result<std::vector<SeededVolume>> SeedDataset(AssertionContext& ctx, const std::string& owner, const DatasetSpec& spec,
                                              const std::string& dir_name, bool need_sha256,
                                              std::vector<int>& undo_ids);

// "<sum>  <file>" lines (sha256sum/md5sum output) by file name; with algo
// non-null the first line is the algorithm name the seed script printed.
std::map<std::string, std::string> ParseChecksums(const std::string& out, std::string* algo);

}  // namespace kdrill::assertions
