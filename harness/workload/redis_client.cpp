// The Redis client of the write workload: redis-cli against $KDRILL_HOST,
// one RPUSH per record onto the list kdrill_writes (a list keeps repeats, so
// a duplicate shows up in the final read). Redis acknowledges a write once
// it is in memory; whether it survives a restart is the server's
// persistence (localhost/redis:lab: an append-only file fsynced before each
// reply), which is what the drills judge.

#include "harness/workload/client_registry.h"

namespace kdrill::workload {
namespace {

class RedisClient final : public WorkloadClient {
 public:
  std::string Name() const override { return "redis"; }

  std::string PrepareScript() const override {
    return "timeout 5 redis-cli -h \"$KDRILL_HOST\" PING | grep -q PONG";
  }

  // RPUSH answers the list's new length. A connection never made, or an
  // error reply by which the server refused the command (a replica's
  // READONLY, LOADING while it reads its files, MISCONF when it cannot
  // persist), is a definite failure; anything else is not known.
  std::string WriteScript() const override {
    return "out=$(timeout 5 redis-cli -h \"$KDRILL_HOST\" RPUSH kdrill_writes \"$KDRILL_ID\" 2>&1); rc=$?; "
           "out=$(printf '%s' \"$out\" | tr '\\n' ' ' | cut -c1-200); "
           "if [ $rc -eq 0 ] && printf '%s' \"$out\" | grep -qE '^[1-9][0-9]* ?$'; then echo \"ack $KDRILL_ID\"; "
           "elif printf '%s' \"$out\" | grep -qE 'Could not connect|Connection refused|Name or service not known|"
           "Temporary failure in name resolution|No route to host|READONLY|LOADING|MISCONF'; then "
           "echo \"fail $KDRILL_ID $out\"; "
           "else echo \"unknown $KDRILL_ID rc=$rc $out\"; fi";
  }

  bool Networked() const override { return true; }

  // redis-cli exits non-zero when it cannot connect; an absent list reads
  // as empty (every acknowledged write lost).
  std::string ReadScript() const override {
    return "timeout 30 redis-cli -h \"$KDRILL_HOST\" LRANGE kdrill_writes 0 -1";
  }

  // The list stays: it lives in the server the drill set up, which goes
  // with the drill's namespace.
  std::string CleanupScript() const override { return ""; }
};

}  // namespace

std::unique_ptr<WorkloadClient> MakeRedisClient() { return std::make_unique<RedisClient>(); }

}  // namespace kdrill::workload
