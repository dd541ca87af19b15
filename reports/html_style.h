#pragma once
// The HTML report's inline stylesheet, and the legend of the picture's marks
// that its own key (the pod states and the claim, drawn by
// reports/lanes_svg.cpp) does not show, in the colours it draws them with.
// Light and dark colour schemes; prints on paper without the folded timeline.

namespace kdrill::reports {

inline constexpr const char* kReportCss = R"css(:root { color-scheme: light dark; --fg: #1d232a; --muted: #5b6570; --line: #d5dae0;
  --pass: #1f7a3a; --fail: #b3261e; --skip: #8a6d00; --int: #6b4fa3; --bg-soft: #f4f6f8; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e9ec; --muted: #a3adb8; --line: #3a4149;
  --pass: #5cc27a; --fail: #ff7b72; --skip: #d6b443; --int: #b99cf0; --bg-soft: #1e2328; } }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg);
  margin: 0 auto; padding: 1rem 2rem 3rem; max-width: 1200px; }
h1 { font-size: 1.5rem; margin: .5rem 0; } h2 { font-size: 1.3rem; margin: 2rem 0 .3rem; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; } h4 { margin: .2rem 0; font-size: 1rem; }
.badge { display: inline-block; padding: 0 .5em; border-radius: 4px; color: #fff; font-size: .85em;
  font-weight: 600; letter-spacing: .03em; vertical-align: middle; }
.badge.verdict-passed { background: var(--pass); } .badge.verdict-failed { background: var(--fail); }
.badge.verdict-interrupted { background: var(--int); }
ul.drills { padding-left: 1.2rem; } section.drill { border-top: 1px solid var(--line); }
.summary, .note, .missing { color: var(--muted); }
table { border-collapse: collapse; margin: .3rem 0; }
th, td { text-align: left; padding: .2rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { font-weight: 600; color: var(--muted); }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.verdict { font-weight: 700; } td.message { max-width: 42rem; }
tr.outcome-passed td.verdict { color: var(--pass); } tr.outcome-failed td.verdict { color: var(--fail); }
tr.outcome-error td.verdict { color: var(--fail); } tr.outcome-skipped td.verdict { color: var(--skip); }
tr.outcome-failed, tr.outcome-error { background: color-mix(in srgb, var(--fail) 8%, transparent); }
figure.lanes { margin: .5rem 0; overflow-x: auto; } figure.lanes svg { display: block; background: #fff; border-radius: 4px; }
figcaption { color: var(--muted); font-size: .85rem; margin-top: .3rem; }
.swatch { display: inline-block; width: .9em; height: .9em; border-radius: 2px; vertical-align: -.1em;
  margin: 0 .25em 0 .8em; }
.swatch.fault { background: #c62828; width: .2em; } .swatch.victim { background: #c62828;
  clip-path: polygon(0 0, 100% 0, 50% 90%); } .swatch.wait { background: #c6dbef; }
.swatch.overlap { background: repeating-linear-gradient(45deg, #c62828 0 2px, transparent 2px 5px); }
article.failure { border-left: 4px solid var(--fail); padding: .2rem .8rem; margin: .6rem 0;
  background: var(--bg-soft); }
pre.details { white-space: pre-wrap; font-size: .85rem; margin: .3rem 0; }
p.explain { color: var(--muted); font-size: .9rem; }
table.properties th { color: var(--muted); font-weight: 500; }
details.timeline { margin-top: 1rem; } details.timeline td { font-size: .8rem; padding: .05rem .5rem; }
@media print { details.timeline { display: none; } }
)css";

inline constexpr const char* kLegendHtml =
    "<span class=\"swatch fault\"></span>a fault, at the time it was injected"
    "<span class=\"swatch victim\"></span>the lane it hit"
    "<span class=\"swatch wait\"></span>a wait (red: it timed out)"
    "<span class=\"swatch overlap\"></span>two incarnations writing to one claim at once. "
    "Hover over a bar for its pod UID, node and times.";

}  // namespace kdrill::reports
