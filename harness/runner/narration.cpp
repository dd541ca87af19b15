#include "harness/runner/narration.h"

#include <sstream>

namespace kdrill {

std::vector<std::string> NarrationLines(const std::string& text, const std::string& indent,
                                        const std::string& label, size_t width) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  const std::string first = indent + label;
  const std::string rest(first.size(), ' ');
  std::string line = first;
  bool line_has_words = false;
  auto flush = [&] {
    out.push_back(line);
    line = rest;
    line_has_words = false;
  };
  std::istringstream paragraphs(text);
  std::string paragraph;
  bool first_paragraph = true;
  while (std::getline(paragraphs, paragraph)) {
    if (!first_paragraph) flush();
    first_paragraph = false;
    std::istringstream words(paragraph);
    std::string word;
    while (words >> word) {
      if (line_has_words && line.size() + 1 + word.size() > width) flush();
      if (line_has_words) line += ' ';
      line += word;
      line_has_words = true;
    }
  }
  flush();
  // A trailing blank paragraph leaves an indent-only line: drop it.
  while (!out.empty() && out.back().find_first_not_of(' ') == std::string::npos) out.pop_back();
  return out;
}

}  // namespace kdrill
