#pragma once
// `kdrill validate FILE...`: parse and check drill files without a cluster.

#include <ostream>
#include <string>
#include <vector>

#include "harness/drill/catalog.h"

namespace kdrill::drill {

// For each file, prints "FILE: ok (N steps, M assertions)" to `out`, or its
// errors (one "file:line:col: ..." per line) to `err`.
// Returns 0 when every file is valid, 2 otherwise (also for no files).
int ValidateFiles(const std::vector<std::string>& files, const Catalog& catalog,
                  std::ostream& out, std::ostream& err);

}  // namespace kdrill::drill
