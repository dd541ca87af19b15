#include "harness/core/yaml_load.h"

#include <map>
#include <sstream>

#include <yaml-cpp/eventhandler.h>

#include "harness/core/text.h"

namespace kdrill::yaml {
namespace {

// Thrown from the event handler to stop yaml-cpp's parser at the first
// problem; caught in LoadYamlDocuments and never seen outside this file.
struct Stop {
  LoadProblem problem;
};

[[noreturn]] void StopAt(const YAML::Mark& mark, std::string message) {
  throw Stop{LoadProblem{std::move(message), mark}};
}

// Counts what the text expands to while yaml-cpp parses it.
class Checker : public YAML::EventHandler {
 public:
  explicit Checker(const Limits& limits) : limits_(limits) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    // yaml-cpp 0.7 loops on some malformed texts, starting one empty document
    // after another at the same place without consuming anything.
    if (documents_ > 0 && mark.pos == last_document_pos_) {
      StopAt(mark, "YAML syntax error: unexpected character here (the parser cannot go on)");
    }
    if (++documents_ > limits_.max_documents) {
      StopAt(mark, "more than " + std::to_string(limits_.max_documents) +
                       " YAML documents in one file");
    }
    last_document_pos_ = mark.pos;
    anchor_sizes_.clear();
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { Leaf(mark, anchor); }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    // An escape such as "\ud800" names no character: yaml-cpp writes bytes
    // that are not UTF-8.
    if (FirstInvalidUtf8(value) != std::string::npos || FirstInvalidUtf8(tag) != std::string::npos) {
      StopAt(mark, "this value is not valid Unicode (an escape such as \\ud800 names no "
                   "character)");
    }
    Leaf(mark, anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    for (const Open& open : open_) {
      if (open.anchor != 0 && open.anchor == anchor) {
        StopAt(mark, "this alias refers to a node that contains it, so the document never "
                     "ends; copy the values instead of the alias");
      }
    }
    auto size = anchor_sizes_.find(anchor);
    Add(mark, size == anchor_sizes_.end() ? 1 : size->second);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Start(mark, anchor);
  }
  void OnSequenceEnd() override { End(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Start(mark, anchor);
  }
  void OnMapEnd() override { End(); }

 private:
  struct Open {
    YAML::anchor_t anchor = 0;
    std::size_t nodes = 1;  // itself and everything below it so far
  };

  // `n` more nodes in the total.
  void Count(const YAML::Mark& mark, std::size_t n) {
    total_ += n;
    if (total_ > limits_.max_nodes) {
      StopAt(mark, "the text expands to more than " + std::to_string(limits_.max_nodes) +
                       " values (aliases counted as copies); a drill or manifest needs far "
                       "fewer, so look for aliases of aliases");
    }
  }
  // `n` more nodes below the innermost open collection (a collection's own
  // count reaches its parent when it ends).
  void Add(const YAML::Mark& mark, std::size_t n) {
    Count(mark, n);
    if (!open_.empty()) {
      open_.back().nodes += n;
    }
  }
  void Leaf(const YAML::Mark& mark, YAML::anchor_t anchor) {
    Add(mark, 1);
    if (anchor != 0) {
      anchor_sizes_[anchor] = 1;
    }
  }
  void Start(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (static_cast<int>(open_.size()) >= limits_.max_depth) {
      StopAt(mark, "nested deeper than " + std::to_string(limits_.max_depth) +
                       " levels; kdrill reads at most that many");
    }
    Count(mark, 1);
    open_.push_back(Open{anchor, 1});
  }
  void End() {
    Open done = open_.back();
    open_.pop_back();
    if (done.anchor != 0) {
      anchor_sizes_[done.anchor] = done.nodes;
    }
    if (!open_.empty()) {
      open_.back().nodes += done.nodes;
    }
  }

  const Limits& limits_;
  std::vector<Open> open_;
  std::map<YAML::anchor_t, std::size_t> anchor_sizes_;
  std::size_t total_ = 0;
  std::size_t documents_ = 0;
  int last_document_pos_ = 0;
};

// yaml-cpp's 0-based mark of a byte offset (columns count bytes).
YAML::Mark MarkAt(std::string_view text, std::size_t offset) {
  YAML::Mark mark;
  mark.pos = static_cast<int>(offset);
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++mark.line;
      line_start = i + 1;
    }
  }
  mark.column = static_cast<int>(offset - line_start);
  return mark;
}

}  // namespace

std::expected<std::vector<YAML::Node>, LoadProblem> LoadYamlDocuments(std::string_view text,
                                                                      const Limits& limits) {
  if (text.size() > limits.max_bytes) {
    return std::unexpected(LoadProblem{"the text is " + Mebibytes(text.size()) +
                                       "; kdrill reads at most " + Mebibytes(limits.max_bytes)});
  }
  // kdrill reads UTF-8 only. yaml-cpp would guess UTF-16 or UTF-32 from NUL
  // bytes and pass stray bytes through into values that JSON cannot hold.
  if (size_t nul = text.find('\0'); nul != std::string_view::npos) {
    return std::unexpected(LoadProblem{
        "the text holds a NUL byte; kdrill reads UTF-8 only (save a UTF-16 or UTF-32 file as "
        "UTF-8)",
        MarkAt(text, nul)});
  }
  if (size_t bad = FirstInvalidUtf8(text); bad != std::string_view::npos) {
    return std::unexpected(LoadProblem{
        "the text is not UTF-8 (byte 0x" + HexByte(static_cast<unsigned char>(text[bad])) +
            "); save the file as UTF-8",
        MarkAt(text, bad)});
  }
  std::string owned(text);
  try {
    std::istringstream events_in(owned);
    YAML::Parser parser(events_in);
    Checker checker(limits);
    while (parser.HandleNextDocument(checker)) {
    }
  } catch (const Stop& stop) {
    return std::unexpected(stop.problem);
  } catch (const YAML::Exception& e) {
    return std::unexpected(LoadProblem{"YAML syntax error: " + e.msg, e.mark});
  }
  try {
    return YAML::LoadAll(owned);
  } catch (const YAML::Exception& e) {
    return std::unexpected(LoadProblem{"YAML syntax error: " + e.msg, e.mark});
  }
}

}  // namespace kdrill::yaml
