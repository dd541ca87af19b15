#pragma once
// The HTML report: one self-contained page (inline CSS and SVG, no script,
// no network) to read a run the morning after. Per drill, in file order:
//   - the verdict (PASSED / FAILED / INTERRUPTED) and the target;
//   - the verdict table, one row per case (tr.case, data-outcome);
//   - the picture of the run (reports/lanes_svg.h), or a note saying why
//     there is none (no recording; a report from an older kdrill);
//   - the recovery time per ordinal, read off the picture;
//   - each failure and error with its one-line verdict, its detail (the
//     diagnosis, expected versus seen) and the step's explain:;
//   - the run's properties (seed, cluster, context, versions, run id);
//   - kdrill's own API traffic per phase, when counted (reports/api_stats.h);
//   - the whole timeline, folded (<details>).
// Text from the cluster is escaped and made XML-safe (XmlEscape, xml_text.h).

#include <span>
#include <string>

#include "harness/core/status.h"
#include "reports/run_report.h"

namespace kdrill::reports {

std::string RenderHtml(std::span<const RunReport> reports);

// Renders and writes atomically (atomic_file.h). Errors: kIo naming the path.
Status WriteHtmlFile(std::span<const RunReport> reports, const std::string& path);

}  // namespace kdrill::reports
