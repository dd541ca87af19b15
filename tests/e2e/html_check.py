#!/usr/bin/env python3
"""Opens a kdrill HTML report in headless Chromium and checks the laid-out
page, not its source: what a person would see.

  html_check.py REPORT.html --verdict PASSED|FAILED [--victim ORDINAL]
                [--failed-case NAME] [--claim-break ORDINAL] [--overlap ORDINAL]
                [--screenshot FILE.png]

Checks, for the first drill on the page:
  - the drill's verdict is the one expected, and its verdict rows are shown;
  - with --failed-case, that case's row is shown as failed, and its failure
    article (message and detail) is shown;
  - the picture is shown with a non-zero size; each ordinal's lane is shown
    with a non-zero size, lanes in ordinal order top to bottom;
  - in each lane, each incarnation's bar starts at or after the previous
    one's end (they did not overlap in a healthy run);
  - with --victim N: a fault's mark lies inside lane N, between the start of
    the incarnation it killed and the start of the next one, at the x its
    recorded time gives (x = left + t * px_per_s of the SVG);
  - with --claim-break N: lane N draws two claim UIDs with a break;
  - with --overlap N: lane N draws, inside it, two incarnations writing to its
    claim at once (what the volume-level check of at-most-one-per-ordinal read);
  - then takes a screenshot of the whole page.
Prints one "ok:" line per check; exits 1 on the first group that fails, 2
when the browser cannot be started.
"""
import argparse
import pathlib
import sys
import tempfile

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

failures = []


def check(ok, what):
    if ok:
        print(f"ok: {what}")
    else:
        print(f"FAIL: {what}", file=sys.stderr)
        failures.append(what)
    return ok


def box(el):
    r = el.rect
    return r["x"], r["y"], r["width"], r["height"]


