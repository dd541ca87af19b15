// Checks against the Catalog: known names, and running its validators.
#include <exception>

#include "harness/drill/parse_sections.h"
#include "harness/drill/suggest.h"

namespace kdrill::drill {

bool CheckKnownName(const Field& field, const std::string& value,
                    const std::vector<std::string>& known, const std::string& noun,
                    const std::string& plural, Diagnostics& diag) {
  for (const auto& k : known) {
    if (k == value) {
      return true;
    }
  }
  std::string message = field.path + ": unknown " + noun + " \"" + value + "\"" +
                        DidYouMean(value, known) + "; known " + plural + ": " +
                        (known.empty() ? std::string("(none registered)") : QuoteList(known));
  diag.Add(field.value_location, message);
  return false;
}

void RunValidator(const std::function<Status()>& validate, const SourceLocation& where,
                  Diagnostics& diag) {
  try {
    Status status = validate();
    if (!status) {
      diag.AddFormatted(status.error().message, where);
    }
  } catch (const std::exception& e) {
    diag.Add(where, std::string("validator failed: ") + e.what());
  }
}

}  // namespace kdrill::drill
