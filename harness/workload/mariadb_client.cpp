// The MariaDB client of the write workload: the mariadb command-line client
// against $KDRILL_HOST (user root without a password: the lab image's
// server, no secrets), one autocommitted INSERT per record into
// kdrill.writes (InnoDB, no unique key, so a duplicate shows up in the final
// read), followed in the same session by a SELECT of the id: the id printed
// back is the acknowledgement.

#include "harness/workload/client_registry.h"

namespace kdrill::workload {
namespace {

class MariadbClient final : public WorkloadClient {
 public:
  std::string Name() const override { return "mariadb"; }

  std::string PrepareScript() const override {
    return "timeout 10 mariadb -h \"$KDRILL_HOST\" -u root --connect-timeout=2 -e "
           "'CREATE DATABASE IF NOT EXISTS kdrill; "
           "CREATE TABLE IF NOT EXISTS kdrill.writes (id BIGINT NOT NULL, at TIMESTAMP(6) DEFAULT "
           "CURRENT_TIMESTAMP(6)) ENGINE=InnoDB'";
  }

  // The client's error numbers say whether the request can have reached the
  // server: 2002/2003 (cannot connect), 2005 (unknown host) and 1290/1836
  // (the server runs read-only) are definite failures; 2013 (lost during
  // the query), 2006 (gone away) or a timeout are not known.
  std::string WriteScript() const override {
    return "out=$(timeout 5 mariadb -h \"$KDRILL_HOST\" -u root --connect-timeout=2 -N -B -e "
           "\"INSERT INTO kdrill.writes (id) VALUES ($KDRILL_ID); SELECT $KDRILL_ID\" 2>&1); rc=$?; "
           "out=$(printf '%s' \"$out\" | tr '\\n' ' ' | cut -c1-200); "
           "if [ $rc -eq 0 ] && [ \"$out\" = \"$KDRILL_ID\" ]; then echo \"ack $KDRILL_ID\"; "
           "elif printf '%s' \"$out\" | grep -qE '^ERROR (2002|2003|2005|1290|1836) '; then "
           "echo \"fail $KDRILL_ID $out\"; "
           "else echo \"unknown $KDRILL_ID rc=$rc $out\"; fi";
  }

  bool Networked() const override { return true; }

  std::string ReadScript() const override {
    return "timeout 30 mariadb -h \"$KDRILL_HOST\" -u root --connect-timeout=5 -N -B -e "
           "'SELECT id FROM kdrill.writes ORDER BY id'";
  }

  // The table stays: it lives in the server the drill set up, which goes
  // with the drill's namespace.
  std::string CleanupScript() const override { return ""; }
};

}  // namespace

std::unique_ptr<WorkloadClient> MakeMariadbClient() { return std::make_unique<MariadbClient>(); }

}  // namespace kdrill::workload
