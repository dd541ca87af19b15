#include "assertions/volume_heartbeat.h"
#include "harness/core/json_fields.h"

#include <fmt/format.h>

#include <charconv>
#include <optional>
#include <sstream>

#include "harness/exec/exec_batch.h"
#include "harness/cluster/mount_paths.h"
#include "harness/cluster/ownership.h"
#include "harness/cluster/statefulset.h"
#include "harness/core/text.h"

namespace kdrill::assertions {

namespace {

using Json = nlohmann::json;

// Heartbeats every ~100 ms for at most 2 hours (72,000 lines, ~5 MB), so a
// writer orphaned by a crashed run stops by itself; `kdrill recover` removes
// the directory, which stops it at once.
constexpr const char* kEvery = "0.1";
constexpr int kMaxBeats = 72000;
constexpr int kMaxAttempts = 40;  // per incarnation, ~250 ms apart
constexpr auto kRetryPause = std::chrono::milliseconds(250);
constexpr auto kCatchUpPause = std::chrono::milliseconds(1000);  // ten heartbeats

// The writer loop, run by a fresh sh so that it holds no descriptor of the
// exec session (a shell that forks itself may keep saved copies of stdout,
// and kubectl exec would then never return). $1 dir, $2 uid, $3 node, $4 max
// beats, $5 interval. A failed append (ENOSPC during a volume fill) is
// skipped; a missing directory ends the writer.
constexpr const char* kLoopScript = R"sh(d="$1"; uid="$2"; node="$3"; max="$4"; every="$5"
# Milliseconds: GNU date's %N, else busybox adjtimex's tv_sec/tv_usec, else seconds.
now() {
  case "$clock" in
    nano) t=$(date +%s%N); t=${t%??????} ;;
    adj) set -- $(adjtimex 2>/dev/null | grep -E 'tv_u?sec:'); t=$(( $2 * 1000 + $4 / 1000 )) ;;
    *) t=$(date +%s)000 ;;
  esac
}
clock=sec
case "$(date +%s%N 2>/dev/null)" in ''|*[!0-9]*) ;; *) clock=nano ;; esac
if [ "$clock" = sec ]; then
  set -- $(adjtimex 2>/dev/null | grep -E 'tv_u?sec:')
  case "$2$4" in ''|*[!0-9]*) ;; *) clock=adj ;; esac
fi
sleep "$every" 2>/dev/null || every=1
n=0
while [ "$n" -lt "$max" ]; do
  n=$((n+1))
  now
  echo "$uid $n $t $node" >> "$d/beats" 2>/dev/null || { [ -d "$d" ] || exit 0; }
  sync "$d/beats" 2>/dev/null
  sleep "$every"
done)sh";

// $1 the loop script, then its arguments. Returns once the first heartbeat
// is on the volume (or after 5 s) and prints "heartbeat PID".
constexpr const char* kLauncherScript = R"sh(loop="$1"; shift
[ -d "$1" ] || { echo "no heartbeat directory $1 on the volume" >&2; exit 3; }
sh -c "$loop" sh "$@" </dev/null >/dev/null 2>&1 &
pid=$!
i=0
while [ "$i" -lt 50 ] && ! grep -q "^$2 " "$1/beats" 2>/dev/null; do sleep 0.1 2>/dev/null || sleep 1; i=$((i+1)); done
echo "heartbeat $pid")sh";

using json::Str;

// The exec that starts the writer loop in one incarnation.
std::vector<std::string> WriterArgv(const std::string& dir, const std::string& uid, const std::string& node) {
  return {"sh", "-c", kLauncherScript, "sh", kLoopScript, dir, uid, node.empty() ? "?" : node,
          std::to_string(kMaxBeats), kEvery};
}

std::optional<int64_t> ParseInt(const std::string& s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// The ordinal a pod serves: <sts>-<n>, else its pod-index label.
std::optional<int> OrdinalOfPod(const Json& pod, const std::string& sts) {
  if (auto o = cluster::OrdinalOf(Str(pod, "/metadata/name"), sts)) return o;
  auto idx = ParseInt(Str(pod, "/metadata/labels/apps.kubernetes.io~1pod-index"));
  if (idx && *idx >= 0) return static_cast<int>(*idx);
  return std::nullopt;
}

bool ContainerRunning(const Json& pod, const std::string& container) {
  Json::json_pointer p("/status/containerStatuses");
  if (!pod.contains(p) || !pod.at(p).is_array()) return false;
  for (const auto& c : pod.at(p)) {
    if (!c.is_object() || json::Str(c, "/name") != container) continue;
    Json::json_pointer running("/state/running");
    return c.contains(running) && c.at(running).is_object();
  }
  return false;
}

}  // namespace

