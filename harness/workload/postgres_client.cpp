// The PostgreSQL client of the write workload: psql against $KDRILL_HOST,
// one INSERT ... RETURNING per record into kdrill_writes (no unique key, so
// a duplicate shows up in the final read).

#include "harness/workload/client_registry.h"

namespace kdrill::workload {
namespace {

class PostgresClient final : public WorkloadClient {
 public:
  std::string Name() const override { return "postgres"; }

  std::string PrepareScript() const override {
    return "psql -XAtq -h \"$KDRILL_HOST\" -v ON_ERROR_STOP=1 "
           "-c 'CREATE TABLE IF NOT EXISTS kdrill_writes (id bigint NOT NULL, at timestamptz DEFAULT now())'";
  }

  // psql exits 2 when the connection failed or broke; only a connection
  // that was never made is a definite failure.
  std::string WriteScript() const override {
    return "out=$(PGCONNECT_TIMEOUT=2 timeout 5 psql -XAtq -h \"$KDRILL_HOST\" -v ON_ERROR_STOP=1 "
           "-c \"INSERT INTO kdrill_writes (id) VALUES ($KDRILL_ID) RETURNING id\" 2>&1); rc=$?; "
           "out=$(printf '%s' \"$out\" | tr '\\n' ' ' | cut -c1-200); "
           "if [ $rc -eq 0 ] && [ \"$out\" = \"$KDRILL_ID\" ]; then echo \"ack $KDRILL_ID\"; "
           "elif printf '%s' \"$out\" | grep -qE 'Connection refused|could not translate host name|No route to host|"
           "Network is unreachable'; then echo \"fail $KDRILL_ID $out\"; "
           "else echo \"unknown $KDRILL_ID rc=$rc $out\"; fi";
  }

  bool Networked() const override { return true; }

  std::string ReadScript() const override {
    return "PGCONNECT_TIMEOUT=5 timeout 30 psql -XAtq -h \"$KDRILL_HOST\" -v ON_ERROR_STOP=1 "
           "-c 'SELECT id FROM kdrill_writes ORDER BY id'";
  }

  // The table stays: it lives in the database the drill set up, which goes
  // with the drill's namespace.
  std::string CleanupScript() const override { return ""; }
};

}  // namespace

std::unique_ptr<WorkloadClient> MakePostgresClient() { return std::make_unique<PostgresClient>(); }

}  // namespace kdrill::workload
