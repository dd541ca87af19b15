#pragma once
// The volume-level witness of at-most-one-per-ordinal. The API shows pod
// objects, not processes: after a forced delete the old container may run on
// (the kubelet still grants it its grace period) while the replacement, with
// the same name and claim, has started. Only the volume can show that.
//
// Before the first fault a directory .kdrill-heartbeat-<run> is made on the
// chosen claim of every baseline ordinal (its removal journaled first), and a
// small sh loop is started in it (one exec per pod does both): every ~100 ms
// it appends "<pod uid> <seq> <epoch ms> <node>" to <dir>/beats and syncs it.
// During the steps every new incarnation of a baseline ordinal (a pod the
// replay considers: owned or adoptable, cluster/ownership.h) gets its own
// writer as soon as its container runs. A writer dies with its container and
// exits as soon as the directory is gone. After the steps each file is read
// back and its directory removed (one exec per claim does both): when the
// lines of one incarnation follow the first line of a later one, the two ran
// at once. The file's own order decides (no clock comparison);
// the overlap in ms is read from the stamps.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "assertions/assertion.h"

namespace kdrill::assertions {

struct HeartbeatLine {
  std::string uid;
  int64_t seq = 0;
  int64_t ms = 0;  // epoch milliseconds as the writer's node saw them
  std::string node;
};

// Lines that do not parse (a torn last line) are skipped.
std::vector<HeartbeatLine> ParseHeartbeats(const std::string& text);

// Two incarnations that wrote at once: `older` (its first line came first)
// wrote `lines_after` lines after `newer`'s first line.
struct HeartbeatOverlap {
  std::string older_uid, older_node;
  std::string newer_uid, newer_node;
  int64_t from_ms = 0;  // newer's first heartbeat
  int64_t to_ms = 0;    // older's last heartbeat after that
  size_t lines_after = 0;
  int64_t Millis() const { return to_ms > from_ms ? to_ms - from_ms : 0; }
};

// Every pair of incarnations whose heartbeats interleave, in file order.
std::vector<HeartbeatOverlap> FindOverlaps(const std::vector<HeartbeatLine>& lines);

// What was read back for one ordinal.
struct OrdinalHeartbeats {
  int ordinal = 0;
  std::string pod;
  std::string claim;
  bool read = false;                      // the file could be read
  std::string note;                       // why not, or what was odd
  std::vector<std::string> incarnations;  // uids in order of first line
  size_t lines = 0;
  std::vector<HeartbeatOverlap> overlaps;
};

class HeartbeatWitness {
 public:
  // claim_template: empty = the first claim template; container: empty = the
  // first container mounting it.
  HeartbeatWitness(std::string claim_template, std::string container);
  ~HeartbeatWitness();

  // Makes the directories and starts the writers in the baseline pods, then
  // follows new incarnations on a thread of its own until Stop. kNotFound
  // when there is nothing to witness (no claim template); kFailedPrecondition
  // when the image cannot run the writer (no sh), naming the pod.
  Status Start(AssertionContext& ctx);
  // Stops following new incarnations (idempotent).
  void Stop();
  // Stop; start a writer in every final incarnation that has none yet (the
  // follower may not have reached one that came up just before the check),
  // then wait a second so that an older incarnation still running shows as
  // lines after it; then read each ordinal's file back through the final pod
  // and remove the directory (marking its journal record done).
  std::vector<OrdinalHeartbeats> Collect(AssertionContext& ctx);

  const std::string& Template() const { return template_; }

 private:
  struct Volume {
    int ordinal = 0;
    std::string claim;
    std::string dir;
    int undo_id = -1;
  };
  struct Target;
  void Follow(std::stop_token stop);
  // Starts the writer in one incarnation; false when it could not (retry
  // later). *cannot_run, when given, tells that the image lacks what the
  // writer runs (no sh): retrying will not help.
  bool StartWriter(const std::string& pod, const std::string& uid, const std::string& node, const std::string& dir,
                   const std::string& container, std::string* why, bool* cannot_run = nullptr);
  // Judges the answer of the exec that started the writer, as StartWriter.
  bool WriterStarted(const std::string& uid, const Result<ExecResult>& r, std::string* why, bool* cannot_run);

  std::string template_;
  std::string container_;
  std::map<int, Volume> volumes_;  // by ordinal
  std::unique_ptr<Target> target_;
  std::mutex mu_;
  std::set<std::string> started_;  // uids with a writer
  std::jthread follower_;
};

}  // namespace kdrill::assertions
