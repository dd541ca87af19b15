#pragma once
// Text that XML 1.0 can carry. Messages and logs come from the cluster and
// from tools (kubectl colours, binary junk in a pod's output); XML escaping
// alone does not make them valid, since most control characters are not
// allowed in XML at all, not even as &#N; references.

#include <string>
#include <string_view>

namespace kdrill::reports {

// Returns `text` with: ANSI escape sequences (ESC [ ... final byte) removed;
// other characters not allowed in XML 1.0 written as "\xNN"; invalid UTF-8
// bytes replaced by U+FFFD. Tab, newline and carriage return are kept.
std::string XmlSafeText(std::string_view text);

// XmlSafeText(text) with & < > " ' written as entities (&#39; for the
// apostrophe): safe as element text and as a quoted attribute value, in XML
// (the SVG) and in HTML alike.
std::string XmlEscape(std::string_view text);

}  // namespace kdrill::reports
