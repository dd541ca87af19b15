#include "reports/lanes_svg.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "harness/cluster/statefulset.h"
#include "reports/xml_text.h"

namespace kdrill::reports {

namespace {

constexpr double kLeftGutter = 170;   // lane labels
constexpr double kRightGutter = 150;  // recovery figures
constexpr double kRowHeight = 14;     // a row of fault labels or waits in the top band
constexpr double kCharWidth = 6.2;    // an 11px sans-serif character, to estimate label widths
constexpr const char* kStates[] = {"Pending", "Scheduled", "Running", "Ready", "Terminating", "Finished"};

constexpr std::string_view kStyle = R"css(
svg.lanes{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;font-size:11px}
svg.lanes text{fill:#222}
svg.lanes .state-Pending{fill:#c9c9c9}
svg.lanes .state-Scheduled{fill:#9ecae1}
svg.lanes .state-Running{fill:#f2c14e}
svg.lanes .state-Ready{fill:#4caf50}
svg.lanes .state-Terminating{fill:#e4572e}
svg.lanes .state-Finished{fill:#7f7f7f}
svg.lanes .lane-bg{fill:#f6f7f9}
svg.lanes .lane-bg.odd{fill:#ffffff}
svg.lanes .grid{stroke:#e2e4e8;stroke-width:1}
svg.lanes .axis{stroke:#555;stroke-width:1}
svg.lanes .tick-label{fill:#555;font-size:10px}
svg.lanes .lane-label{font-weight:600;font-size:12px}
svg.lanes .claim-label{fill:#666;font-size:10px}
svg.lanes .birth{stroke:#333;stroke-width:1.5}
svg.lanes .band-label{fill:#666;font-size:10px}
svg.lanes .claim{fill:#8e7cc3}
svg.lanes .claim-break{stroke:#c62828;stroke-width:2}
svg.lanes .overlap{fill:url(#lanes-hatch);stroke:#c62828;stroke-width:1}
svg.lanes .victim{fill:#c62828}
svg.lanes .fault line{stroke:#c62828;stroke-width:1.5}
svg.lanes .fault text{fill:#b71c1c;font-weight:600}
svg.lanes .wait{fill:#c6dbef}
svg.lanes .wait[data-end="timeout"]{fill:#f4a3a3}
svg.lanes .wait[data-end=""]{fill:#e6e6e6}
svg.lanes .wait-label{fill:#1f3b5a;font-size:9px}
svg.lanes .mark{stroke:#888;stroke-width:1;stroke-dasharray:3 3}
svg.lanes .mark-label{fill:#666;font-size:10px}
svg.lanes .recovery{fill:#1b5e20;font-weight:600}
svg.lanes .recovery.not-recovered{fill:#b71c1c}
svg.lanes .key-label{fill:#444;font-size:10px}
)css";

// A coordinate or a time, two decimals ("-0.00" never appears).
std::string N(double v) { return fmt::format("{:.2f}", std::abs(v) < 0.005 ? 0.0 : v); }

// A time in a data- attribute, to the millisecond.
std::string T(double t) { return fmt::format("{:.3f}", std::abs(t) < 0.0005 ? 0.0 : t); }

std::string Title(std::string_view text) { return "<title>" + XmlEscape(text) + "</title>"; }

// 1, 2 or 5 times a power of ten, giving about `target` ticks over `span`.
double NiceStep(double span, int target = 8) {
  const double raw = span / target;
  if (!(raw > 0)) return 1;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0}) {
    if (m * mag >= raw) return m * mag;
  }
  return 10 * mag;
}

// Rows for intervals [from, to) in px, none overlapping another in its row;
// returns each one's row, in input order.
std::vector<int> PackRows(const std::vector<std::pair<double, double>>& spans, int max_rows) {
  std::vector<double> row_end;
  std::vector<int> rows;
  for (const auto& [from, to] : spans) {
    int row = -1;
    for (size_t r = 0; r < row_end.size(); ++r) {
      if (row_end[r] <= from) {
        row = static_cast<int>(r);
        break;
      }
    }
    if (row < 0 && static_cast<int>(row_end.size()) < max_rows) {
      row = static_cast<int>(row_end.size());
      row_end.push_back(0);
    }
    if (row < 0) row = static_cast<int>(row_end.size()) - 1;  // full: share the last row
    row_end[row] = std::max(row_end[row], to);
    rows.push_back(row);
  }
  return rows;
}

int RowCount(const std::vector<int>& rows) { return rows.empty() ? 0 : *std::ranges::max_element(rows) + 1; }

std::string Secs(double s) { return s < 10 ? fmt::format("{:.2f} s", s) : fmt::format("{:.1f} s", s); }

class Renderer {
 public:
  Renderer(const RunPicture& p, const SvgOptions& o) : p_(p), o_(o) {
    const double plot = std::max(100.0, o.width - kLeftGutter - kRightGutter);
    const double span = p.t_end > 0 ? p.t_end : 1;
    px_ = plot / span;
    right_ = kLeftGutter + plot;
    width_ = kLeftGutter + plot + kRightGutter;
    // A lane: the bar zone (room for a bar offset by half its height), then the claim.
    pad_ = 3;
    claim_h_ = 5;
    const double zone = std::max(9.0, o.lane_height - 2 * pad_ - claim_h_ - 2);
    bar_h_ = zone * 2 / 3;
    claim_dy_ = pad_ + zone + 2;
  }

  std::string Render();

 private:
  double X(double t) const { return kLeftGutter + t * px_; }
  void Lane(const reports::Lane& lane, double y0);
  void Incarnations(const reports::Lane& lane, double y0);
  void Claims(const reports::Lane& lane, double y0);
  void Faults(double label_top, double bottom);
  void Waits(double top);
  void Axis(double y);
  void Marks(double top, double axis_y);
  void Legend(double y);
  template <typename... Args>
  void Out(fmt::format_string<Args...> f, Args&&... args) {
    fmt::format_to(std::back_inserter(out_), f, std::forward<Args>(args)...);
  }

  const RunPicture& p_;
  const SvgOptions& o_;
  std::string out_;
  double px_ = 1, right_ = 0, width_ = 0;
  double pad_ = 3, claim_h_ = 5, bar_h_ = 14, claim_dy_ = 26;
  std::vector<int> fault_rows_, wait_rows_;
};

void Renderer::Incarnations(const reports::Lane& lane, double y0) {
  // An incarnation that began before an earlier one ended is drawn half a bar
  // lower, so both show; otherwise they sit on one line, end to start.
  std::vector<int> level(lane.incarnations.size(), 0);
  for (size_t j = 0; j < lane.incarnations.size(); ++j) {
    bool top_taken = false;
    for (size_t i = 0; i < j; ++i) {
      if (level[i] == 0 && lane.incarnations[j].from < lane.incarnations[i].to) top_taken = true;
    }
    level[j] = top_taken ? 1 : 0;
  }
  for (size_t j = 0; j < lane.incarnations.size(); ++j) {
    const Incarnation& inc = lane.incarnations[j];
    const double y = y0 + pad_ + level[j] * bar_h_ / 2;
    std::string about = fmt::format("{} (uid {}): first seen at {} s{}", inc.pod, inc.uid, N(inc.from),
                                    inc.seen_at_start ? " (there when the watches started)" : "");
    if (!inc.node.empty()) about += ", node " + inc.node;
    if (inc.ready_at) about += ", Ready at " + N(*inc.ready_at) + " s";
    about += inc.deleted ? ", deleted at " + N(inc.to) + " s" : ", still there when the recording ended";
    Out("<g class=\"incarnation\" data-uid=\"{}\" data-from=\"{}\" data-to=\"{}\">{}\n", XmlEscape(inc.uid), T(inc.from),
        T(inc.to), Title(about));
    for (const PhaseSpan& s : inc.spans) {
      Out("<rect class=\"span state-{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\">{}</rect>\n", XmlEscape(s.state),
          N(X(s.from)), N(y), N(std::max(0.0, (s.to - s.from) * px_)), N(bar_h_),
          Title(fmt::format("{} {} from {} s to {} s", inc.pod, s.state, N(s.from), N(s.to))));
    }
    // Where this pod object begins: a dark edge, so that incarnations end to end read apart.
    Out("<line class=\"birth\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/>\n", N(X(inc.from)), N(y - 1),
        N(y + bar_h_ + 1));
    Out("</g>\n");
  }
}

void Renderer::Claims(const reports::Lane& lane, double y0) {
  const double y = y0 + claim_dy_;
  for (size_t i = 0; i < lane.claims.size(); ++i) {
    const ClaimSpan& c = lane.claims[i];
    std::string about = fmt::format("claim {} (uid {}) from {} s to {} s", c.claim, c.uid, N(c.from), N(c.to));
    if (!c.phase.empty()) about += ", " + c.phase;
    if (!c.pv.empty()) about += ", volume " + c.pv;
    if (c.deleted) about += ", deleted";
    Out("<rect class=\"claim\" data-claim=\"{}\" data-uid=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\">{}</rect>\n",
        XmlEscape(c.claim), XmlEscape(c.uid), N(X(c.from)), N(y), N(std::max(0.0, (c.to - c.from) * px_)), N(claim_h_),
        Title(about));
    if (i == 0) continue;
    const ClaimSpan& prev = lane.claims[i - 1];
    Out("<line class=\"claim-break\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\">{3}</line>\n", N(X(c.from)),
        N(y - 4), N(y + claim_h_ + 4),
        Title(fmt::format("claim {} is a new object at {} s: uid {} (was {})", c.claim, N(c.from), c.uid, prev.uid)));
  }
}

void Renderer::Lane(const reports::Lane& lane, double y0) {
  const std::string pod = cluster::PodName(p_.target, lane.ordinal);
  const std::string claim = lane.claims.empty() ? "" : lane.claims.front().claim;
  Out("<g class=\"lane\" data-ordinal=\"{}\">{}\n", lane.ordinal,
      Title(fmt::format("{}: {} incarnation(s){}", pod, lane.incarnations.size(),
                        claim.empty() ? "" : ", claim " + claim)));
  Out("<text class=\"lane-label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", N(kLeftGutter - 8),
      N(y0 + pad_ + bar_h_ / 2 + 4), XmlEscape(pod));
  if (!claim.empty()) {
    Out("<text class=\"claim-label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", N(kLeftGutter - 8),
        N(y0 + claim_dy_ + claim_h_), XmlEscape(claim));
  }
  Incarnations(lane, y0);
  Claims(lane, y0);
  for (const Overlap& ov : p_.overlaps) {
    if (ov.ordinal != lane.ordinal) continue;
    Out("<rect class=\"overlap\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\">{}</rect>\n", N(X(ov.from)),
        N(y0 + pad_), N(std::max(2.0, (ov.to - ov.from) * px_)), N(claim_dy_ + claim_h_ - pad_),
        Title(ov.summary.empty() ? fmt::format("two incarnations wrote to {} at once", ov.claim) : ov.summary));
  }
  for (const FaultMark& f : p_.faults) {
    if (std::ranges::find(f.ordinals, lane.ordinal) == f.ordinals.end()) continue;
    const double x = X(f.t);
    Out("<path class=\"victim\" data-fault=\"{}\" d=\"M{} {}L{} {}L{} {}Z\">{}</path>\n", XmlEscape(f.name), N(x - 4),
        N(y0 + 1), N(x + 4), N(y0 + 1), N(x), N(y0 + 8), Title(fmt::format("{} hit {}", f.name, pod)));
  }
  const double mid = y0 + pad_ + bar_h_ / 2 + 4;
  if (lane.went_down && !lane.recovered) {
    Out("<text class=\"recovery not-recovered\" x=\"{}\" y=\"{}\">not recovered{}</text>\n", N(right_ + 10), N(mid),
        Title(pod + " went down after a fault and was not Ready again when the recording ended"));
  } else if (lane.recovery_seconds) {
    Out("<text class=\"recovery\" x=\"{}\" y=\"{}\" data-seconds=\"{}\">recovered in {}{}</text>\n", N(right_ + 10),
        N(mid), T(*lane.recovery_seconds), Secs(*lane.recovery_seconds),
        Title(fmt::format("{} was Ready again {} after {}", pod, Secs(*lane.recovery_seconds), lane.recovery_fault)));
  }
  Out("</g>\n");
}

void Renderer::Faults(double label_top, double bottom) {
  for (size_t i = 0; i < p_.faults.size(); ++i) {
    const FaultMark& f = p_.faults[i];
    const double x = X(f.t);
    const double label_y = label_top + fault_rows_[i] * kRowHeight + 11;
    std::string ords;
    for (int o : f.ordinals) ords += (ords.empty() ? "" : ",") + std::to_string(o);
    std::string about = fmt::format("{} ({}) at {} s", f.name, f.fault.empty() ? "fault" : f.fault, N(f.t));
    if (f.done) about += fmt::format(", {} at {} s", f.failed ? "failed" : "done", N(*f.done));
    if (!f.victims.empty()) about += ", victims: " + fmt::format("{}", fmt::join(f.victims, ", "));
    Out("<g class=\"fault\" data-t=\"{}\" data-ordinals=\"{}\">{}\n", T(f.t), ords, Title(about));
    Out("<line x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/>\n", N(x), N(label_y - 10), N(bottom));
    Out("<text x=\"{}\" y=\"{}\">{}</text>\n", N(x + 3), N(label_y), XmlEscape(f.name));
    Out("</g>\n");
  }
}

void Renderer::Waits(double top) {
  if (!p_.waits.empty()) {
    Out("<text class=\"band-label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">waits</text>\n", N(kLeftGutter - 8),
        N(top + 9));
  }
  for (size_t i = 0; i < p_.waits.size(); ++i) {
    const WaitSpan& w = p_.waits[i];
    const double x = X(w.from);
    const double width = std::max(1.0, (w.to - w.from) * px_);
    const double y = top + wait_rows_[i] * kRowHeight;
    const std::string end = w.end.empty() ? "never ended" : w.end;
    Out("<rect class=\"wait\" data-from=\"{}\" data-to=\"{}\" data-end=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" "
        "height=\"{}\">{}</rect>\n",
        T(w.from), T(w.to), XmlEscape(w.end), N(x), N(y), N(width), N(kRowHeight - 2),
        Title(fmt::format("wait: {}: {} after {}", w.name, end, Secs(w.to - w.from))));
    if (width >= w.name.size() * kCharWidth * 0.85 + 6) {
      Out("<text class=\"wait-label\" x=\"{}\" y=\"{}\">{}</text>\n", N(x + 3), N(y + 9), XmlEscape(w.name));
    }
  }
}

void Renderer::Axis(double y) {
  const double step = NiceStep(p_.t_end > 0 ? p_.t_end : 1);
  const int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
  Out("<line class=\"axis\" x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\"/>\n", N(kLeftGutter), N(right_), N(y));
  for (int k = 0; k * step <= p_.t_end + 1e-9 || k == 0; ++k) {
    const double x = X(k * step);
    Out("<line class=\"axis\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/>\n", N(x), N(y), N(y + 4));
    Out("<text class=\"tick-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{:.{}f} s</text>\n", N(x), N(y + 15),
        k * step, decimals);
  }
}

void Renderer::Marks(double top, double axis_y) {
  struct M {
    const std::optional<double>& at;
    const char* label;
    const char* about;
  };
  const M marks[] = {{p_.baseline_at, "baseline", "baseline taken: the drill's steps begin"},
                     {p_.checks_at, "checks", "final snapshot taken; assertions checked"},
                     {p_.cleanup_at, "cleanup", "cleanup: the first undo"}};
  // Labels of marks closer than a label's width go to either side of their
  // lines instead of centred on them (checks and cleanup often are).
  constexpr double kLabelRoom = 50;
  std::vector<std::pair<double, const M*>> shown;
  for (const auto& m : marks) {
    if (m.at) shown.emplace_back(X(*m.at), &m);
  }
  for (size_t i = 0; i < shown.size(); ++i) {
    const auto [x, m] = shown[i];
    Out("<line class=\"mark\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\">{3}</line>\n", N(x), N(top), N(axis_y),
        Title(fmt::format("{} at {} s", m->about, N(*m->at))));
    const bool near_next = i + 1 < shown.size() && shown[i + 1].first - x < kLabelRoom;
    const bool near_prev = i > 0 && x - shown[i - 1].first < kLabelRoom;
    const char* anchor = near_next ? "end" : near_prev ? "start" : "middle";
    const double lx = near_next ? x - 2 : near_prev ? x + 2 : x;
    Out("<text class=\"mark-label\" x=\"{}\" y=\"{}\" text-anchor=\"{}\">{}</text>\n", N(lx), N(axis_y + 29),
        anchor, m->label);
  }
}

void Renderer::Legend(double y) {
  double x = kLeftGutter;
  for (const char* s : kStates) {
    Out("<rect class=\"key state-{}\" x=\"{}\" y=\"{}\" width=\"10\" height=\"10\"/>\n", s, N(x), N(y - 9));
    Out("<text class=\"key-label\" x=\"{}\" y=\"{}\">{}</text>\n", N(x + 14), N(y), s);
    x += 14 + std::string_view(s).size() * kCharWidth + 14;
  }
  Out("<rect class=\"key claim\" x=\"{}\" y=\"{}\" width=\"10\" height=\"5\"/>\n", N(x), N(y - 6));
  Out("<text class=\"key-label\" x=\"{}\" y=\"{}\">claim</text>\n", N(x + 14), N(y));
}

std::string Renderer::Render() {
  std::vector<std::pair<double, double>> fault_px, wait_px;
  for (const auto& f : p_.faults) fault_px.emplace_back(X(f.t), X(f.t) + 3 + f.name.size() * kCharWidth + 8);
  for (const auto& w : p_.waits) wait_px.emplace_back(X(w.from), std::max(X(w.from) + 1, X(w.to)) + 2);
  fault_rows_ = PackRows(fault_px, 3);
  wait_rows_ = PackRows(wait_px, 4);
  const double fault_top = 6;
  const double wait_top = fault_top + RowCount(fault_rows_) * kRowHeight + 2;
  const double lanes_top = wait_top + RowCount(wait_rows_) * kRowHeight + 4;
  const double axis_y = lanes_top + p_.lanes.size() * o_.lane_height;
  const double height = axis_y + 54;

  Out("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"lanes\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "data-t-end=\"{2}\" data-px-per-s=\"{3}\" data-left=\"{4}\" role=\"img\">\n",
      N(width_), N(height), T(p_.t_end), fmt::format("{:.6f}", px_), N(kLeftGutter));
  Out("{}\n", Title(fmt::format("StatefulSet {}/{}: {} ordinal(s), {} fault(s), over {}", p_.ns, p_.target,
                                p_.lanes.size(), p_.faults.size(), Secs(p_.t_end))));
  Out("<style>{}</style>\n", kStyle);
  Out("<defs><pattern id=\"lanes-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
      "patternTransform=\"rotate(45)\"><rect width=\"3\" height=\"6\" fill=\"#c62828\" fill-opacity=\"0.5\"/>"
      "</pattern></defs>\n");
  Waits(wait_top);
  // Backgrounds and grid first, under the lanes' bars.
  for (size_t i = 0; i < p_.lanes.size(); ++i) {
    Out("<rect class=\"lane-bg{}\" x=\"0\" y=\"{}\" width=\"{}\" height=\"{}\"/>\n", i % 2 ? " odd" : "",
        N(lanes_top + i * o_.lane_height), N(width_), N(o_.lane_height));
  }
  const double step = NiceStep(p_.t_end > 0 ? p_.t_end : 1);
  for (int k = 1; k * step <= p_.t_end + 1e-9; ++k) {
    Out("<line class=\"grid\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/>\n", N(X(k * step)), N(lanes_top),
        N(axis_y));
  }
  for (size_t i = 0; i < p_.lanes.size(); ++i) Lane(p_.lanes[i], lanes_top + i * o_.lane_height);
  Marks(lanes_top, axis_y);
  Faults(fault_top, axis_y);
  Axis(axis_y);
  Legend(axis_y + 46);
  Out("</svg>\n");
  return std::move(out_);
}

}  // namespace

std::string RenderLanesSvg(const RunPicture& picture, const SvgOptions& opts) {
  if (picture.lanes.empty()) return "";
  return Renderer(picture, opts).Render();
}

}  // namespace kdrill::reports
