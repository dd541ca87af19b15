#include "assertions/probe_spec.h"

#include <fmt/format.h>

#include "harness/kube/resource_mapper.h"

namespace kdrill::assertions {

namespace {

// A JSON value for messages: `3`, `"3"`, `true`.
std::string Shown(const nlohmann::json& v) {
  std::string s = v.dump();
  return s.size() > 80 ? s.substr(0, 77) + "..." : s;
}

Result<std::vector<int>> ReadOrdinals(const drill::Params& p) {
  std::vector<int> out;
  const auto& v = p.values().at("ordinals");
  if (!v.is_array() || v.empty()) {
    return std::unexpected(p.ErrorAt("ordinals", "expected a non-empty list of ordinals such as [0, 2], got " + Shown(v)));
  }
  for (const auto& o : v) {
    if (!o.is_number_integer() || o.get<int64_t>() < 0 || o.get<int64_t>() > 1000000) {
      return std::unexpected(p.ErrorAt("ordinals", "every ordinal must be an integer >= 0, got " + Shown(o)));
    }
    out.push_back(static_cast<int>(o.get<int64_t>()));
  }
  return out;
}

Result<ExecProbe> ReadExec(const drill::Params& p) {
  if (auto s = p.CheckKnownKeys({"ordinals", "all", "container", "command", "expectExitCode", "expectOutput"},
                                "probe exec");
      !s) {
    return std::unexpected(s.error());
  }
  ExecProbe e;
  if (p.Has("ordinals") && p.Has("all")) {
    return std::unexpected(p.ErrorAt("all", "exec takes ordinals or all, not both"));
  }
  if (p.Has("ordinals")) {
    auto o = ReadOrdinals(p);
    if (!o) return std::unexpected(o.error());
    e.ordinals = *o;
  }
  if (p.Has("all")) {
    auto all = p.GetBool("all", true);
    if (!all) return std::unexpected(all.error());
    if (!*all) {
      return std::unexpected(p.ErrorAt("all", "false chooses no pod; give ordinals instead (or leave both out "
                                              "for every pod)"));
    }
  }
  auto container = p.GetString("container", "");
  if (!container) return std::unexpected(container.error());
  e.container = *container;
  if (!p.Has("command")) {
    return std::unexpected(p.ErrorAt("", "command is required: the argv to run in each pod, e.g. "
                                         "[cat, /data/ok]"));
  }
  auto command = p.GetStringList("command");
  if (!command) return std::unexpected(command.error());
  if (command->empty() || command->front().empty()) {
    return std::unexpected(p.ErrorAt("command", "must not be empty"));
  }
  e.command = *command;
  auto code = p.GetInt("expectExitCode", 0);
  if (!code) return std::unexpected(code.error());
  if (*code < 0 || *code > 255) {
    return std::unexpected(p.ErrorAt("expectExitCode", fmt::format("must be in 0..255, got {}", *code)));
  }
  e.expect_exit_code = static_cast<int>(*code);
  if (p.Has("expectOutput")) {
    auto out = p.GetString("expectOutput", "");
    if (!out) return std::unexpected(out.error());
    e.expect_output = *out;
  }
  return e;
}

Result<HttpProbe> ReadHttp(const drill::Params& p) {
  if (auto s = p.CheckKnownKeys({"pod", "ordinal", "service", "port", "path", "scheme", "expectStatus", "expectBody"},
                                "probe http");
      !s) {
    return std::unexpected(s.error());
  }
  HttpProbe h;
  int targets = p.Has("pod") + p.Has("ordinal") + p.Has("service");
  if (targets != 1) {
    return std::unexpected(p.ErrorAt("", "needs exactly one of pod (a pod name), ordinal (a pod of the target) or service (a "
                                             "Service name)"));
  }
  if (p.Has("ordinal")) {
    auto o = p.GetInt("ordinal", 0);
    if (!o) return std::unexpected(o.error());
    if (*o < 0) return std::unexpected(p.ErrorAt("ordinal", "must be >= 0"));
    h.via = HttpProbe::Via::kOrdinal;
    h.ordinal = static_cast<int>(*o);
  } else {
    const std::string key = p.Has("pod") ? "pod" : "service";
    auto n = p.GetString(key, "");
    if (!n) return std::unexpected(n.error());
    if (n->empty()) return std::unexpected(p.ErrorAt(key, "must not be empty"));
    h.via = key == "pod" ? HttpProbe::Via::kPod : HttpProbe::Via::kService;
    h.name = *n;
  }
  if (!p.Has("port")) {
    return std::unexpected(p.ErrorAt("", "port is required: a port number such as 8080 or a port "
                                         "name such as \"http\""));
  }
  const auto& port = p.values().at("port");
  if (port.is_number_integer()) {
    int64_t n = port.get<int64_t>();
    if (n < 1 || n > 65535) {
      return std::unexpected(p.ErrorAt("port", fmt::format("must be in 1..65535, got {}", n)));
    }
    h.port = std::to_string(n);
  } else if (port.is_string() && !port.get<std::string>().empty() &&
             port.get<std::string>().find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos) {
    h.port = port.get<std::string>();
    h.port_is_name = h.port.find_first_not_of("0123456789") != std::string::npos;
  } else {
    return std::unexpected(p.ErrorAt("port", "expected a port number or a port name (lower-case "
                                                                "letters, digits, '-'), got " + Shown(port)));
  }
  auto path = p.GetString("path", "/");
  if (!path) return std::unexpected(path.error());
  if (path->empty() || path->front() != '/' ||
      path->find_first_of(" \t\r\n\"<>\\^`{|}") != std::string::npos) {
    return std::unexpected(p.ErrorAt("path", "must start with '/' and be URL-encoded (no spaces "
                                                                "or quotes), got " + Shown(*path)));
  }
  h.path = *path;
  auto scheme = p.GetString("scheme", "http");
  if (!scheme) return std::unexpected(scheme.error());
  if (*scheme != "http" && *scheme != "https") {
    return std::unexpected(p.ErrorAt("scheme", "must be http or https, got " + Shown(*scheme)));
  }
  h.scheme = *scheme;
  if (p.Has("expectStatus")) {
    auto st = p.GetInt("expectStatus", 200);
    if (!st) return std::unexpected(st.error());
    if (*st < 100 || *st > 599) {
      return std::unexpected(p.ErrorAt("expectStatus", fmt::format("must be an HTTP status (100..599), got {}", *st)));
    }
    h.expect_status = static_cast<int>(*st);
  }
  if (p.Has("expectBody")) {
    auto b = p.GetString("expectBody", "");
    if (!b) return std::unexpected(b.error());
    h.expect_body = *b;
  }
  return h;
}

Result<ResourceProbe> ReadResource(const drill::Params& p) {
  if (auto s = p.CheckKnownKeys({"apiVersion", "kind", "name", "namespace", "path", "equals", "exists"},
                                "probe resource");
      !s) {
    return std::unexpected(s.error());
  }
  ResourceProbe r;
  for (const char* key : {"apiVersion", "kind", "name", "path"}) {
    if (!p.Has(key)) {
      return std::unexpected(p.ErrorAt("", std::string(key) + " is required"));
    }
    auto v = p.GetString(key, "");
    if (!v) return std::unexpected(v.error());
    if (v->empty()) return std::unexpected(p.ErrorAt(key, "must not be empty"));
  }
  r.api_version = *p.GetString("apiVersion", "");
  r.kind = *p.GetString("kind", "");
  r.name = *p.GetString("name", "");
  auto info = LookupKind(r.api_version, r.kind);
  if (!info) {
    return std::unexpected(p.ErrorAt("kind", fmt::format("kind {} ({}) is not one kdrill knows how to address", r.kind,
                                                         r.api_version)));
  }
  r.resource = info->resource;
  r.namespaced = info->namespaced;
  auto ns = p.GetString("namespace", "");
  if (!ns) return std::unexpected(ns.error());
  if (!r.namespaced && !ns->empty()) {
    return std::unexpected(p.ErrorAt("namespace", fmt::format("{} is cluster-scoped: remove namespace", r.kind)));
  }
  r.ns = *ns;
  auto path = ParseJsonPath(*p.GetString("path", ""));
  if (!path) {
    return std::unexpected(p.ErrorAt("path", Shown(*p.GetString("path", "")) + ": " + path.error().message));
  }
  r.path = *path;
  if (p.Has("equals") == p.Has("exists")) {
    return std::unexpected(p.ErrorAt("", "needs exactly one of equals (the value, e.g. 3) or exists (true or false)"));
  }
  if (p.Has("equals")) {
    r.equals = p.values().at("equals");
  } else {
    auto e = p.GetBool("exists", true);
    if (!e) return std::unexpected(e.error());
    r.exists = *e;
  }
  return r;
}

}  // namespace

Result<ProbeSpec> ReadProbeSpec(const drill::Params& params) {
  if (auto s = params.CheckKnownKeys({"exec", "http", "resource"}, "probe params"); !s) {
    return std::unexpected(s.error());
  }
  int kinds = params.Has("exec") + params.Has("http") + params.Has("resource");
  if (kinds != 1) {
    return std::unexpected(params.ErrorAt(
        "", fmt::format("probe needs exactly one of params.exec, params.http and params.resource, got {}", kinds)));
  }
  ProbeSpec spec;
  const std::string key = params.Has("exec") ? "exec" : params.Has("http") ? "http" : "resource";
  auto sub = params.Sub(key);
  if (!sub) return std::unexpected(sub.error());
  if (key == "exec") {
    auto e = ReadExec(*sub);
    if (!e) return std::unexpected(e.error());
    spec.kind = ProbeSpec::Kind::kExec;
    spec.exec = *e;
  } else if (key == "http") {
    auto h = ReadHttp(*sub);
    if (!h) return std::unexpected(h.error());
    spec.kind = ProbeSpec::Kind::kHttp;
    spec.http = *h;
  } else {
    auto r = ReadResource(*sub);
    if (!r) return std::unexpected(r.error());
    spec.kind = ProbeSpec::Kind::kResource;
    spec.resource = *r;
  }
  return spec;
}

}  // namespace kdrill::assertions
