#pragma once
// A small reader for the tar streams `tar -cf -` writes (POSIX ustar, with
// GNU long names ('L'/'K') and pax extended headers ('x') for long paths and
// big sizes), as busybox and GNU tar produce them. It reads the stream once,
// in blocks, and returns every entry with the SHA-256 of each regular file's
// content, plus the size and SHA-256 of the archive itself. That is how the
// exec-tar provider writes its manifest: the checksums describe exactly what
// the archive holds.

#include <cstdint>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/status.h"

namespace kdrill::backup {

struct TarEntry {
  std::string path;    // normalized (NormalizeTarPath); "" is the archive root "."
  char type = '0';     // '0' file, '1' hard link, '2' symlink, '5' directory, other tar types as is
  int64_t size = 0;    // content bytes of a regular file
  std::string sha256;  // regular files, and hard links (their target's content)
  std::string link;    // link target (symlinks as written; hard links normalized)
  uint32_t mode = 0;
};

struct TarSummary {
  std::vector<TarEntry> entries;  // in archive order
  int64_t archive_bytes = 0;
  std::string archive_sha256;
};

// "./a/b" -> "a/b", "/a//b/" -> "a/b", "." -> "".
std::string NormalizeTarPath(std::string_view path);

// Errors (kInvalidArgument) name the byte offset: a header whose checksum is
// wrong (not a tar stream, or corrupt), an archive cut short inside an entry
// or before its end-of-archive blocks, a malformed pax record.
Result<TarSummary> ReadTar(std::istream& in);
Result<TarSummary> ReadTarFile(const std::string& path);

}  // namespace kdrill::backup
