#include "harness/drill/validate.h"

#include "harness/drill/parser.h"

namespace kdrill::drill {

namespace {
std::string Count(size_t n, const char* singular, const char* plural) {
  return std::to_string(n) + " " + (n == 1 ? singular : plural);
}
}  // namespace

int ValidateFiles(const std::vector<std::string>& files, const Catalog& catalog,
                  std::ostream& out, std::ostream& err) {
  if (files.empty()) {
    err << "kdrill validate: no drill files given\n";
    return 2;
  }
  int status = 0;
  for (const auto& file : files) {
    Result<Drill> drill = LoadDrillFile(file, catalog);
    if (!drill) {
      err << drill.error().message << "\n";
      status = 2;
      continue;
    }
    out << file << ": ok (" << Count(drill->steps.size(), "step", "steps") << ", "
        << Count(drill->assertions.size(), "assertion", "assertions") << ")\n";
  }
  return status;
}

}  // namespace kdrill::drill