std::vector<HeartbeatLine> ParseHeartbeats(const std::string& text) {
  std::vector<HeartbeatLine> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string uid, seq, ms, node, extra;
    if (!(f >> uid >> seq >> ms >> node) || (f >> extra)) continue;
    auto s = ParseInt(seq);
    auto m = ParseInt(ms);
    if (!s || !m) continue;
    out.push_back({uid, *s, *m, node});
  }
  return out;
}

std::vector<HeartbeatOverlap> FindOverlaps(const std::vector<HeartbeatLine>& lines) {
  struct Span {
    size_t first = 0;
    std::string node;
  };
  std::map<std::string, Span> spans;
  std::vector<std::string> order;  // by first line
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!spans.count(lines[i].uid)) {
      spans[lines[i].uid] = {i, lines[i].node};
      order.push_back(lines[i].uid);
    }
  }
  std::vector<HeartbeatOverlap> out;
  for (size_t a = 0; a < order.size(); ++a) {
    for (size_t b = a + 1; b < order.size(); ++b) {
      const auto& older = spans[order[a]];
      const auto& newer = spans[order[b]];
      HeartbeatOverlap o;
      o.older_uid = order[a];
      o.older_node = older.node;
      o.newer_uid = order[b];
      o.newer_node = newer.node;
      o.from_ms = lines[newer.first].ms;
      for (size_t i = newer.first + 1; i < lines.size(); ++i) {
        if (lines[i].uid != o.older_uid) continue;
        ++o.lines_after;
        o.to_ms = lines[i].ms;
      }
      if (o.lines_after > 0) out.push_back(std::move(o));
    }
  }
  return out;
}

struct HeartbeatWitness::Target {
  PodExecutor* exec = nullptr;
  const Timeline* timeline = nullptr;
  Clock* clock = nullptr;
  cluster::StatefulSetSpec spec;
  std::string dir_name;
  std::function<void(const std::string&)> log;
  std::stop_token run_stop;
};

HeartbeatWitness::HeartbeatWitness(std::string claim_template, std::string container)
    : template_(std::move(claim_template)), container_(std::move(container)) {}

HeartbeatWitness::~HeartbeatWitness() { Stop(); }

bool HeartbeatWitness::StartWriter(const std::string& pod, const std::string& uid, const std::string& node,
                                   const std::string& dir, const std::string& container, std::string* why,
                                   bool* cannot_run) {
  ExecRequest req{target_->spec.ns, pod, container, WriterArgv(dir, uid, node), std::nullopt, std::chrono::seconds(20)};
  return WriterStarted(uid, target_->exec->Exec(req), why, cannot_run);
}

bool HeartbeatWitness::WriterStarted(const std::string& uid, const Result<ExecResult>& r, std::string* why,
                                     bool* cannot_run) {
  if (cannot_run) *cannot_run = ExecCannotRun(r);
  if (!r) {
    *why = r.error().message;
    return false;
  }
  if (r->exit_code != 0 || r->stdout_data.rfind("heartbeat ", 0) != 0) {
    *why = fmt::format("the heartbeat writer exited {}: {}", r->exit_code,
                       TrimEnd(r->stderr_data.empty() ? r->stdout_data : r->stderr_data).substr(0, 200));
    return false;
  }
  std::lock_guard lock(mu_);
  started_.insert(uid);
  return true;
}

