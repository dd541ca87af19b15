#pragma once
// yaml-cpp, guarded: every YAML text kdrill reads (drills, manifests,
// kubeconfigs) goes through LoadYamlDocuments, never YAML::Load/LoadAll.
//
// yaml-cpp 0.7 builds aliases as shared nodes, so a text of a few lines can
// stand for a graph that never ends: an alias inside its own anchor is a
// cycle (walking it overflows the stack), and anchors of anchors expand
// exponentially ("billion laughs"). Some malformed texts (one starting with
// ',') make yaml-cpp's LoadAll produce empty documents forever. The guard
// first runs yaml-cpp's event parser over the text and stops it at the first
// of these; only a text that passes is built into nodes.

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace kdrill::yaml {

struct Limits {
  std::size_t max_bytes = 4u << 20;   // the text itself
  std::size_t max_nodes = 200'000;    // scalars and collections, aliases expanded
  int max_depth = 100;                // nested collections
  std::size_t max_documents = 1'000;  // documents in one stream
};

// Why a text was refused. `mark` is yaml-cpp's (0-based line and column;
// line -1 when there is no position, e.g. for the size limit). `message`
// says what is wrong and what to do, without quoting the text; a syntax
// error's message starts with "YAML syntax error: ".
struct LoadProblem {
  std::string message;
  YAML::Mark mark = YAML::Mark::null_mark();
};

// Every document of `text`, in order (an empty text gives none). A text that
// breaks a limit, has an alias inside its own anchor, is not UTF-8 (a NUL
// byte, as UTF-16/32 have, included), has an escape that names no character,
// or is not YAML gives
// the problem found first. Never throws.
std::expected<std::vector<YAML::Node>, LoadProblem> LoadYamlDocuments(std::string_view text,
                                                                      const Limits& limits = {});

}  // namespace kdrill::yaml
