"""Read the rendered reports as people do: in headless Chromium at 1400 px (a desktop) and
390 px (a phone), with axe-core checking accessibility, and in dark mode.

Every shipped pack's reports must have a table of contents (beside the text when wide,
above it when narrow) whose links land on headings, links to the pack's other files that
exist, tables that are never clipped and never break a word mid-word at 1400 px; at 390 px
no sideways scrolling at all (neither the page nor anything in it): tables of three or more
columns shown as stacked rows of "label: value" lines, charts scaled to the screen; charts
sharp enough at both widths, no serious or critical axe finding, and a
Content-Security-Policy that stops a script or an outside image even if one got into the page.

axe-core is vendored in ``tests/vendor/`` (see its README), so this runs offline.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from browser import CHROMIUM

pytestmark = [pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)"), pytest.mark.slow]

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe.min.js"
WIDE, NARROW = 1400, 390


def show(page, url: str, width: int, dark: bool = False) -> None:
    page.call("Emulation.setDeviceMetricsOverride", width=width, height=900, deviceScaleFactor=1,
              mobile=width < 600)
    page.call("Emulation.setEmulatedMedia", media="screen",
              features=[{"name": "prefers-color-scheme", "value": "dark" if dark else "light"}])
    assert page.open(url) == [], url


def evaluate(page, expression: str):
    result = page.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
    if "exceptionDetails" in result:
        raise AssertionError(f"{expression[:80]}: {result['exceptionDetails']}")
    return result["result"].get("value")


def axe_findings(page) -> list[dict]:
    """axe-core's serious and critical violations on the page shown (WCAG 2.x A/AA and best practice)."""
    if not evaluate(page, "typeof axe !== 'undefined'"):
        evaluate(page, AXE.read_text(encoding="utf-8") + "\n;true")
    found = json.loads(evaluate(page, """
        axe.run(document, {resultTypes: ['violations']}).then(r => JSON.stringify(
            r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                where: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))))"""))
    return found


LAYOUT = """(() => {
  const box = e => { const r = e.getBoundingClientRect();
                    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width}; };
  const nav = document.querySelector('nav.rl-toc'), main = document.querySelector('main');
  const toc = Array.from(nav.querySelectorAll('a[href^="#"]')).map(a => ({
      href: a.getAttribute('href'),
      lands: !!document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)))}));
  const regions = Array.from(document.querySelectorAll('.rl-table-region')).map(r => {
      const t = r.querySelector('table'), cells = Array.from(t.querySelectorAll('th, td'));
      return {label: r.getAttribute('aria-label'), role: r.getAttribute('role'), tabindex: r.tabIndex,
              scrolls: r.scrollWidth > r.clientWidth + 1 || r.scrollHeight > r.clientHeight + 1,
              overflow: getComputedStyle(r).overflowX,
              tableRight: box(t).right, regionRight: box(r).right,
              clippedCells: cells.filter(c => c.scrollWidth > c.clientWidth + 1).length,
              headerPosition: t.querySelector('thead th') ? getComputedStyle(t.querySelector('thead th')).position : null,
              firstColumn: t.querySelector('tbody td') ? getComputedStyle(t.querySelector('tbody td')).position : null,
              stacked: r.classList.contains('rl-stack'),
              // each cell on a line of its own, led by its column heading (a row heading under
              // the empty corner cell stands alone: no ": " before it)
              unlabelled: Array.from(t.querySelectorAll('tbody tr')).flatMap(row => Array.from(row.cells).filter((c, i) => {
                  const heading = t.tHead && t.tHead.rows[0].cells[i];
                  const label = heading ? heading.textContent.replace(/\\s+/g, ' ').trim() : null;
                  return getComputedStyle(c).display !== 'block' || label === null
                      || getComputedStyle(c, '::before').content !== (label ? JSON.stringify(label + ': ') : 'none');
              })).length};
  });
  const sideways = Array.from(document.querySelectorAll('body *')).filter(e =>
      e.scrollWidth > e.clientWidth + 1 && /auto|scroll/.test(getComputedStyle(e).overflowX))
      .map(e => e.tagName + '.' + e.className);
  // a word of a table cell laid out over two lines ("Understandin / g"); hashes, addresses,
  // file names and links, which may break anywhere (data-rl-long: a run of 25 characters or more), are not words
  const broken = [];
  for (const cell of document.querySelectorAll('td, th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('code, a, [data-rl-long]')) continue;
      for (const m of node.data.matchAll(/(?<![A-Za-z])[A-Za-z]{4,}(?![A-Za-z])/g)) {
        const range = document.createRange();
        range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
        const tops = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(m[0]);
      }
    }
  }
  const scrollers = Array.from(document.querySelectorAll('body *')).filter(e => {
      const s = getComputedStyle(e);
      return (e.scrollWidth > e.clientWidth + 1 && /auto|scroll/.test(s.overflowX)) ||
             (e.scrollHeight > e.clientHeight + 1 && /auto|scroll/.test(s.overflowY));
  }).map(e => ({cls: e.className, tabindex: e.tabIndex, label: e.getAttribute('aria-label')}));
  const charts = Array.from(document.querySelectorAll('figure.chart img')).map(i => ({
      svg: i.src.startsWith('data:image/svg'), natural: i.naturalWidth, shown: box(i).width}));
  return {nav: box(nav), main: box(main), toc, regions, scrollers, charts, sideways, broken: broken.slice(0, 10),
          pageWidth: document.documentElement.scrollWidth, viewport: innerWidth,
          csp: (document.querySelector('meta[http-equiv="Content-Security-Policy"]') || {}).content || '',
          background: getComputedStyle(document.documentElement).backgroundColor,
          scripts: document.scripts.length};
})()"""


