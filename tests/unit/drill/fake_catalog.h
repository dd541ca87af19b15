#pragma once
// A small Catalog for parser tests: three faults, three wait conditions,
// five assertions (two of them judge spec.workload) and two workload
// clients, with validators that use Params like real ones will.

#include <map>
#include <string>
#include <vector>

#include "harness/drill/catalog.h"
#include "harness/drill/parser.h"

namespace kdrill::drill::testing {

class FakeCatalog : public Catalog {
 public:
  std::vector<std::string> FaultNames() const override {
    return {"pod-kill", "node-drain", "pvc-delete"};
  }
  std::vector<std::string> AssertionNames() const override {
    return {"stable-identity", "same-pvc", "ordering", "acknowledged-writes",
            "max-unavailability"};
  }
  std::vector<std::string> WaitConditions() const override {
    return {"statefulset-settled", "pod-ready", "duration"};
  }
  std::vector<std::string> WorkloadClients() const override { return {"postgres", "redis", "sh-append"}; }
  std::vector<std::string> InPodWorkloadClients() const override { return {"sh-append"}; }

  Status ValidateFault(const Step& step) const override {
    if (step.fault == "pod-kill") {
      if (auto s = step.params.CheckKnownKeys({"gracePeriodSeconds"}, "fault pod-kill"); !s) {
        return s;
      }
      auto grace = step.params.GetInt("gracePeriodSeconds", 30);
      if (!grace) {
        return std::unexpected(grace.error());
      }
      if (step.target.kind == VictimSelector::Kind::kNone) {
        return MakeError(ErrorCode::kInvalidArgument,
                         step.location.ToString() + ": pod-kill needs a target");
      }
      if (step.target.kind == VictimSelector::Kind::kNodes) {
        return MakeError(ErrorCode::kInvalidArgument,
                         step.target.location.ToString() + ": pod-kill targets pods, not nodes");
      }
      return Ok();
    }
    if (step.fault == "node-drain") {
      if (step.target.kind != VictimSelector::Kind::kNodes &&
          step.target.kind != VictimSelector::Kind::kNone) {
        return MakeError(ErrorCode::kInvalidArgument,
                         step.target.location.ToString() + ": node-drain takes nodes");
      }
      return step.params.CheckKnownKeys({}, "fault node-drain");
    }
    return Ok();
  }

  Status ValidateAssertion(const AssertionSpec& spec) const override {
    return spec.params.CheckKnownKeys({"maxSeconds", "ordinals"}, "assertion " + spec.type);
  }

  Status ValidateWait(const WaitSpec& spec) const override {
    if (spec.condition == "pod-ready") {
      auto ordinal = spec.params.GetInt("ordinal", -1);
      if (!ordinal) {
        return std::unexpected(ordinal.error());
      }
      if (*ordinal < 0) {
        return std::unexpected(spec.params.ErrorAt("ordinal", "pod-ready needs params.ordinal"));
      }
    }
    return Ok();
  }
};

// A ParseContext whose reader serves `files` and records what was asked.
struct FakeFiles {
  std::map<std::string, std::string> files;
  std::vector<std::string> requested;

  ParseContext Context() {
    ParseContext ctx;
    ctx.read_file = [this](const std::string& path) -> Result<std::string> {
      requested.push_back(path);
      auto it = files.find(path);
      if (it == files.end()) {
        return MakeError(ErrorCode::kNotFound, path + ": no such file");
      }
      return it->second;
    };
    return ctx;
  }
};

// The lines of a (multi-line) error message, in order; a trailing newline
// gives a last empty line.
inline std::vector<std::string> MessageLines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) {
      out.push_back(text.substr(start));
      break;
    }
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

}  // namespace kdrill::drill::testing
