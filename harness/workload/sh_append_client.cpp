// The generic client of the write workload, for any image with a shell:
// appends one line per record to a file on the claim and syncs it. Runs in
// the target pod itself ($KDRILL_HOST is unused); the file is
// $KDRILL_DIR/kdrill-writes (default /data).

#include "harness/workload/client_registry.h"

namespace kdrill::workload {
namespace {

class ShAppendClient final : public WorkloadClient {
 public:
  std::string Name() const override { return "sh-append"; }

  std::string PrepareScript() const override {
    return "touch \"${KDRILL_DIR:-/data}/kdrill-writes\"";
  }

  // An append either returned (and sync ran) or the shell failed before it:
  // a failed echo wrote nothing we can count on, so it is indeterminate.
  std::string WriteScript() const override {
    return "if echo \"$KDRILL_ID\" >> \"${KDRILL_DIR:-/data}/kdrill-writes\" && sync; then echo \"ack $KDRILL_ID\"; "
           "else echo \"unknown $KDRILL_ID append or sync failed\"; fi";
  }

  bool Networked() const override { return false; }

  std::string ReadScript() const override { return "cat \"${KDRILL_DIR:-/data}/kdrill-writes\""; }

  std::string CleanupScript() const override { return "rm -f \"${KDRILL_DIR:-/data}/kdrill-writes\""; }
};

}  // namespace

std::unique_ptr<WorkloadClient> MakeShAppendClient() { return std::make_unique<ShAppendClient>(); }

}  // namespace kdrill::workload
