// Journal::Open: reads a journal back, checking every line against the
// format journal.h documents, so that recover never acts on (or prints) a
// field it had to guess. Never throws.

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>

#include "harness/undo/journal.h"

namespace kdrill {

namespace {

constexpr const char* kWhatToDo =
    "kdrill cannot tell from it what the run changed: check the cluster by hand against the lines that "
    "can be read (they are JSON), then move the file out of the journal directory";

const char* TypeName(const Json& v) {
  if (v.is_string()) return "a string";
  if (v.is_number()) return "a number";
  if (v.is_boolean()) return "a boolean";
  if (v.is_object()) return "an object";
  if (v.is_array()) return "an array";
  return "null";
}

// Each reader sets problem (and returns false) when the field is missing or
// of another type.
bool ReadString(const Json& rec, const char* key, std::string& out, std::string& problem) {
  auto it = rec.find(key);
  if (it == rec.end()) {
    problem = std::string("no \"") + key + "\" field";
    return false;
  }
  if (!it->is_string()) {
    problem = std::string("\"") + key + "\" is " + TypeName(*it) + ", expected a string";
    return false;
  }
  out = it->get_ref<const std::string&>();
  return true;
}

bool ReadId(const Json& rec, int& out, std::string& problem) {
  auto it = rec.find("id");
  if (it == rec.end()) {
    problem = "no \"id\" field";
    return false;
  }
  if (!it->is_number_integer() || it->get<int64_t>() < 1 || it->get<int64_t>() > std::numeric_limits<int>::max()) {
    problem = "\"id\" is " + (it->is_number_integer() ? it->dump() : std::string(TypeName(*it))) +
              ", expected a whole number from 1";
    return false;
  }
  out = static_cast<int>(it->get<int64_t>());
  return true;
}

bool ReadAction(const Json& rec, Json& out, std::string& problem) {
  auto it = rec.find("action");
  if (it == rec.end() || !it->is_object()) {
    problem = it == rec.end() ? "no \"action\" field" : std::string("\"action\" is ") + TypeName(*it) +
                                                            ", expected an object";
    return false;
  }
  std::string kind;
  if (!ReadString(*it, "kind", kind, problem)) {
    problem = "action: " + problem;
    return false;
  }
  out = *it;
  return true;
}

}  // namespace

Result<Journal> Journal::Open(const std::string& path) {
  auto damaged = [&path](int lineno, const std::string& what) {
    std::string where = lineno > 0 ? "line " + std::to_string(lineno) + ": " : "";
    return MakeError(ErrorCode::kInvalidArgument, "journal " + path + " is damaged: " + where + what + "; " + kWhatToDo);
  };
  std::error_code ec;
  if (auto type = std::filesystem::status(path, ec).type();
      type != std::filesystem::file_type::regular && type != std::filesystem::file_type::not_found &&
      type != std::filesystem::file_type::none) {
    return MakeError(ErrorCode::kInvalidArgument, "journal " + path + " is not a file; pass a .journal file");
  }
  std::ifstream in(path);
  if (!in) {
    return MakeError(ErrorCode::kNotFound, "journal " + path + " cannot be read: " + std::strerror(errno));
  }
  Journal j;
  j.path_ = path;
  std::set<int> ids;
  std::string line;
  std::string problem;
  int lineno = 0;
  bool saw_begin = false;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty()) continue;
    Json rec = Json::parse(line, nullptr, false);
    if (rec.is_discarded() || !rec.is_object()) {
      // A crash can tear only the last line; anything earlier is corruption.
      if (in.peek() == EOF) break;
      return damaged(lineno, "not a JSON object");
    }
    std::string op;
    if (!ReadString(rec, "op", op, problem)) return damaged(lineno, problem);
    if (!saw_begin && op != "begin") return damaged(lineno, "the first record is \"" + op + "\", expected \"begin\"");
    if (op == "begin") {
      if (saw_begin) return damaged(lineno, "a second \"begin\" record");
      saw_begin = true;
      auto& h = j.header_;
      if (!ReadString(rec, "run", h.run_id, problem) || !ReadString(rec, "drill", h.drill, problem) ||
          !ReadString(rec, "context", h.context, problem) || !ReadString(rec, "server", h.server, problem) ||
          !ReadString(rec, "started", h.started, problem)) {
        return damaged(lineno, "begin: " + problem);
      }
      if (rec.contains("kubeconfig") && !ReadString(rec, "kubeconfig", h.kubeconfig, problem)) {
        return damaged(lineno, "begin: " + problem);
      }
      if (h.run_id.empty()) return damaged(lineno, "begin: \"run\" is empty");
    } else if (op == "undo") {
      UndoRecord r;
      if (!ReadId(rec, r.id, problem) || !ReadString(rec, "step", r.step, problem) ||
          !ReadString(rec, "description", r.description, problem) || !ReadAction(rec, r.action, problem)) {
        return damaged(lineno, "undo: " + problem);
      }
      if (!ids.insert(r.id).second) return damaged(lineno, "undo: id " + std::to_string(r.id) + " appears twice");
      j.records_.push_back(std::move(r));
    } else if (op == "done") {
      int id = 0;
      std::string result;
      if (!ReadId(rec, id, problem) || !ReadString(rec, "result", result, problem)) {
        return damaged(lineno, "done: " + problem);
      }
      if (!ids.contains(id)) return damaged(lineno, "done: no undo record has id " + std::to_string(id));
      for (auto& r : j.records_) {
        if (r.id == id) {
          r.done = true;
          r.result = result;
        }
      }
    } else if (op == "end") {
      j.ended_ = true;
    } else {
      return damaged(lineno, "unknown op \"" + op + "\"");
    }
  }
  if (!saw_begin) {
    return MakeError(ErrorCode::kInvalidArgument, "journal " + path +
                                                      " is not a kdrill journal: it is empty or truncated (no begin "
                                                      "record); if it came from an interrupted run, " + kWhatToDo);
  }
  j.fd_ = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (j.fd_ < 0) {
    return MakeError(ErrorCode::kIo,
                     "cannot open journal for writing " + path + ": " + std::strerror(errno));
  }
  return j;
}

}  // namespace kdrill
