#pragma once
// JUnit XML for CI systems: one <testsuite> per drill inside <testsuites>,
// one <testcase> per CaseResult. Valid against the Jenkins xunit schema
// (shared/junit/junit-10.xsd):
//   - suite <properties>: seed, namespace, statefulset, cluster, context,
//     drill.file, started_at (each when known), then the run's own
//     properties (a run property never overrides one of those names);
//   - the schema has no testcase-level <properties>, so a case's properties
//     go into its <system-out> as [[PROPERTY|key=value]] lines, then
//     [[ATTACHMENT|path]] when RunReport::attachment is set (also first in
//     the suite's <system-out>), then its log lines;
//   - failure -> <failure message type>details</failure>, error -> <error>,
//     skipped -> <skipped message>;
//   - suite <system-out> holds the timeline;
//   - time attributes are seconds with 3 decimals; timestamp is UTC
//     "YYYY-MM-DDTHH:MM:SS" (see junit_timestamp.h);
//   - text is made XML-safe (xml_text.h) before pugixml escapes it.

#include <span>
#include <string>

#include "harness/core/status.h"
#include "reports/run_report.h"

namespace kdrill::reports {

// The XML document (UTF-8, with declaration), for one or several drills.
std::string RenderJunit(const RunReport& report);
std::string RenderJunit(std::span<const RunReport> reports);

// Renders and writes atomically (atomic_file.h). Errors: kIo naming the path.
Status WriteJunitFile(const RunReport& report, const std::string& path);
Status WriteJunitFile(std::span<const RunReport> reports, const std::string& path);

}  // namespace kdrill::reports
