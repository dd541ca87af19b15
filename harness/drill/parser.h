#pragma once
// The drill file format (harness/drill/FORMAT.md) to the Drill model.
//
// Strict: unknown keys, wrong types, unknown fault/wait/assertion names and
// missing required keys are errors. Every problem found is reported, one per
// line of Error::message, each line starting with "file:line:col: ".

#include <functional>
#include <string>
#include <string_view>

#include "harness/core/status.h"
#include "harness/drill/catalog.h"
#include "harness/drill/model.h"

namespace kdrill::drill {

// The drill format version this parser reads.
inline constexpr std::string_view kDrillApiVersion = "kdrill.io/v1alpha1";
inline constexpr std::string_view kDrillKind = "Drill";

struct ParseContext {
  // Reads a setup manifest named by path. It receives the path already
  // resolved against the drill file's directory (absolute paths unchanged).
  // Errors: kNotFound / kIo with a message naming the path. When unset, a
  // `manifest:` setup item is an error (inline manifests still work).
  std::function<Result<std::string>(const std::string& path)> read_file;
};

// Parses and validates one drill. `file` is used in every location and to
// resolve manifest paths; `text` is the file's content. Names and params are
// checked against `catalog` (ValidateFault / ValidateWait / ValidateAssertion
// run only for known names).
// Errors: kInvalidArgument, message = one "file:line:col: ..." line per problem.
Result<Drill> ParseDrill(std::string_view text, const std::string& file, const Catalog& catalog,
                         const ParseContext& ctx);

// Reads `path` from disk and parses it, reading manifests from disk too; both
// only from regular files of at most kMaxInputFileBytes (harness/core/regular_file.h).
// Errors: kNotFound / kIo / kInvalidArgument "<path>:1:1: cannot read the drill
// file: ...", or ParseDrill's.
Result<Drill> LoadDrillFile(const std::string& path, const Catalog& catalog);

// The whole content of a regular file. Errors: ReadRegularFile's, with the path.
Result<std::string> ReadFileFromDisk(const std::string& path);

}  // namespace kdrill::drill