Status HeartbeatWitness::Start(AssertionContext& ctx) {
  const auto& sts = ctx.baseline.spec;
  if (template_.empty()) {
    if (sts.claim_templates.empty()) {
      return MakeError(ErrorCode::kNotFound,
                       sts.kind + " " + sts.name + " has no volumeClaimTemplates: no volume to witness");
    }
    template_ = sts.claim_templates.front();
  }
  target_ = std::make_unique<Target>();
  target_->exec = &ctx.exec;
  target_->timeline = &ctx.timeline;
  target_->clock = ctx.clock;
  target_->spec = sts;
  target_->dir_name = ".kdrill-heartbeat-" + ctx.run_id;
  target_->log = ctx.log;
  target_->run_stop = ctx.stop;
  for (const auto& [ord, o] : ctx.baseline.ordinals) {
    if (!o.pod_exists) continue;
    auto mount = cluster::FindMount(o.object, template_, container_);
    if (!mount) return std::unexpected(mount.error());
    Volume v;
    v.ordinal = ord;
    v.claim = cluster::ClaimName(template_, sts.name, ord);
    v.dir = mount->path + "/" + target_->dir_name;
    // The directory lives on the claim: removing it also ends every writer.
    auto undo = ctx.journal->RecordUndo("at-most-one-per-ordinal", "remove heartbeats " + v.dir + " in " + o.pod,
                                        {{"kind", "exec"},
                                         {"namespace", sts.ns},
                                         {"pod", o.pod},
                                         {"container", mount->container},
                                         {"argv", {"rm", "-rf", v.dir}},
                                         {"claim", v.claim},
                                         {"podReadySeconds", 180}});
    if (!undo) return std::unexpected(undo.error());
    v.undo_id = *undo;
    // One exec makes the directory, then starts the writer in it (the
    // launcher refuses a missing directory: a failed mkdir starts nothing).
    ExecBatch batch(ctx.exec, {sts.ns, o.pod, mount->container, {}, std::nullopt, std::chrono::seconds(30)},
                    {{"mkdir", {"mkdir", "-p", v.dir}}, {"start", WriterArgv(v.dir, o.uid, o.node)}});
    auto mk = batch.Part("mkdir");
    if (ExecCannotRun(mk) || (mk && mk->exit_code != 0)) {
      // Nothing was made: the removal has nothing to undo (and an image
      // without mkdir has no rm to run it with). An exec that failed
      // otherwise (a timeout) may have made it: the removal stays.
      (void)ctx.journal->MarkDone(v.undo_id, "nothing was written");
    }
    if (ExecCannotRun(mk)) {
      return MakeError(ErrorCode::kNotFound,
                       fmt::format("the container of {} cannot run mkdir ({}): the volume was not checked", o.pod,
                                   mk ? TrimEnd(mk->stderr_data) : mk.error().message));
    }
    if (!mk) return std::unexpected(mk.error());
    if (mk->exit_code != 0) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("making {} in {} exited {}: {}", v.dir, o.pod, mk->exit_code,
                                   TrimEnd(mk->stderr_data)));
    }
    volumes_[ord] = v;
    std::string why;
    bool cannot_run = false;
    if (!WriterStarted(o.uid, batch.Part("start"), &why, &cannot_run)) {
      if (cannot_run) {
        return MakeError(ErrorCode::kNotFound,
                         fmt::format("the container of {} cannot run the heartbeat writer (it needs sh, date and "
                                     "sleep; set params.volume: false to check the API only: {}): the volume was "
                                     "not checked",
                                     o.pod, why));
      }
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("starting the heartbeat writer in {} failed: {} (the container needs sh, date, "
                                   "sleep; set params.volume: false to check the API only)",
                                   o.pod, why));
    }
  }
  ctx.log(fmt::format("heartbeat writers started in {} pod(s) on claim template {}", volumes_.size(), template_));
  follower_ = std::jthread([this](std::stop_token st) { Follow(st); });
  return Ok();
}

void HeartbeatWitness::Follow(std::stop_token stop) {
  struct Candidate {
    std::string pod, uid, node, dir, container;
  };
  std::map<std::string, int> attempts;  // uid -> failed starts
  const auto& spec = target_->spec;
  while (!stop.stop_requested() && !target_->run_stop.stop_requested()) {
    std::vector<Candidate> todo;
    auto pred = [&](const ObjectStore& store) {
      todo.clear();
      auto pods = store.find("Pod");
      if (pods == store.end()) return false;
      std::lock_guard lock(mu_);
      for (const auto& [key, pod] : pods->second) {
        if (Str(pod, "/metadata/namespace") != spec.ns) continue;
        const std::string uid = Str(pod, "/metadata/uid");
        if (uid.empty() || started_.count(uid) || attempts[uid] >= kMaxAttempts) continue;
        if (cluster::RelationTo(pod, spec) == cluster::PodRelation::kForeign || cluster::PodTerminating(pod)) continue;
        auto ord = OrdinalOfPod(pod, spec.name);
        if (!ord || !volumes_.count(*ord)) continue;
        auto mount = cluster::FindMount(pod, template_, container_);
        if (!mount || !ContainerRunning(pod, mount->container)) continue;
        todo.push_back({Str(pod, "/metadata/name"), uid, Str(pod, "/spec/nodeName"),
                        mount->path + "/" + target_->dir_name, mount->container});
      }
      return !todo.empty();
    };
    // Wakes on every timeline append; the deadline only bounds one round.
    auto st = target_->timeline->WaitUntil(pred, std::chrono::minutes(10), stop);
    if (!st) continue;  // timeout: look again; cancelled: the loop ends
    bool failed = false;
    for (const auto& c : todo) {
      if (stop.stop_requested()) return;
      std::string why;
      if (StartWriter(c.pod, c.uid, c.node, c.dir, c.container, &why)) {
        target_->log(fmt::format("heartbeat writer started in {} (uid {}, node {})", c.pod, c.uid, c.node));
        continue;
      }
      failed = true;
      if (++attempts[c.uid] == kMaxAttempts) {
        target_->log(fmt::format("no heartbeat writer in {} (uid {}): {}", c.pod, c.uid, why));
      }
    }
    if (failed && target_->clock != nullptr) target_->clock->SleepFor(kRetryPause);
  }
}

