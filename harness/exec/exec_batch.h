#pragma once
// ExecBatch: several commands in ONE exec. Each `kubectl exec` costs the API
// server two requests and ~100 ms, so an assertion that needs several answers
// from one container asks for them at once. A POSIX sh script (busybox is
// enough) runs every part in order, whatever the parts before it exited, and
// frames each part's stdout, and likewise its stderr, between two lines that
// carry the part's name and exit status:
//
//   @@kdrill-part@@ begin NAME
//   <what the part wrote, byte for byte>
//   @@kdrill-part@@ end NAME rc=N      (the script writes a newline of its own before it)
//
// Part(name) answers as if that command had run alone, so the checks that
// read the answer stay as they were. The parts' argv travel as positional
// arguments, never pasted into the script.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/exec/pod_executor.h"

namespace kdrill {

struct BatchPart {
  std::string name;               // a word without spaces, unique in its batch
  std::vector<std::string> argv;  // run as-is; never empty
  // Safe to run twice (a removal): when the batch gave no answer for it (the
  // exec failed, or ended before the part finished), Part() runs it alone.
  bool rerun_if_unanswered = false;
};

class ExecBatch {
 public:
  // base: namespace, pod, container and timeout of the one exec (its argv
  // and stdin are ignored). Nothing runs until the first Part().
  ExecBatch(PodExecutor& exec, ExecRequest base, std::vector<BatchPart> parts);

  // The answer of part `name`, as if its argv had run alone:
  //  - its exit status, stdout and stderr as the batch framed them;
  //  - when the container cannot run the batch's shell (no sh, as
  //    ExecCannotRun tells), the part run alone: an image without sh may
  //    still have the command, and then answers exactly as before batching;
  //  - when the exec failed, its error; when it ended before the part
  //    finished, an error saying so, never a made-up exit status.
  // The first call runs the batch (one exec); a batch of one part runs that
  // part's argv directly, unframed. Answers are kept: asking again runs nothing.
  // REQUIRES: name is one of the parts.
  Result<ExecResult> Part(std::string_view name);

 private:
  Result<ExecResult> Alone(const BatchPart& part);

  PodExecutor& exec_;
  ExecRequest base_;
  std::vector<BatchPart> parts_;
  std::optional<Result<ExecResult>> whole_;
  std::map<std::string, Result<ExecResult>, std::less<>> alone_;
};

// True when the batch's answer shows that its shell never ran (no section
// at all, and ExecCannotRun): the container has no sh.
bool BatchCouldNotRun(const Result<ExecResult>& whole);
// One part's answer read from the batch's answer alone (nothing is run): its
// section; else the exec's error; else an error saying the exec in `pod`
// ended before the part finished.
Result<ExecResult> PartFromBatch(const Result<ExecResult>& whole, const BatchPart& part, std::string_view pod);

// The argv of a batch: sh -c SCRIPT sh NAME COUNT ARG... NAME COUNT ARG...
std::vector<std::string> BatchArgv(const std::vector<BatchPart>& parts);
// Its inverse, for fakes that answer a batch part by part; nullopt when argv
// is not a batch.
std::optional<std::vector<BatchPart>> ParseBatchArgv(const std::vector<std::string>& argv);

// One part's section of framed output (stdout or stderr): what the part
// wrote, and its exit status (nullopt when the end line is missing: the part
// never finished). nullopt when the part never began.
struct PartSection {
  std::string body;
  std::optional<int> rc;
};
std::optional<PartSection> FindPart(std::string_view framed, std::string_view name);
// A section as the batch script writes it (rc nullopt: no end line), for fakes.
std::string FramePart(std::string_view name, std::string_view body, std::optional<int> rc);

}  // namespace kdrill
