#include "harness/diagnose/node_match.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

namespace kdrill::diagnose {

namespace {

std::vector<std::string> Values(const Json& requirement) {
  std::vector<std::string> out;
  for (const auto& v : Arr(requirement, "/values")) {
    if (v.is_string()) {
      out.push_back(v.get<std::string>());
    }
  }
  return out;
}

bool ParseInt(const std::string& s, long long& out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// One requirement against a value that may be absent (has == false).
bool RequirementHolds(const Json& req, bool has, const std::string& value) {
  const std::string op = Str(req, "/operator");
  const auto values = Values(req);
  const bool listed = std::find(values.begin(), values.end(), value) != values.end();
  if (op == "In") return has && listed;
  if (op == "NotIn") return !has || !listed;
  if (op == "Exists") return has;
  if (op == "DoesNotExist") return !has;
  if (op == "Gt" || op == "Lt") {
    long long have = 0, want = 0;
    if (!has || values.size() != 1 || !ParseInt(value, have) || !ParseInt(values[0], want)) {
      return false;
    }
    return op == "Gt" ? have > want : have < want;
  }
  return false;
}

bool TermMatches(const Json& term, const Json& node) {
  const Json& exprs = Arr(term, "/matchExpressions");
  const Json& fields = Arr(term, "/matchFields");
  if (exprs.empty() && fields.empty()) {
    return false;
  }
  const Json& labels = Obj(node, "/metadata/labels");
  for (const auto& req : exprs) {
    std::string key = Str(req, "/key");
    bool has = labels.contains(key) && labels[key].is_string();
    if (!RequirementHolds(req, has, has ? labels[key].get<std::string>() : std::string())) {
      return false;
    }
  }
  for (const auto& req : fields) {
    // metadata.name is the only field the API accepts here.
    if (Str(req, "/key") != "metadata.name" || !RequirementHolds(req, true, Str(node, "/metadata/name"))) {
      return false;
    }
  }
  return true;
}

const Json& RequiredPodTerms(const Json& pod) {
  return Arr(pod, "/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms");
}

std::string RequirementText(const Json& req) {
  std::string op = Str(req, "/operator");
  std::string text = Str(req, "/key") + " " + op;
  if (op != "Exists" && op != "DoesNotExist") {
    std::string vals;
    for (const auto& v : Values(req)) {
      vals += (vals.empty() ? "" : ", ") + v;
    }
    text += " (" + vals + ")";
  }
  return text;
}

}  // namespace

bool MatchesTerms(const Json& terms, const Json& node) {
  if (!terms.is_array()) {
    return false;
  }
  return std::any_of(terms.begin(), terms.end(), [&](const Json& t) { return TermMatches(t, node); });
}

bool HasNodePin(const Json& pod) { return !Obj(pod, "/spec/nodeSelector").empty() || !RequiredPodTerms(pod).empty(); }

bool PodFitsNode(const Json& pod, const Json& node) {
  const Json& labels = Obj(node, "/metadata/labels");
  for (const auto& [key, want] : Obj(pod, "/spec/nodeSelector").items()) {
    if (!labels.contains(key) || labels[key] != want) {
      return false;
    }
  }
  const Json& terms = RequiredPodTerms(pod);
  return terms.empty() || MatchesTerms(terms, node);
}

std::string PodPinText(const Json& pod) {
  std::vector<std::string> parts;
  std::string selector;
  for (const auto& [key, want] : Obj(pod, "/spec/nodeSelector").items()) {
    selector += (selector.empty() ? "" : ",") + key + "=" + (want.is_string() ? want.get<std::string>() : want.dump());
  }
  if (!selector.empty()) {
    parts.push_back("nodeSelector " + selector);
  }
  if (!RequiredPodTerms(pod).empty()) {
    parts.push_back("node affinity " + TermsText(RequiredPodTerms(pod)));
  }
  std::string out;
  for (const auto& p : parts) {
    out += (out.empty() ? "" : "; ") + p;
  }
  return out;
}

const Json& PvNodeTerms(const Json& pv) { return Arr(pv, "/spec/nodeAffinity/required/nodeSelectorTerms"); }

std::string TermsText(const Json& terms) {
  std::string out;
  for (const auto& term : terms) {
    std::string t;
    for (const char* list : {"/matchExpressions", "/matchFields"}) {
      for (const auto& req : Arr(term, list)) {
        t += (t.empty() ? "" : ", ") + RequirementText(req);
      }
    }
    out += (out.empty() ? "" : " or ") + t;
  }
  return out;
}

bool Cordoned(const Json& node) {
  const Json& v = At(node, "/spec/unschedulable");
  return v.is_boolean() && v.get<bool>();
}

bool NodeNotReady(const Json& node) {
  for (const auto& c : Arr(node, "/status/conditions")) {
    if (Field(c, "type") == "Ready") {
      return Field(c, "status") != "True";
    }
  }
  return false;  // no conditions yet: nothing to say
}

std::vector<std::string> NodesWhere(const ObjectStore& store, const std::function<bool(const Json&)>& fits) {
  std::vector<std::string> out;
  for (const Json* node : All(store, "Node")) {
    if (fits(*node)) {
      out.push_back(Str(*node, "/metadata/name"));
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace kdrill::diagnose