def pack_links(html_file: Path) -> list[str]:
    html = html_file.read_text(encoding="utf-8")
    nav = re.search(r'<ul class="rl-pack-links">(.*?)</ul>', html, re.DOTALL)
    return re.findall(r'href="([^"]+)"', nav.group(1)) if nav else []


def test_reports_read_well_at_1400_px(browser, rendered_packs):  # noqa: F811
    htmls = rendered_packs.htmls()
    assert len(htmls) >= 6
    for report in htmls:
        show(browser, report.as_uri(), WIDE)
        seen = evaluate(browser, LAYOUT)
        where = report.relative_to(rendered_packs.reports)
        # the contents list sits beside the text, and each entry lands on a heading
        assert seen["nav"]["right"] <= seen["main"]["left"], where
        assert len(seen["toc"]) >= 3 and all(entry["lands"] for entry in seen["toc"]), (where, seen["toc"])
        # nothing is clipped: every table fits its column, no cell's text overflows it, no sideways page scroll
        assert seen["pageWidth"] <= seen["viewport"], where
        assert seen["broken"] == [], (where, seen["broken"])  # no word broken mid-word in a narrow column
        for region in seen["regions"]:
            assert region["tableRight"] <= region["regionRight"] + 1, (where, region["label"])
            assert not region["scrolls"] and region["clippedCells"] == 0, (where, region)
            assert region["headerPosition"] == "sticky", (where, region["label"])
        # charts: SVG, or a PNG with at least two image pixels per CSS pixel
        for chart in seen["charts"]:
            assert chart["svg"] or chart["natural"] >= 2 * chart["shown"], (where, chart)
        assert "default-src 'none'" in seen["csp"] and "img-src data:" in seen["csp"] and seen["scripts"] == 0
        assert axe_findings(browser) == [], where
        # the pack's other files, its PDF, tables, manifest and the index are linked, and exist
        links = pack_links(report)
        assert {"tables.xlsx", "manifest.json", "../../index.html", f"{report.stem}.pdf"} <= set(links), where
        for href in links:
            assert (report.parent / unquote(href)).is_file(), (where, href)


