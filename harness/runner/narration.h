#pragma once
// The `explain:` narration of steps and assertions as console lines, for
// `kdrill plan` and `kdrill run --step`.

#include <string>
#include <vector>

namespace kdrill {

// `text` under `label` ("explain: "), each paragraph line word-wrapped to
// `width` columns, continuation lines aligned under the text:
//   "  explain: web-1 will be killed. Watch: it comes back"
//   "           with the same name and the same claim."
// Empty text gives no lines. A word longer than the width stays whole.
std::vector<std::string> NarrationLines(const std::string& text, const std::string& indent,
                                        const std::string& label, size_t width = 100);

}  // namespace kdrill
