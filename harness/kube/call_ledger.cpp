#include "harness/kube/call_ledger.h"

namespace kdrill::kube {

namespace {

double Seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

void AddInto(PhaseCounts& sum, const PhaseCounts& c) {
  sum.requests += c.requests;
  sum.failed += c.failed;
  sum.seconds += c.seconds;
  for (const auto& [k, n] : c.by_verb) sum.by_verb[k] += n;
  for (const auto& [k, n] : c.by_resource) sum.by_resource[k] += n;
  sum.watches += c.watches;
  sum.watch_events += c.watch_events;
  sum.execs += c.execs;
  sum.failed_execs += c.failed_execs;
  sum.exec_seconds += c.exec_seconds;
  sum.bytes_received += c.bytes_received;
  sum.bytes_sent += c.bytes_sent;
  sum.watch_bytes_received += c.watch_bytes_received;
  sum.relists += c.relists;
  for (const auto& [k, n] : c.relists_by_resource) sum.relists_by_resource[k] += n;
  for (const auto& [k, n] : c.by_status) sum.by_status[k] += n;
}

PhaseCounts Sum(const std::vector<std::pair<std::string, PhaseCounts>>& phases) {
  PhaseCounts sum;
  for (const auto& [name, c] : phases) AddInto(sum, c);
  return sum;
}

nlohmann::ordered_json CountMap(const std::map<std::string, int>& m) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [k, n] : m) j[k] = n;
  return j;
}

}  // namespace

CallLedger::CallLedger() { phases_.emplace_back("setup", PhaseCounts{}); }

void CallLedger::SetPhase(std::string phase) {
  std::lock_guard lock(mu_);
  for (size_t i = 0; i < phases_.size(); ++i) {
    if (phases_[i].first == phase) {
      current_ = i;
      return;
    }
  }
  phases_.emplace_back(std::move(phase), PhaseCounts{});
  current_ = phases_.size() - 1;
}

std::string CallLedger::Phase() const {
  std::lock_guard lock(mu_);
  return phases_[current_].first;
}

PhaseCounts& CallLedger::CurrentLocked() { return phases_[current_].second; }

void CallLedger::AddRequest(RequestRecord r) {
  std::lock_guard lock(mu_);
  PhaseCounts& c = CurrentLocked();
  ++c.requests;
  if (!r.ok) ++c.failed;
  c.seconds += Seconds(r.took);
  ++c.by_verb[std::move(r.verb)];
  if (r.relist) {
    ++c.relists;
    ++c.relists_by_resource[r.resource];
  }
  ++c.by_resource[std::move(r.resource)];
  ++c.by_status[std::move(r.status)];
  c.bytes_sent += r.bytes.sent;
  c.bytes_received += r.bytes.received;
}

void CallLedger::AddRequest(std::string verb, std::string resource, bool ok, std::chrono::nanoseconds took) {
  AddRequest(RequestRecord{.verb = std::move(verb),
                           .resource = std::move(resource),
                           .ok = ok,
                           .took = took,
                           .status = ok ? "2xx" : "none",
                           .bytes = {},
                           .relist = false});
}

void CallLedger::AddWatch(std::string /*resource*/) {
  std::lock_guard lock(mu_);
  ++CurrentLocked().watches;
}

void CallLedger::AddWatchBytes(std::string /*resource*/, WireBytes bytes) {
  std::lock_guard lock(mu_);
  PhaseCounts& c = CurrentLocked();
  c.bytes_sent += bytes.sent;
  c.bytes_received += bytes.received;
  c.watch_bytes_received += bytes.received;
}

void CallLedger::AddWatchEvent(std::string /*resource*/) {
  std::lock_guard lock(mu_);
  ++CurrentLocked().watch_events;
}

void CallLedger::AddExec(bool ok, std::chrono::nanoseconds took) {
  std::lock_guard lock(mu_);
  PhaseCounts& c = CurrentLocked();
  ++c.execs;
  if (!ok) ++c.failed_execs;
  c.exec_seconds += Seconds(took);
}

std::vector<std::pair<std::string, PhaseCounts>> CallLedger::Phases() const {
  std::lock_guard lock(mu_);
  return phases_;
}

PhaseCounts CallLedger::Total() const {
  std::lock_guard lock(mu_);
  return Sum(phases_);
}

nlohmann::ordered_json PhaseCountsToJson(const PhaseCounts& c) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["requests"] = c.requests;
  j["failed"] = c.failed;
  j["seconds"] = c.seconds;
  j["byVerb"] = CountMap(c.by_verb);
  j["byResource"] = CountMap(c.by_resource);
  j["watches"] = c.watches;
  j["watchEvents"] = c.watch_events;
  j["execs"] = c.execs;
  j["failedExecs"] = c.failed_execs;
  j["execSeconds"] = c.exec_seconds;
  j["bytesReceived"] = c.bytes_received;
  j["bytesSent"] = c.bytes_sent;
  j["watchBytesReceived"] = c.watch_bytes_received;
  j["relists"] = c.relists;
  j["relistsByResource"] = CountMap(c.relists_by_resource);
  j["byStatus"] = CountMap(c.by_status);
  return j;
}

nlohmann::ordered_json CallLedgerToJson(const CallLedger& ledger) {
  // One snapshot, so that the total is the sum of the phases shown.
  const auto snapshot = ledger.Phases();
  nlohmann::ordered_json phases = nlohmann::ordered_json::array();
  for (const auto& [name, c] : snapshot) {
    nlohmann::ordered_json p = nlohmann::ordered_json::object();
    p["phase"] = name;
    const nlohmann::ordered_json fields = PhaseCountsToJson(c);
    for (auto it = fields.begin(); it != fields.end(); ++it) p[it.key()] = it.value();
    phases.push_back(std::move(p));
  }
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["phases"] = std::move(phases);
  j["total"] = PhaseCountsToJson(Sum(snapshot));
  return j;
}

}  // namespace kdrill::kube
