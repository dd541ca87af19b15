// The top of a drill file: apiVersion, kind, metadata and spec; the sections
// of spec with lists (setup, steps, assertions) and spec.workload have their
// own files.
#include "harness/drill/parser.h"

#include <yaml-cpp/yaml.h>

#include "harness/core/regular_file.h"
#include "harness/core/yaml_load.h"
#include "harness/drill/names.h"
#include "harness/drill/parse_sections.h"
#include "harness/drill/yaml_values.h"

namespace kdrill::drill {

namespace {

const std::vector<std::string> kTopKeys = {"apiVersion", "kind", "metadata", "spec"};
const std::vector<std::string> kMetadataKeys = {"name", "description"};
const std::vector<std::string> kSpecKeys = {"target", "seed",     "settleTimeout", "setup",
                                            "steps",  "workload", "assertions",    "reports"};
const std::vector<std::string> kTargetKeys = {"namespace", "statefulSet", "deployment"};
const std::vector<std::string> kReportKeys = {"junit", "json", "html"};

void RequireExact(const MapReader& map, const char* key, std::string_view expected,
                  Diagnostics& diag) {
  const Field* field = map.Require(key);
  if (field == nullptr) {
    return;
  }
  auto value = ReadString(*field, diag);
  if (value && *value != expected) {
    diag.Add(field->value_location, std::string(key) + ": expected \"" + std::string(expected) +
                                        "\", got \"" + *value + "\"");
  }
}

std::optional<std::string> ReadName(const Field* field, bool subdomain, const char* rule,
                                    Diagnostics& diag) {
  if (field == nullptr) {
    return std::nullopt;
  }
  auto value = ReadString(*field, diag);
  if (!value) {
    return std::nullopt;
  }
  if (!(subdomain ? IsDnsSubdomain(*value) : IsDnsLabel(*value))) {
    diag.Add(field->value_location, field->path + ": \"" + *value + "\" is not a valid name; " +
                                        rule);
    return std::nullopt;
  }
  return value;
}

constexpr const char* kLabelRule =
    "use lowercase letters, digits and '-', starting and ending with a letter or digit, "
    "at most 63 characters";
constexpr const char* kSubdomainRule =
    "use lowercase letters, digits, '-' and '.', each dot-separated part starting and ending "
    "with a letter or digit";

void ParseMetadata(const Field& field, Drill& drill, ParseState& state) {
  MapReader map(field.value, field.path, field.key_location, state.source, state.diag);
  map.CheckKeys(kMetadataKeys);
  if (auto name = ReadName(map.Require("name"), false, kLabelRule, state.diag)) {
    drill.name = *name;
  }
  if (const Field* description = map.Find("description")) {
    if (auto d = ReadString(*description, state.diag, /*non_empty=*/false)) {
      drill.description = *d;
    }
  }
}

void ParseTarget(const Field& field, Drill& drill, ParseState& state) {
  MapReader map(field.value, field.path, field.key_location, state.source, state.diag);
  map.CheckKeys(kTargetKeys);
  if (auto ns = ReadName(map.Require("namespace"), false, kLabelRule, state.diag)) {
    drill.ns = *ns;
  }
  // The target is a StatefulSet; a Deployment may be driven as if it were one
  // (to show the promises it does not keep).
  const Field* sts = map.Find("statefulSet");
  const Field* deploy = map.Find("deployment");
  if (sts != nullptr && deploy != nullptr) {
    state.diag.Add(deploy->key_location, field.path + ": choose one target: found both \"statefulSet\" (at " +
                                             sts->key_location.ToString() + ") and \"deployment\"");
    return;
  }
  if (deploy != nullptr) {
    drill.target_kind = "Deployment";
    if (auto name = ReadName(deploy, true, kSubdomainRule, state.diag)) drill.statefulset = *name;
    return;
  }
  if (auto name = ReadName(map.Require("statefulSet"), true, kSubdomainRule, state.diag)) {
    drill.statefulset = *name;
  }
}

void ParseReports(const Field& field, Drill& drill, ParseState& state) {
  MapReader map(field.value, field.path, field.key_location, state.source, state.diag);
  map.CheckKeys(kReportKeys);
  if (const Field* junit = map.Find("junit")) {
    drill.reports.junit = ReadString(*junit, state.diag).value_or("");
  }
  if (const Field* json = map.Find("json")) {
    drill.reports.json = ReadString(*json, state.diag).value_or("");
  }
  if (const Field* html = map.Find("html")) {
    drill.reports.html = ReadString(*html, state.diag).value_or("");
  }
}

void ParseSpec(const Field& field, Drill& drill, ParseState& state) {
  MapReader map(field.value, field.path, field.key_location, state.source, state.diag);
  map.CheckKeys(kSpecKeys);
  if (const Field* target = map.Require("target")) {
    ParseTarget(*target, drill, state);
  }
  if (const Field* seed = map.Find("seed")) {
    if (auto s = ReadUint64(*seed, state.diag)) {
      drill.seed = *s;
    }
  }
  if (const Field* settle = map.Find("settleTimeout")) {
    if (auto d = ReadDuration(*settle, /*positive=*/true, state.diag)) {
      drill.settle_timeout = *d;
    }
  }
  if (const Field* setup = map.Find("setup")) {
    drill.setup = ParseSetup(*setup, state);
  }
  if (const Field* steps = map.Require("steps")) {
    drill.steps = ParseSteps(*steps, state);
  }
  const Field* workload = map.Find("workload");
  if (workload != nullptr) {
    drill.workload = ParseWorkload(*workload, state, drill.target_kind);
  }
  if (const Field* assertions = map.Find("assertions")) {
    drill.assertions = ParseAssertions(*assertions, state);
  }
  if (workload == nullptr) {  // a broken spec.workload is reported once, by ParseWorkload
    CheckWorkloadAssertions(drill.assertions, state);
  }
  if (const Field* reports = map.Find("reports")) {
    ParseReports(*reports, drill, state);
  }
}

// The one YAML document of a drill file, or an undefined node after reporting.
YAML::Node LoadDocument(std::string_view text, const YamlSource& source, Diagnostics& diag) {
  auto loaded = yaml::LoadYamlDocuments(text);
  if (!loaded) {
    diag.Add(source.At(loaded.error().mark, source.Start()), loaded.error().message);
    return YAML::Node(YAML::NodeType::Undefined);
  }
  const std::vector<YAML::Node>& docs = *loaded;
  YAML::Node found(YAML::NodeType::Undefined);
  for (const auto& doc : docs) {
    if (doc.IsNull()) {
      continue;
    }
    if (found.IsDefined()) {
      diag.Add(source.Of(doc, source.Start()),
               "a drill file holds exactly one YAML document; remove this second one (or the "
               "\"---\" before it)");
      break;
    }
    found = doc;
  }
  if (!found.IsDefined() && diag.empty()) {
    diag.Add(source.Start(), "the drill file is empty; it needs apiVersion, kind, metadata "
                             "and spec");
  }
  return found;
}

void ParseRoot(const YAML::Node& root, Drill& drill, ParseState& state) {
  MapReader map(root, "", state.source.Start(), state.source, state.diag);
  if (!map.valid()) {
    return;
  }
  map.CheckKeys(kTopKeys);
  RequireExact(map, "apiVersion", kDrillApiVersion, state.diag);
  RequireExact(map, "kind", kDrillKind, state.diag);
  if (const Field* metadata = map.Require("metadata")) {
    ParseMetadata(*metadata, drill, state);
  }
  if (const Field* spec = map.Require("spec")) {
    ParseSpec(*spec, drill, state);
  }
}

}  // namespace

Result<Drill> ParseDrill(std::string_view text, const std::string& file, const Catalog& catalog,
                         const ParseContext& ctx) {
  Diagnostics diag;
  ParseState state{text, YamlSource{file, 0, 0}, catalog, ctx, diag};
  Drill drill;
  drill.file = file;
  drill.location = state.source.Start();
  try {
    YAML::Node root = LoadDocument(text, state.source, diag);
    if (root.IsDefined()) {
      ParseRoot(root, drill, state);
    }
  } catch (const YAML::Exception& e) {
    diag.Add(state.source.At(e.mark, state.source.Start()), "cannot read the drill: " + e.msg);
  } catch (const std::exception& e) {
    diag.Add(state.source.Start(), std::string("internal error while parsing: ") + e.what());
  }
  if (!diag.empty()) {
    return std::unexpected(diag.ToError());
  }
  return drill;
}

Result<std::string> ReadFileFromDisk(const std::string& path) {
  Result<std::string> text = ReadRegularFile(path);
  if (!text) {
    return MakeError(text.error().code, path + ": " + text.error().message);
  }
  return text;
}

Result<Drill> LoadDrillFile(const std::string& path, const Catalog& catalog) {
  Result<std::string> text = ReadRegularFile(path);
  if (!text) {
    // file:1:1 like every other drill error, so editors and CI annotations
    // that read "file:line:col:" place it.
    return MakeError(text.error().code,
                     path + ":1:1: cannot read the drill file: " + text.error().message);
  }
  ParseContext ctx;
  ctx.read_file = ReadFileFromDisk;
  return ParseDrill(*text, path, catalog, ctx);
}

}  // namespace kdrill::drill
