#include "harness/workload/client.h"

#include <charconv>
#include <utility>

#include <fmt/format.h>

#include "harness/workload/client_registry.h"

namespace kdrill::workload {
namespace {

struct Entry {
  const char* name;
  std::unique_ptr<WorkloadClient> (*make)();
};

constexpr Entry kClients[] = {
    {"mariadb", &MakeMariadbClient},
    {"postgres", &MakePostgresClient},
    {"redis", &MakeRedisClient},
    {"sh-append", &MakeShAppendClient},
};

}  // namespace

std::vector<std::string> WorkloadClientNames() {
  std::vector<std::string> names;
  for (const auto& e : kClients) names.emplace_back(e.name);
  return names;
}

std::vector<std::string> InPodClientNames() {
  std::vector<std::string> names;
  for (const auto& e : kClients) {
    if (!e.make()->Networked()) names.emplace_back(e.name);
  }
  return names;
}

Result<std::unique_ptr<WorkloadClient>> MakeWorkloadClient(const std::string& name) {
  for (const auto& e : kClients) {
    if (name == e.name) return e.make();
  }
  return std::unexpected(Error{ErrorCode::kInvalidArgument,
                               fmt::format("unknown workload client \"{}\" (have: {})", name,
                                           fmt::join(WorkloadClientNames(), ", "))});
}

std::string WriterLoopScript(const WorkloadClient& client, int interval_ms, const std::string& stop_file) {
  // busybox and dash sleep take fractions; the id is the loop counter, so
  // every record id is unique to this writer. The prepare is retried (the
  // server may still be starting) for about 30 s.
  return fmt::format(
      "kdrill_prepared=0\n"
      "for kdrill_try in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30; do\n"
      "  if {{ {prepare}; }}; then kdrill_prepared=1; break; fi\n"
      "  sleep 1\n"
      "done\n"
      "[ $kdrill_prepared = 1 ] || {{ echo 'kdrill-writer: prepare failed 30 times' >&2; exit 3; }}\n"
      "KDRILL_ID=0\n"
      "while [ ! -e '{stop}' ]; do\n"
      "  KDRILL_ID=$((KDRILL_ID + 1))\n"
      "  {write}\n"
      "  sleep {sleep}\n"
      "done\n"
      "touch '{stop}.ended'\n",
      fmt::arg("prepare", client.PrepareScript()), fmt::arg("stop", stop_file), fmt::arg("write", client.WriteScript()),
      fmt::arg("sleep", fmt::format("{}.{:03}", interval_ms / 1000, interval_ms % 1000)));
}

Result<std::vector<std::int64_t>> ParseReadIds(const std::string& output) {
  std::vector<std::int64_t> ids;
  std::size_t pos = 0;
  int line_no = 0;
  while (pos < output.size()) {
    auto end = output.find('\n', pos);
    std::string_view line(output.data() + pos, (end == std::string::npos ? output.size() : end) - pos);
    pos = end == std::string::npos ? output.size() : end + 1;
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    if (line.empty()) continue;
    std::int64_t id = 0;
    auto r = std::from_chars(line.data(), line.data() + line.size(), id);
    if (r.ec != std::errc() || r.ptr != line.data() + line.size() || id <= 0) {
      return std::unexpected(Error{ErrorCode::kFailedPrecondition,
                                   fmt::format("the final read's line {} is not a record id: \"{}\"", line_no,
                                               std::string(line.substr(0, 80)))});
    }
    ids.push_back(id);
  }
  return ids;
}

}  // namespace kdrill::workload
