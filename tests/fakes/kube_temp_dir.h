#pragma once
// A temporary directory for kube tests, removed with everything in it.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <sys/stat.h>

namespace kdrill::testing {

class KubeTempDir {
 public:
  KubeTempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "kdrill-kube-XXXXXX").string();
    path_ = mkdtemp(tmpl.data()) != nullptr ? tmpl : std::string();
  }
  ~KubeTempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  KubeTempDir(const KubeTempDir&) = delete;
  KubeTempDir& operator=(const KubeTempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Path(const std::string& relative) const { return path_ + "/" + relative; }

  // Writes `content` to path()/relative (creating directories); returns the full path.
  std::string Write(const std::string& relative, const std::string& content,
                    bool executable = false) const {
    std::string full = Path(relative);
    std::filesystem::create_directories(std::filesystem::path(full).parent_path());
    {
      std::ofstream out(full, std::ios::binary | std::ios::trunc);
      out << content;
    }
    if (executable) {
      ::chmod(full.c_str(), 0755);
    }
    return full;
  }

 private:
  std::string path_;
};

}  // namespace kdrill::testing
