#pragma once
// Keeping credentials out of what kdrill prints and records: messages,
// reports (JUnit, JSON), the journal.

#include <string>
#include <string_view>
#include <vector>

namespace kdrill {

// `url` with its userinfo ("user:password@"), its query and its fragment each
// replaced by "REDACTED": "https://u:p@host:6443/x?token=t" becomes
// "https://REDACTED@host:6443/x?REDACTED". A URL without them comes back
// unchanged, so RedactUrl(url) == url says it carries none.
std::string RedactUrl(std::string_view url);

// `text` with every occurrence of each secret replaced by "[redacted]"; a
// secret of several lines is also looked for line by line (a PEM key printed
// in pieces). Secrets shorter than 4 bytes are ignored: they would mangle the
// text without hiding anything.
std::string RedactSecrets(std::string text, const std::vector<std::string>& secrets);

// `text` with what looks like a credential replaced by "[redacted]", for
// text kdrill relays but did not write and whose secrets it cannot know
// (kubectl's stderr, which carries what an exec plugin kubectl ran printed):
// JSON Web Tokens (ServiceAccount and OIDC tokens: "eyJ...", three
// base64url parts), the word after "Bearer", and PEM private key blocks.
std::string RedactCredentialShapes(std::string text);

}  // namespace kdrill
