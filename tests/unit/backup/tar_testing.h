#pragma once
// Test-only tar writing and extracting (POSIX ustar, GNU long names, pax
// paths), independent of the reader under test, so archives can be built and
// taken apart byte by byte.

#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace kdrill::backup::testing {

struct TarItem {
  std::string name;
  char type = '0';
  std::string content;  // files
  std::string link;     // links
};

inline std::string Octal(uint64_t v, size_t width) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0*llo", static_cast<int>(width - 1), static_cast<unsigned long long>(v));
  return std::string(buf, width - 1) + '\0';
}

inline std::string Header(const std::string& name, char type, uint64_t size, const std::string& link = "",
                          bool gnu_magic = false, const std::string& prefix = "") {
  std::string h(512, '\0');
  h.replace(0, std::min<size_t>(name.size(), 100), name.substr(0, 100));
  h.replace(100, 8, Octal(type == '5' ? 0755 : 0644, 8));
  h.replace(108, 8, Octal(0, 8));
  h.replace(116, 8, Octal(0, 8));
  h.replace(124, 12, Octal(size, 12));
  h.replace(136, 12, Octal(1700000000, 12));
  h[156] = type;
  h.replace(157, std::min<size_t>(link.size(), 100), link.substr(0, 100));
  if (gnu_magic) {
    h.replace(257, 8, std::string("ustar  \0", 8));
  } else {
    h.replace(257, 6, std::string("ustar\0", 6));
    h.replace(263, 2, "00");
    h.replace(345, std::min<size_t>(prefix.size(), 155), prefix.substr(0, 155));
  }
  h.replace(148, 8, "        ");
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  char buf[8];
  std::snprintf(buf, sizeof buf, "%06o", sum);
  h.replace(148, 6, buf);
  h[154] = '\0';
  h[155] = ' ';
  return h;
}

inline std::string Padded(const std::string& data) {
  std::string out = data;
  if (out.size() % 512) out.append(512 - out.size() % 512, '\0');
  return out;
}

// style: "ustar" (names > 100 bytes use the prefix field), "gnu" (long names
// as 'L' entries), "pax" (long names as 'x' path records).
inline std::string MakeTar(const std::vector<TarItem>& items, const std::string& style = "gnu") {
  std::string out;
  for (const auto& it : items) {
    std::string name = it.name;
    std::string prefix;
    if (name.size() > 100) {
      if (style == "gnu") {
        std::string data = name + '\0';
        out += Header("././@LongLink", 'L', data.size(), "", true) + Padded(data);
        name = name.substr(0, 100);
      } else if (style == "pax") {
        std::string rec = " path=" + name + "\n";
        size_t len = rec.size() + 1;
        while (std::to_string(len).size() + rec.size() != len) ++len;
        std::string data = std::to_string(len) + rec;
        out += Header("PaxHeader", 'x', data.size()) + Padded(data);
        name = name.substr(0, 100);
      } else {
        auto slash = name.rfind('/');
        prefix = name.substr(0, slash);
        name = name.substr(slash + 1);
      }
    }
    uint64_t size = it.type == '0' ? it.content.size() : 0;
    out += Header(name, it.type, size, it.link, style == "gnu", prefix);
    if (it.type == '0') out += Padded(it.content);
  }
  out += std::string(1024, '\0');
  if (out.size() % 10240) out.append(10240 - out.size() % 10240, '\0');
  return out;
}

// Extracts regular files (ustar/GNU 'L' only) into path -> content; paths
// keep their leading "./" stripped.
inline std::map<std::string, std::string> ExtractTar(const std::string& tar) {
  std::map<std::string, std::string> files;
  size_t off = 0;
  std::string long_name;
  while (off + 512 <= tar.size()) {
    std::string h = tar.substr(off, 512);
    if (h == std::string(512, '\0')) break;
    std::string name = h.substr(0, h.find('\0') < 100 ? h.find('\0') : 100);
    uint64_t size = std::stoull(h.substr(124, 11), nullptr, 8);
    char type = h[156] ? h[156] : '0';
    off += 512;
    std::string data = tar.substr(off, size);
    off += (size + 511) / 512 * 512;
    if (type == 'L') {
      long_name = data.substr(0, data.find('\0'));
      continue;
    }
    if (!long_name.empty()) name = long_name;
    long_name.clear();
    while (name.rfind("./", 0) == 0) name = name.substr(2);
    if (type == '0' && !name.empty()) files[name] = data;
  }
  return files;
}

}  // namespace kdrill::backup::testing