def test_reports_read_well_at_390_px(browser, rendered_packs):  # noqa: F811
    for report in rendered_packs.htmls():
        show(browser, report.as_uri(), NARROW)
        seen = evaluate(browser, LAYOUT)
        where = report.relative_to(rendered_packs.reports)
        # the contents list moves above the text
        assert seen["nav"]["bottom"] <= seen["main"]["top"], where
        # nothing scrolls sideways: not the page, not a table or chart inside it
        assert seen["pageWidth"] <= seen["viewport"], where
        assert seen["sideways"] == [], (where, seen["sideways"])
        # what scrolls at all (nothing should) can be reached and scrolled from the keyboard, and is named
        for scroller in seen["scrollers"]:
            assert scroller["tabindex"] >= 0 and scroller["label"], (where, scroller)
        assert any(region["stacked"] for region in seen["regions"]), where
        for region in seen["regions"]:
            assert region["role"] == "region" and region["label"] and region["tabindex"] == 0, (where, region)
            assert region["tableRight"] <= region["regionRight"] + 1, (where, region["label"])
            # a table of three or more columns shows each row as "label: value" lines
            assert not region["stacked"] or region["unlabelled"] == 0, (where, region)
        for chart in seen["charts"]:  # scaled to the screen, still sharp
            assert chart["shown"] <= seen["viewport"] - 20, (where, chart)
            assert chart["svg"] or chart["natural"] >= 2 * chart["shown"], (where, chart)
        assert axe_findings(browser) == [], where


def test_dark_mode_follows_the_readers_setting_and_stays_accessible(browser, rendered_packs):  # noqa: F811
    report = next(p for p in rendered_packs.htmls() if p.stem == "council_progress")
    show(browser, report.as_uri(), WIDE, dark=True)
    background = evaluate(browser, LAYOUT)["background"]
    channels = [int(c) for c in re.findall(r"\d+", background)[:3]]
    assert max(channels) < 64, background  # a dark page
    assert axe_findings(browser) == []
    show(browser, report.as_uri(), WIDE, dark=False)
    assert evaluate(browser, LAYOUT)["background"] == "rgb(255, 255, 255)"


def test_policy_stops_a_script_or_an_outside_image_that_got_into_the_page(browser, rendered_sample_pack, tmp_path):  # noqa: F811
    html = rendered_sample_pack.html
    assert html.count("<script") == 0
    tampered = html.replace("</main>", '<img src="https://tracker.example/p.png" alt="x">'
                                       "<script>document.title = 'SCRIPT RAN'</script>"
                                       '<img src="x" onerror="document.title=\'HANDLER RAN\'" alt="y"></main>')
    page = tmp_path / "tampered.html"
    page.write_text(tampered, encoding="utf-8")
    browser.call("Emulation.setDeviceMetricsOverride", width=WIDE, height=900, deviceScaleFactor=1, mobile=False)
    found = browser.open(page.as_uri())
    assert evaluate(browser, "document.title") not in ("SCRIPT RAN", "HANDLER RAN")
    # the browser refused the outside image itself, by the policy (the network being off is not what stopped it)
    refused = [p for p in found if "violates the following Content Security Policy" in p]
    assert any("tracker.example" in p and "img-src data:" in p for p in refused), found
    assert any("inline script" in p for p in refused) and any("inline event handler" in p for p in refused), found


def test_index_of_packs_reads_well_at_both_widths(browser, rendered_packs):  # noqa: F811
    index = rendered_packs.reports / "index.html"
    for width in (WIDE, NARROW):
        show(browser, index.as_uri(), width)
        seen = evaluate(browser, """(() => ({
            pageWidth: document.documentElement.scrollWidth, viewport: innerWidth, scripts: document.scripts.length,
            csp: (document.querySelector('meta[http-equiv="Content-Security-Policy"]') || {}).content || '',
            sideways: Array.from(document.querySelectorAll('body *')).filter(e =>
                e.scrollWidth > e.clientWidth + 1 && /auto|scroll/.test(getComputedStyle(e).overflowX)).length,
            links: Array.from(document.querySelectorAll('main a')).map(a => a.getBoundingClientRect())
                .map(r => ({left: r.left, right: r.right}))}))()""")
        assert seen["pageWidth"] <= seen["viewport"] and seen["scripts"] == 0, (width, seen)
        # every pack's links are on the screen, with nothing to scroll sideways to reach them
        assert seen["sideways"] == 0 and seen["links"], (width, seen)
        assert all(0 <= link["left"] and link["right"] <= seen["viewport"] for link in seen["links"]), (width, seen)
        assert "default-src 'none'" in seen["csp"]
        assert axe_findings(browser) == [], width