def start_browser(width):
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--hide-scrollbars", "--force-device-scale-factor=1", f"--window-size={width},1000",
                f"--user-data-dir={tempfile.mkdtemp(prefix='kdrill-chromium-')}"):
        opts.add_argument(arg)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("html")
    ap.add_argument("--verdict", required=True)
    ap.add_argument("--victim", type=int)
    ap.add_argument("--failed-case")
    ap.add_argument("--claim-break", type=int)
    ap.add_argument("--overlap", type=int)
    ap.add_argument("--screenshot")
    ap.add_argument("--width", type=int, default=1280)
    a = ap.parse_args()

    try:
        driver = start_browser(a.width)
    except WebDriverException as e:
        print(f"FAIL: cannot start headless Chromium: {e.msg}", file=sys.stderr)
        return 2
    try:
        driver.get(pathlib.Path(a.html).resolve().as_uri())
        drill = driver.find_element(By.CSS_SELECTOR, "section.drill")
        check(drill.get_attribute("data-verdict") == a.verdict,
              f"the drill's verdict is {a.verdict} (page says {drill.get_attribute('data-verdict')})")
        rows = drill.find_elements(By.CSS_SELECTOR, "table.verdicts tr.case")
        check(len(rows) > 0 and all(r.is_displayed() and box(r)[3] > 0 for r in rows),
              f"{len(rows)} verdict rows are shown")
        if a.failed_case:
            failed = [r for r in rows if r.get_attribute("data-outcome") == "failed"
                      and r.find_element(By.CSS_SELECTOR, "td.name").text == a.failed_case]
            check(len(failed) == 1 and failed[0].is_displayed(), f"the row of {a.failed_case} is shown as failed")
            articles = [x for x in drill.find_elements(By.CSS_SELECTOR, "article.failure")
                        if a.failed_case in x.find_element(By.TAG_NAME, "h4").text]
            check(len(articles) == 1 and articles[0].is_displayed() and box(articles[0])[3] > 0
                  and articles[0].find_element(By.CSS_SELECTOR, "p.message").text.strip() != "",
                  f"the failure of {a.failed_case} is shown with its message")

        svg = drill.find_element(By.CSS_SELECTOR, "svg.lanes")
        sx, sy, sw, sh = box(svg)
        check(svg.is_displayed() and sw > 0 and sh > 0, f"the picture is shown ({sw:.0f}x{sh:.0f} px)")
        px_per_s = float(svg.get_attribute("data-px-per-s"))
        left = float(svg.get_attribute("data-left"))
        # The SVG may be scaled to fit: page px per SVG unit.
        vb = svg.get_attribute("viewBox")
        scale = sw / float(vb.split()[2]) if vb else 1.0

        lanes = drill.find_elements(By.CSS_SELECTOR, "svg.lanes g.lane")
        ordinals = [int(g.get_attribute("data-ordinal")) for g in lanes]
        check(len(lanes) > 0 and all(g.is_displayed() and box(g)[2] > 0 and box(g)[3] > 0 for g in lanes),
              f"{len(lanes)} lanes are shown with a size")
        tops = [box(g)[1] for g in lanes]
        check(ordinals == sorted(ordinals) and all(t1 < t2 for t1, t2 in zip(tops, tops[1:])),
              f"lanes {ordinals} go top to bottom in ordinal order (tops {[round(t) for t in tops]})")

        ordered = True
        for g in lanes:
            bars = g.find_elements(By.CSS_SELECTOR, "g.incarnation")
            bars.sort(key=lambda b: float(b.get_attribute("data-from")))
            for b1, b2 in zip(bars, bars[1:]):
                x1, _, w1, _ = box(b1)
                x2, _, _, _ = box(b2)
                if x2 < x1 + w1 - 1:
                    ordered = False
                    print(f"  lane {g.get_attribute('data-ordinal')}: a bar at x={x2:.1f} starts before the "
                          f"previous one ends at {x1 + w1:.1f}", file=sys.stderr)
        check(ordered, "in every lane each incarnation's bar starts after the previous one ends")

        if a.victim is not None:
            lane = [g for g in lanes if int(g.get_attribute("data-ordinal")) == a.victim]
            check(len(lane) == 1, f"lane {a.victim} is drawn")
            marks = lane[0].find_elements(By.CSS_SELECTOR, ".victim") if lane else []
            faults = drill.find_elements(By.CSS_SELECTOR, "svg.lanes g.fault")
            hit = [f for f in faults if str(a.victim) in (f.get_attribute("data-ordinals") or "").split(",")]
            if check(len(marks) >= 1 and len(hit) >= 1, f"a fault mark is drawn in lane {a.victim}"):
                mx, my, mw, mh = box(marks[0])
                lx, ly, lw, lh = box(lane[0])
                check(my >= ly - 1 and my + mh <= ly + lh + 1,
                      f"the mark lies inside lane {a.victim} (y {my:.0f}..{my + mh:.0f} in {ly:.0f}..{ly + lh:.0f})")
                t = float(hit[0].get_attribute("data-t"))
                want = sx + (left + t * px_per_s) * scale
                centre = mx + mw / 2
                check(abs(centre - want) <= 3, f"the mark is at the fault's time t={t:.2f}s "
                      f"(x {centre:.1f}, expected {want:.1f})")
                bars = lane[0].find_elements(By.CSS_SELECTOR, "g.incarnation")
                bars.sort(key=lambda b: float(b.get_attribute("data-from")))
                if check(len(bars) >= 2, f"lane {a.victim} shows {len(bars)} incarnations (the killed one and its "
                         f"replacement)"):
                    check(box(bars[0])[0] <= centre + 1 <= box(bars[-1])[0] + 2,
                          "the mark lies between the killed incarnation's start and its replacement's")

        if a.claim_break is not None:
            lane = [g for g in lanes if int(g.get_attribute("data-ordinal")) == a.claim_break]
            breaks = lane[0].find_elements(By.CSS_SELECTOR, ".claim-break") if lane else []
            claims = lane[0].find_elements(By.CSS_SELECTOR, "rect.claim") if lane else []
            uids = {c.get_attribute("data-uid") for c in claims}
            check(len(breaks) >= 1 and breaks[0].is_displayed() and len(uids) >= 2,
                  f"lane {a.claim_break} draws its claim with a break ({len(uids)} claim UIDs, "
                  f"{len(breaks)} break(s))")
            if len(claims) >= 2 and breaks:
                c1 = sorted(claims, key=lambda c: box(c)[0])
                bx = box(breaks[0])[0] + box(breaks[0])[2] / 2
                check(box(c1[0])[0] <= bx <= box(c1[-1])[0] + box(c1[-1])[2],
                      "the break lies between the old claim and the new one")

        if a.overlap is not None:
            lane = [g for g in lanes if int(g.get_attribute("data-ordinal")) == a.overlap]
            spans = lane[0].find_elements(By.CSS_SELECTOR, "rect.overlap") if lane else []
            shown = [o for o in spans if o.is_displayed() and box(o)[2] > 0 and box(o)[3] > 0]
            if check(len(shown) >= 1, f"lane {a.overlap} draws {len(shown)} overlap(s) of two incarnations on its claim"):
                ox, oy, ow, oh = box(shown[0])
                lx, ly, lw, lh = box(lane[0])
                check(oy >= ly - 1 and oy + oh <= ly + lh + 1,
                      f"the overlap lies inside lane {a.overlap} (y {oy:.0f}..{oy + oh:.0f} in {ly:.0f}..{ly + lh:.0f})")

        if a.screenshot:
            height = driver.execute_script("return document.documentElement.scrollHeight")
            driver.set_window_size(a.width, min(int(height) + 40, 6000))
            check(driver.save_screenshot(a.screenshot), f"screenshot {a.screenshot}")
    finally:
        driver.quit()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