void HeartbeatWitness::Stop() {
  if (follower_.joinable()) {
    follower_.request_stop();
    follower_.join();
  }
}

std::vector<OrdinalHeartbeats> HeartbeatWitness::Collect(AssertionContext& ctx) {
  Stop();
  std::vector<OrdinalHeartbeats> out;
  if (!target_) return out;
  const auto& fin = *ctx.final_state;
  // An incarnation that started too late for the follower gets its writer
  // now; an older one still running then shows as lines after its first
  // heartbeat, so give it a moment to write them.
  bool caught_up = false;
  for (const auto& [ord, o] : fin.ordinals) {
    if (!volumes_.count(ord) || !o.pod_exists || o.terminating) continue;
    {
      std::lock_guard lock(mu_);
      if (started_.count(o.uid)) continue;
    }
    auto mount = cluster::FindMount(o.object, template_, container_);
    if (!mount) continue;
    std::string why;
    if (StartWriter(o.pod, o.uid, o.node, mount->path + "/" + target_->dir_name, mount->container, &why)) {
      caught_up = true;
      ctx.log(fmt::format("heartbeat writer started in {} (uid {}, node {}) before reading", o.pod, o.uid, o.node));
    }
  }
  if (caught_up && ctx.clock != nullptr) ctx.clock->SleepFor(kCatchUpPause);
  for (const auto& [ord, v] : volumes_) {
    OrdinalHeartbeats h;
    h.ordinal = ord;
    h.claim = v.claim;
    auto o = fin.ordinals.find(ord);
    if (o == fin.ordinals.end() || !o->second.pod_exists) {
      h.pod = cluster::PodName(target_->spec.name, ord);
      h.note = "no pod mounts " + v.claim + " at the end: its heartbeats were not read";
      out.push_back(std::move(h));
      continue;
    }
    h.pod = o->second.pod;
    auto mount = cluster::FindMount(o->second.object, template_, container_);
    if (!mount) {
      h.note = mount.error().message;
      out.push_back(std::move(h));
      continue;
    }
    const std::string dir = mount->path + "/" + target_->dir_name;
    // One exec reads the file back, then removes the directory (which ends
    // every writer). The removal runs whatever the read answered, and its own
    // answer never changes what was read. Once it was tried, the journal's
    // record is done; an exec that gave no answer leaves it to the cleanup.
    ExecBatch batch(ctx.exec, {fin.spec.ns, h.pod, mount->container, {}, std::nullopt, std::chrono::seconds(60)},
                    {{"read", {"cat", dir + "/beats"}}, {"remove", {"rm", "-rf", dir}}});
    auto r = batch.Part("read");
    if (batch.Part("remove") && v.undo_id >= 0) {
      (void)ctx.journal->MarkDone(v.undo_id, "heartbeat directory removed");
    }
    if (!r) {
      h.note = "reading the heartbeats failed: " + r.error().message;
    } else if (r->exit_code != 0) {
      h.note = fmt::format("the heartbeat file {}/beats is gone from {} (the volume was wiped or the claim replaced)",
                           dir, v.claim);
    } else {
      auto lines = ParseHeartbeats(r->stdout_data);
      h.read = true;
      h.lines = lines.size();
      std::set<std::string> seen;
      for (const auto& l : lines) {
        if (seen.insert(l.uid).second) h.incarnations.push_back(l.uid);
      }
      h.overlaps = FindOverlaps(lines);
    }
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace kdrill::assertions
