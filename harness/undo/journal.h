#pragma once
// The undo journal: every change kdrill makes to a cluster is written here,
// as data, BEFORE the change is made, and flushed to disk (fsync). The end of
// a drill, a failure, Ctrl-C/SIGTERM and `kdrill recover` after a crash all
// replay the same records in reverse order.
//
// Format: JSON lines, append-only.
//   {"op":"begin","run":ID,"drill":...,"context":...,"server":...,"started":...}
//   {"op":"undo","id":N,"step":"pod-kill #1","description":"...","action":{...}}
//   {"op":"done","id":N,"result":"restored"|"failed: ..."}
//   {"op":"end"}                       (every undo done; the run left nothing behind)
// A journal without "end" is pending: `kdrill recover` replays it.

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/core/status.h"

namespace kdrill {

using Json = nlohmann::json;

struct UndoRecord {
  int id = 0;
  std::string step;         // which step made the change
  std::string description;  // "uncordon node 127.0.0.2", for people
  Json action;              // {"kind": "...", ...}: executed by UndoActions
  bool done = false;
  std::string result;       // result of the undo when done
};

struct JournalHeader {
  std::string run_id;
  std::string drill;
  std::string context;
  std::string server;
  std::string kubeconfig;
  std::string started;
};

class Journal {
 public:
  // Creates a new journal file. Fails if it exists (never overwrite history).
  static Result<Journal> Create(const std::string& path, const JournalHeader& header);
  // Reads an existing journal (for recover) without throwing. Tolerates a
  // torn last line (a crash mid-write; that change was never made). Any
  // other damage (a line that is not JSON, a missing begin record, a field
  // missing or of the wrong type, a done for an unknown undo, an unknown op)
  // is kInvalidArgument: "journal PATH is damaged: line N: <what>; <what to
  // do>". A file that cannot be read is kNotFound. So a journal that opens
  // has every header field and record field kdrill wrote (journal_open.cpp).
  static Result<Journal> Open(const std::string& path);

  Journal(Journal&&) noexcept;
  Journal& operator=(Journal&&) noexcept;
  ~Journal();

  // Appends an undo record and fsyncs it. Only after this returns Ok may the
  // caller make the change. Returns the record's id.
  Result<int> RecordUndo(const std::string& step, const std::string& description, const Json& action);
  Status MarkDone(int id, const std::string& result);
  // Writes "end": nothing is left to undo.
  Status MarkEnded();

  // Undo records not yet done, newest first (the order to replay them).
  std::vector<UndoRecord> Pending() const;
  const std::vector<UndoRecord>& Records() const { return records_; }
  const JournalHeader& Header() const { return header_; }
  bool Ended() const { return ended_; }
  const std::string& Path() const { return path_; }

 private:
  Journal() = default;
  Status AppendLine(const Json& line);

  std::string path_;
  int fd_ = -1;
  JournalHeader header_;
  std::vector<UndoRecord> records_;
  bool ended_ = false;
  mutable std::mutex mu_;
};

// Where journals live by default: $KDRILL_STATE_DIR, else
// $XDG_STATE_HOME/kdrill, else ~/.local/state/kdrill.
std::string DefaultJournalDir();
// Journals in dir that have no "end" record, oldest first. Journals that
// cannot be opened are left out; their errors go to *damaged when given.
std::vector<std::string> FindPendingJournals(const std::string& dir, std::vector<Error>* damaged = nullptr);

}  // namespace kdrill
