#pragma once
// `kdrill run --step`: before each step, what it is about to do and its
// narration, then one key: Enter runs it, s skips it, q stops the run and
// cleans up (as a first Ctrl-C does). After each step, its outcome.
//
// Keys are read one at a time (the terminal in non-canonical mode, no echo,
// only while the prompt waits; Ctrl-C still interrupts). Keys typed while a
// step ran are discarded before the next prompt, so nothing runs until the
// person answers it. A closed stdin stops the run like q.

#include <functional>
#include <string>
#include <stop_token>

#include "harness/core/status.h"
#include "harness/runner/runner.h"

namespace kdrill::cli {

// --step needs a terminal on `fd` (stdin): an error saying so otherwise.
Status CheckStepTerminal(int fd);

class StepPrompt {
 public:
  // print shows one line (the console, above the live table when there is
  // one). on_quit stops the run (the CLI's signal guard); it is called once,
  // on q or a closed stdin.
  StepPrompt(int in_fd, std::function<void(const std::string&)> print, std::stop_token stop,
             std::function<void()> on_quit);
  StepAnswer Ask(const StepPreview& step);
  void Told(const StepPreview& step, const reports::CaseResult& result);

 private:
  int fd_;
  std::function<void(const std::string&)> print_;
  std::stop_token stop_;
  std::function<void()> on_quit_;
};

}  // namespace kdrill::cli
