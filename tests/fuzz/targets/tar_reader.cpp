#include <sstream>
#include <string>

#include "harness/backup/tar_reader.h"
#include "tests/fuzz/targets.h"

namespace kdrill::fuzz {

void TarReader(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  Result<backup::TarSummary> tar = backup::ReadTar(in);
  if (!tar) {
    if (tar.error().code != ErrorCode::kInvalidArgument) {
      Violated("tar", "error code " + std::string(ErrorCodeName(tar.error().code)));
    }
    return;
  }
  if (tar->archive_bytes != static_cast<std::int64_t>(size)) {
    Violated("tar", "archive_bytes is not the input's size");
  }
  for (const backup::TarEntry& entry : tar->entries) {
    if (entry.size < 0 || entry.size > tar->archive_bytes) {
      Violated("tar", "an entry claims more content than the archive holds");
    }
  }
}

}  // namespace kdrill::fuzz
