#include "harness/backup/tar_reader.h"

#include <fmt/format.h>

#include <array>
#include <fstream>
#include <map>
#include <optional>

#include "harness/backup/sha256.h"

namespace kdrill::backup {

namespace {

constexpr size_t kBlock = 512;
using Block = std::array<char, kBlock>;

std::string Field(const Block& b, size_t off, size_t len) {
  size_t n = 0;
  while (n < len && b[off + n] != '\0') ++n;
  return std::string(b.data() + off, n);
}

// Octal ASCII (space/NUL padded) or GNU base-256 (high bit of the first byte).
std::optional<int64_t> Number(const Block& b, size_t off, size_t len) {
  auto first = static_cast<unsigned char>(b[off]);
  if (first & 0x80) {
    int64_t v = first & 0x3f;
    for (size_t i = 1; i < len; ++i) {
      if (v > (INT64_MAX >> 8)) return std::nullopt;
      v = (v << 8) | static_cast<unsigned char>(b[off + i]);
    }
    return v;
  }
  int64_t v = 0;
  size_t i = 0;
  while (i < len && (b[off + i] == ' ' || b[off + i] == '\0')) ++i;
  bool any = false;
  for (; i < len && b[off + i] >= '0' && b[off + i] <= '7'; ++i) {
    if (v > (INT64_MAX >> 3)) return std::nullopt;
    v = v * 8 + (b[off + i] - '0');
    any = true;
  }
  for (; i < len; ++i) {
    if (b[off + i] != ' ' && b[off + i] != '\0') return std::nullopt;
  }
  return any ? v : 0;
}

bool AllZero(const Block& b) {
  for (char c : b) {
    if (c != 0) return false;
  }
  return true;
}

bool ChecksumOk(const Block& b) {
  auto want = Number(b, 148, 8);
  if (!want) return false;
  int64_t unsigned_sum = 0, signed_sum = 0;
  for (size_t i = 0; i < kBlock; ++i) {
    char c = (i >= 148 && i < 156) ? ' ' : b[i];
    unsigned_sum += static_cast<unsigned char>(c);
    signed_sum += static_cast<signed char>(c);
  }
  return *want == unsigned_sum || *want == signed_sum;
}

// pax records: "<len> <key>=<value>\n".
Result<std::map<std::string, std::string>> ParsePax(const std::string& data, int64_t offset) {
  std::map<std::string, std::string> out;
  size_t pos = 0;
  while (pos < data.size()) {
    if (data[pos] == '\0') break;
    size_t sp = data.find(' ', pos);
    if (sp == std::string::npos) break;
    size_t len = 0;
    try {
      len = std::stoul(data.substr(pos, sp - pos));
    } catch (const std::exception&) {
      return MakeError(ErrorCode::kInvalidArgument, fmt::format("bad pax record length at offset {}", offset));
    }
    if (len == 0 || pos + len > data.size() || data[pos + len - 1] != '\n') {
      return MakeError(ErrorCode::kInvalidArgument, fmt::format("bad pax record at offset {}", offset));
    }
    std::string rec = data.substr(sp + 1, pos + len - 1 - (sp + 1));
    size_t eq = rec.find('=');
    if (eq != std::string::npos) out[rec.substr(0, eq)] = rec.substr(eq + 1);
    pos += len;
  }
  return out;
}

class Reader {
 public:
  explicit Reader(std::istream& in) : in_(in) {}

  // Reads exactly one block; false at a clean EOF before any byte of it.
  Result<bool> ReadBlock(Block& b) {
    in_.read(b.data(), kBlock);
    auto got = in_.gcount();
    if (got == 0) return false;
    whole_.Update(std::string_view(b.data(), got));
    offset_ += got;
    if (static_cast<size_t>(got) != kBlock) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("archive truncated at offset {} (inside a 512-byte block)", offset_));
    }
    return true;
  }

  // Reads `size` content bytes (plus padding) into a hasher and/or a string.
  Status ReadData(int64_t size, Sha256* hash, std::string* keep, const std::string& what) {
    Block b;
    int64_t left = size;
    while (left > 0) {
      auto r = ReadBlock(b);
      if (!r) return std::unexpected(r.error());
      if (!*r) {
        return MakeError(ErrorCode::kInvalidArgument, fmt::format("archive truncated at offset {} inside {} ({} of {} "
                                                                  "bytes read)",
                                                                  offset_, what, size - left, size));
      }
      size_t n = static_cast<size_t>(std::min<int64_t>(left, kBlock));
      if (hash) hash->Update(std::string_view(b.data(), n));
      if (keep) keep->append(b.data(), n);
      left -= static_cast<int64_t>(n);
    }
    return Ok();
  }

