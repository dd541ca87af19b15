// kdrill recover: replay the pending undos of interrupted runs. Idempotent:
// a journal whose undos are all done is reported and left alone.

#include <iostream>

#include "harness/cli/commands.h"
#include "harness/cli/connect_flags.h"
#include "harness/cli/exit_codes.h"
#include "harness/cli/flag_checks.h"
#include "harness/core/clock.h"
#include "harness/undo/journal.h"
#include "harness/undo/replay.h"

namespace kdrill::cli {

namespace {

int RecoverOne(const std::string& path, const GlobalOptions& global) {
  auto journal = Journal::Open(path);
  if (!journal) {
    std::cerr << "kdrill recover: " << journal.error().message << "\n";
    return kExitUsage;
  }
  const auto& h = journal->Header();
  std::cout << "journal " << path << "\n  run " << h.run_id << " of " << h.drill << ", started " << h.started
            << ", cluster " << h.server << (h.context.empty() ? "" : " (context " + h.context + ")") << "\n";
  auto pending = journal->Pending();
  if (pending.empty()) {
    if (!journal->Ended()) (void)journal->MarkEnded();
    std::cout << "  nothing left to undo\n";
    return kExitOk;
  }
  auto conn = Connect(global, h.kubeconfig, h.context);
  if (!conn) {
    std::cerr << "kdrill recover: " << ConnectErrorHeadline(conn.error()) << ": " << conn.error().message << "\n";
    return ExitCodeForConnectError(conn.error());  // 2 for a kubeconfig or credential that cannot be used
  }
  if (conn->api->ServerUrl() != h.server && !h.server.empty()) {
    std::cerr << "kdrill recover: the journal was written against " << h.server << " but the kubeconfig points at "
              << conn->api->ServerUrl() << "; pass the right --kubeconfig/--context\n";
    return kExitRefused;
  }
  std::stop_source never;
  RealClock clock;
  auto replay = ReplayPending(*journal, *conn->api, *conn->exec, clock, never.get_token(),
                              [](const UndoRecord& rec, const Result<std::string>& r) {
                                if (r) {
                                  std::cout << "  restored: " << rec.description << " (" << *r << ")\n";
                                } else {
                                  std::cout << "  FAILED:   " << rec.description << ": " << r.error().ToString()
                                            << "\n";
                                }
                              });
  if (replay.ok()) {
    std::cout << "  cluster restored: " << replay.pending << " change(s) undone\n";
    return kExitOk;
  }
  std::cout << "  " << replay.failures.size() << " undo(s) failed; fix the cause and run kdrill recover again\n";
  return kExitCleanup;
}

}  // namespace

std::function<int()> SetupRecover(CLI::App& app, GlobalOptions& global) {
  auto* cmd = app.add_subcommand("recover",
                                 "Undo what interrupted runs left behind, from their journals (safe to repeat)");
  auto journal = std::make_shared<std::string>();
  auto dir = std::make_shared<std::string>();
  auto* journal_flag = cmd->add_option(
      "--journal", *journal, "One journal file (default: every pending journal in the journal directory)");
  auto* dir_flag =
      cmd->add_option("--journal-dir", *dir, "Journal directory (default: $KDRILL_STATE_DIR or ~/.local/state/kdrill)");
  return [journal, dir, journal_flag, dir_flag, &global] {
    if (journal_flag->count() > 0 && dir_flag->count() > 0) {
      return ReportBadInput("recover", Error(ErrorCode::kInvalidArgument,
                                             "--journal and --journal-dir are mutually exclusive: pass --journal FILE "
                                             "for one journal, or --journal-dir DIR for every pending one in DIR"));
    }
    if (journal_flag->count() > 0 && journal->empty()) {
      return ReportBadInput("recover", Error(ErrorCode::kInvalidArgument,
                                             "--journal: the path is empty; pass a journal file, or leave the flag "
                                             "out to recover every pending journal"));
    }
    if (dir_flag->count() > 0) {
      if (auto st = CheckJournalDir(*dir); !st) return ReportBadInput("recover", st.error());
    }
    std::vector<std::string> paths;
    int code = kExitOk;
    if (!journal->empty()) {
      paths.push_back(*journal);
    } else {
      std::string d = dir->empty() ? DefaultJournalDir() : *dir;
      // A damaged journal is named (exit 2) and the others still recovered.
      std::vector<Error> damaged;
      paths = FindPendingJournals(d, &damaged);
      for (const auto& e : damaged) std::cerr << "kdrill recover: " << e.message << "\n";
      if (!damaged.empty()) code = kExitUsage;
      if (paths.empty() && damaged.empty()) {
        std::cout << "kdrill recover: no interrupted runs in " << d << "; nothing to do\n";
        return static_cast<int>(kExitOk);
      }
    }
    for (const auto& p : paths) code = std::max(code, RecoverOne(p, global));
    return code;
  };
}

}  // namespace kdrill::cli
