// spec.setup: manifests applied before the drill and deleted after it, given
// by path (relative to the drill file) or inline.
#include <filesystem>

#include "harness/drill/manifest_objects.h"
#include "harness/drill/parse_sections.h"
#include "harness/drill/yaml_values.h"

namespace kdrill::drill {

namespace {

const std::vector<std::string> kSetupKeys = {"manifest", "inline"};

std::string ResolveManifestPath(const std::string& drill_file, const std::string& manifest) {
  std::filesystem::path p(manifest);
  if (p.is_absolute()) {
    return p.lexically_normal().string();
  }
  return (std::filesystem::path(drill_file).parent_path() / p).lexically_normal().string();
}

// Where the text of an inline manifest sits in the drill file. For a literal
// block scalar (`inline: |`) the content starts on the next non-blank line at
// that line's indentation, so locations inside it are exact; otherwise they
// are approximate, relative to the value.
YamlSource InlineSource(const Field& field, const ParseState& state) {
  YamlSource source = state.source;
  const YAML::Mark& mark = field.value.Mark();
  std::string_view text = state.text;
  if (mark.is_null() || mark.pos < 0 || static_cast<size_t>(mark.pos) >= text.size() ||
      text[mark.pos] != '|') {
    source.line_offset = field.value_location.line - 1;
    source.column_offset = field.value_location.column - 1;
    return source;
  }
  source.line_offset = mark.line + 1;
  size_t pos = text.find('\n', mark.pos);
  while (pos != std::string_view::npos) {
    size_t start = pos + 1;
    size_t indent = 0;
    while (start + indent < text.size() && text[start + indent] == ' ') {
      ++indent;
    }
    if (start + indent < text.size() && text[start + indent] != '\n' &&
        text[start + indent] != '\r') {
      source.column_offset = static_cast<int>(indent);
      break;
    }
    pos = text.find('\n', start);
  }
  return source;
}

void ParseManifestItem(const Field& field, SetupItem& item, ParseState& state) {
  auto path = ReadString(field, state.diag);
  if (!path) {
    return;
  }
  item.source = ResolveManifestPath(state.source.file, *path);
  if (!state.ctx.read_file) {
    state.diag.Add(field.value_location,
                   field.path + ": cannot read manifest \"" + *path +
                       "\": no file reader was given (use an inline manifest)");
    return;
  }
  Result<std::string> text = state.ctx.read_file(item.source);
  if (!text) {
    state.diag.Add(field.value_location, field.path + ": cannot read manifest \"" + *path +
                                             "\": " + text.error().message);
    return;
  }
  YamlSource source{item.source, 0, 0};
  item.objects = ParseManifestObjects(*text, source, "manifest \"" + item.source + "\"",
                                      state.diag);
}

void ParseInlineItem(const Field& field, SetupItem& item, ParseState& state) {
  item.source = "<inline>";
  auto text = ReadString(field, state.diag);
  if (!text) {
    return;
  }
  item.objects =
      ParseManifestObjects(*text, InlineSource(field, state), "inline manifest", state.diag);
}

}  // namespace

std::vector<SetupItem> ParseSetup(const Field& field, ParseState& state) {
  std::vector<SetupItem> out;
  auto items = ReadList(field, /*non_empty=*/false, state.source, state.diag);
  if (!items) {
    return out;
  }
  for (const auto& entry : *items) {
    SetupItem item;
    item.location = entry.value_location;
    MapReader map(entry.value, entry.path, entry.value_location, state.source, state.diag);
    if (!map.valid()) {
      continue;
    }
    map.CheckKeys(kSetupKeys);
    const Field* manifest = map.Find("manifest");
    const Field* inline_text = map.Find("inline");
    if (manifest != nullptr && inline_text != nullptr) {
      state.diag.Add(inline_text->key_location,
                     entry.path + ": a setup item has either \"manifest:\" (a path) or "
                                  "\"inline:\" (YAML text), not both");
      continue;
    }
    if (manifest == nullptr && inline_text == nullptr) {
      state.diag.Add(entry.value_location,
                     entry.path + ": a setup item needs \"manifest:\" (a path relative to the "
                                  "drill file) or \"inline:\" (YAML text)");
      continue;
    }
    if (manifest != nullptr) {
      ParseManifestItem(*manifest, item, state);
    } else {
      ParseInlineItem(*inline_text, item, state);
    }
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace kdrill::drill