  void Drain() {
    char buf[65536];
    while (in_.read(buf, sizeof buf) || in_.gcount() > 0) {
      whole_.Update(std::string_view(buf, in_.gcount()));
      offset_ += in_.gcount();
    }
  }

  int64_t offset() const { return offset_; }
  std::string Digest() { return whole_.HexDigest(); }

 private:
  std::istream& in_;
  Sha256 whole_;
  int64_t offset_ = 0;
};

}  // namespace

std::string NormalizeTarPath(std::string_view path) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view part = path.substr(i, j - i);
    if (!part.empty() && part != ".") parts.emplace_back(part);
    i = j + 1;
  }
  std::string out;
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k) out += '/';
    out += parts[k];
  }
  return out;
}

Result<TarSummary> ReadTar(std::istream& in) {
  Reader r(in);
  TarSummary out;
  std::map<std::string, std::string> file_sums;  // for hard links
  std::string long_name, long_link;
  std::map<std::string, std::string> pax;
  bool ended = false;
  Block b;
  while (true) {
    int64_t header_at = r.offset();
    auto got = r.ReadBlock(b);
    if (!got) return std::unexpected(got.error());
    if (!*got) break;
    if (AllZero(b)) {
      ended = true;
      break;
    }
    if (!ChecksumOk(b)) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("not a tar archive, or corrupt: the header at offset {} has a wrong checksum",
                                   header_at));
    }
    char type = b[156] == '\0' ? '0' : b[156];
    auto size = Number(b, 124, 12);
    if (!size || *size < 0) {
      return MakeError(ErrorCode::kInvalidArgument, fmt::format("bad size field in the header at offset {}", header_at));
    }
    int64_t data_size = *size;
    if (type == 'L' || type == 'K' || type == 'x' || type == 'g') {
      std::string data;
      if (auto st = r.ReadData(data_size, nullptr, &data, "an extended header"); !st) return std::unexpected(st.error());
      if (type == 'L' || type == 'K') {
        while (!data.empty() && data.back() == '\0') data.pop_back();
        (type == 'L' ? long_name : long_link) = data;
      } else if (type == 'x') {
        auto p = ParsePax(data, header_at);
        if (!p) return std::unexpected(p.error());
        pax = std::move(*p);
      }
      continue;  // 'g' (global pax) carries nothing kdrill needs
    }
    TarEntry e;
    e.type = type;
    std::string name = Field(b, 0, 100);
    std::string magic = Field(b, 257, 6);
    if (magic == "ustar" && b[262] == '\0') {  // POSIX ustar: prefix + "/" + name
      std::string prefix = Field(b, 345, 155);
      if (!prefix.empty()) name = prefix + "/" + name;
    }
    std::string link = Field(b, 157, 100);
    if (!long_name.empty()) name = long_name;
    if (!long_link.empty()) link = long_link;
    if (auto it = pax.find("path"); it != pax.end()) name = it->second;
    if (auto it = pax.find("linkpath"); it != pax.end()) link = it->second;
    if (auto it = pax.find("size"); it != pax.end()) {
      try {
        data_size = std::stoll(it->second);
      } catch (const std::exception&) {
        return MakeError(ErrorCode::kInvalidArgument, fmt::format("bad pax size before offset {}", header_at));
      }
    }
    long_name.clear();
    long_link.clear();
    pax.clear();
    e.path = NormalizeTarPath(name);
    e.mode = static_cast<uint32_t>(Number(b, 100, 8).value_or(0));
    if (type == '0' || type == '7') {
      e.type = '0';
      e.size = data_size;
      Sha256 h;
      if (auto st = r.ReadData(data_size, &h, nullptr, "file " + e.path); !st) return std::unexpected(st.error());
      e.sha256 = h.HexDigest();
      file_sums[e.path] = e.sha256;
    } else {
      if (type == '1') {
        e.link = NormalizeTarPath(link);
        if (auto it = file_sums.find(e.link); it != file_sums.end()) e.sha256 = it->second;
      } else {
        e.link = link;
      }
      // Links, directories and devices carry no content, but skip any that is there.
      if (type != '1' && type != '2' && type != '5' && data_size > 0) {
        if (auto st = r.ReadData(data_size, nullptr, nullptr, "entry " + e.path); !st) return std::unexpected(st.error());
      }
    }
    out.entries.push_back(std::move(e));
  }
  if (!ended) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("archive truncated at offset {}: it ends without the end-of-archive blocks",
                                 r.offset()));
  }
  r.Drain();
  out.archive_bytes = r.offset();
  out.archive_sha256 = r.Digest();
  return out;
}

Result<TarSummary> ReadTarFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return MakeError(ErrorCode::kIo, "cannot open " + path + " for reading");
  }
  auto r = ReadTar(in);
  if (!r) return std::unexpected(Error(r.error().code, path + ": " + r.error().message));
  return r;
}

}  // namespace kdrill::backup
