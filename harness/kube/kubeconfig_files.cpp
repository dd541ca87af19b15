// Which kubeconfig files are read and how they merge (kubeconfig.h):
// FindKubeconfigFiles applies client-go's precedence (--kubeconfig, then the
// KUBECONFIG list without repeats, then ~/.kube/config); LoadKubeconfigFiles
// reads and parses them in order and MergeKubeconfig folds each into the
// result, the first definition of a name and the first current-context winning.
#include "harness/kube/kubeconfig.h"

#include <filesystem>
#include <set>

#include "harness/kube/read_file.h"

namespace kdrill::kube {

std::string Kubeconfig::Sources() const {
  if (files.empty()) {
    return "(no kubeconfig file)";
  }
  std::string out;
  for (const std::string& f : files) {
    if (!out.empty()) {
      out += ":";
    }
    out += f;
  }
  return out;
}

void MergeKubeconfig(Kubeconfig& into, const Kubeconfig& from) {
  for (const auto& [name, value] : from.clusters) {
    into.clusters.emplace(name, value);  // emplace keeps an existing entry: first wins
  }
  for (const auto& [name, value] : from.users) {
    into.users.emplace(name, value);
  }
  for (const auto& [name, value] : from.contexts) {
    into.contexts.emplace(name, value);
  }
  if (into.current_context.empty()) {
    into.current_context = from.current_context;
  }
  into.files.insert(into.files.end(), from.files.begin(), from.files.end());
}

Result<Kubeconfig> LoadKubeconfigFiles(const std::vector<std::string>& paths, bool skip_missing) {
  Kubeconfig merged;
  for (const std::string& raw : paths) {
    std::error_code ec;
    std::string path = std::filesystem::absolute(raw, ec).lexically_normal().string();
    if (ec) {
      path = raw;
    }
    Result<std::string> text = ReadWholeFile(path, "kubeconfig");
    if (!text) {
      if (text.error().code == ErrorCode::kNotFound && skip_missing) {
        continue;
      }
      Error err = text.error();
      if (err.code == ErrorCode::kNotFound) {
        err.message += "; pass an existing file with --kubeconfig or fix KUBECONFIG";
      }
      return std::unexpected(err);
    }
    Result<Kubeconfig> parsed = ParseKubeconfig(*text, path);
    if (!parsed) {
      return std::unexpected(parsed.error());
    }
    MergeKubeconfig(merged, *parsed);
  }
  return merged;
}

KubeconfigSearch FindKubeconfigFiles(const std::optional<std::string>& explicit_path,
                                     const std::optional<std::string>& env,
                                     const std::optional<std::string>& home) {
  KubeconfigSearch search;
  if (explicit_path && !explicit_path->empty()) {
    search.paths.push_back(*explicit_path);
    search.explicit_path = true;
    return search;
  }
  if (env && !env->empty()) {
    std::set<std::string> seen;
    size_t start = 0;
    while (start <= env->size()) {
      size_t end = env->find(':', start);
      if (end == std::string::npos) {
        end = env->size();
      }
      std::string entry = env->substr(start, end - start);
      if (!entry.empty() && seen.insert(entry).second) {
        search.paths.push_back(entry);
      }
      start = end + 1;
    }
    if (!search.paths.empty()) {
      return search;
    }
  }
  if (home && !home->empty()) {
    search.paths.push_back((std::filesystem::path(*home) / ".kube" / "config").string());
  }
  return search;
}

}  // namespace kdrill::kube
