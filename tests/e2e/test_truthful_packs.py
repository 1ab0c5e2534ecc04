"""Truthful packs: each case a new user saw turn a wrong report into a "success" (issue #8).

Every refusal is checked as a scheduler meets it: through ``reportlib render``, exit 1,
one message naming the pack file and key, nothing published and the last good report
byte-for-byte intact. The repo here is a copy of the real notebooks and sample data.
"""
from __future__ import annotations

import hashlib
import html as html_lib
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from pypdf import PdfReader

import reportlib
from reportlib.analysis import compare
from reportlib.analysis.snapshot import cut
from reportlib.cli import main
from reportlib.errors import LayoutError, PackError
from reportlib.ingest.layouts import parse_layout
from reportlib.present import charts, report
from reportlib.run.packs import load_pack

pytestmark = pytest.mark.slow  # renders packs, starts kernels, browsers or processes

REPO = Path(__file__).resolve().parents[2]
WDC = "data/wdc_use_of_resources_action_plan.xlsx"
SDDC = "data/sddc_use_of_resources_action_plan_2010.xlsx"


def make_repo(root: Path) -> Path:
    shutil.copytree(REPO / "notebooks", root / "notebooks")
    (root / "data").mkdir(parents=True)
    for name in (WDC, SDDC):
        shutil.copy(REPO / name, root / name)
    return root


def pack_file(root: Path, name: str, **values) -> Path:
    pack = {"pack": name, "title": "Use of Resources action plan – progress", "committee": "Audit Committee",
            "as_of": "2010-07-31", "data": [WDC], "formats": ["html"], "audience": "internal", "timeout": 300,
            "notebooks": [{"notebook": "notebooks/council_progress.ipynb", "parameters": {"council_code": "WDC"}}]}
    pack.update(values)
    path = root / "params" / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(pack, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def plain_text(html: str) -> str:
    html = re.sub(r"<style.*?</style>", " ", html, flags=re.S)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    """A repo with one good pack rendered: the "last good report" every refusal must leave alone."""
    root = make_repo(tmp_path_factory.mktemp("truthful") / "repo")
    path = pack_file(root, "wdc-audit")
    assert main(["render", str(path), "--reports", str(root / "reports")]) == 0
    return root


def refused_by_render(good: Path, capsys, **values) -> str:
    """Overwrite the good pack with ``values``, render it, return stderr; the last good report must survive."""
    reports = good / "reports"
    before = tree_digest(reports / "wdc-audit")
    path = pack_file(good, "wdc-audit", **values)
    try:
        capsys.readouterr()
        assert main(["render", str(path), "--reports", str(reports)]) == 1
        err = capsys.readouterr().err
    finally:
        pack_file(good, "wdc-audit")
    assert tree_digest(reports / "wdc-audit") == before  # byte for byte, nothing added
    assert not list(reports.glob(".tmp-*")) and "Traceback" not in err
    assert "wdc-audit.yaml" in err
    return err


# -- 1. wrong council -----------------------------------------------------------------------------

@pytest.mark.parametrize("code, hint", [("XYZ", "councils in the data: WDC (Warwick District Council)"),
                                        ("wdc", "did you mean 'WDC'?")])
def test_a_council_code_not_in_the_data_is_refused(good, capsys, code, hint):
    err = refused_by_render(good, capsys, notebooks=[{"notebook": "notebooks/council_progress.ipynb",
                                                      "parameters": {"council_code": code}}])
    assert "notebooks[0].parameters.council_code" in err and f"council code '{code}'" in err and hint in err


def test_a_council_name_the_data_does_not_hold_is_refused(good, capsys):
    err = refused_by_render(good, capsys, council="Nowhere Borough Council")
    assert "council:" in err and "does not name Warwick District Council" in err


def test_the_council_name_comes_from_the_data_or_is_checked(tmp_path):
    from reportlib.run.prepare import prepare

    root = make_repo(tmp_path)
    assert prepare(load_pack(pack_file(root, "a"))).council == "Warwick District Council"
    both = pack_file(root, "b", data=[WDC, SDDC], council="Warwick DC and South Derbyshire DC",
                     notebooks=[{"notebook": "notebooks/compare_councils.ipynb"}])
    assert prepare(load_pack(both)).council == "Warwick DC and South Derbyshire DC"
    one_missing = pack_file(root, "c", data=[WDC, SDDC], council="Warwick District Council",
                            notebooks=[{"notebook": "notebooks/compare_councils.ipynb"}])
    with pytest.raises(PackError, match="does not name South Derbyshire District Council"):
        prepare(load_pack(one_missing))


def test_plans_for_an_unknown_council_are_an_error_in_lab_too():
    plans = reportlib.load_plans(REPO / WDC)
    with pytest.raises(reportlib.ReportlibError, match="did you mean 'WDC'"):
        plans.council("wdc")


# -- 2. parameter typos ----------------------------------------------------------------------------

@pytest.mark.parametrize("parameters, key, words", [
    ({"council_cod": "WDC"}, "council_cod", "has no parameter 'council_cod'; did you mean 'council_code'?"),
    ({"council_code": "WDC", "due_soon_day": 14}, "due_soon_day", "did you mean 'due_soon_days'?"),
    ({"council_code": "WDC", "due_soon_days": "thirty"}, "due_soon_days", "expected a whole number"),
])
def test_a_parameter_the_notebook_does_not_take_or_of_the_wrong_type_is_refused(good, capsys, parameters, key,
                                                                                 words):
    err = refused_by_render(good, capsys, notebooks=[{"notebook": "notebooks/council_progress.ipynb",
                                                      "parameters": parameters}])
    assert f"notebooks[0].parameters.{key}" in err and words in err
    if "did you mean" in words:
        assert "notebooks/council_progress.ipynb" in err and "due_soon_days" in err  # the known names


def test_paths_may_not_leave_the_project(tmp_path):
    root = make_repo(tmp_path / "repo")
    (tmp_path / "outside-secret.csv").write_text("a,b\n1,2\n")
    (root / "other").mkdir()
    shutil.copy(root / "notebooks" / "council_progress.ipynb", root / "other" / "evil.ipynb")
    (root / "data" / "link.xlsx").symlink_to(tmp_path / "outside-secret.csv")
    cases = {"data[0]": {"data": ["../outside-secret.csv"]},
             "data[0] ": {"data": ["data/../../outside-secret.csv"]},
             "data[0]  ": {"data": ["data/link.xlsx"]},
             "notebooks[0].notebook": {"notebooks": [{"notebook": "other/evil.ipynb"}]}}
    for key, values in cases.items():
        with pytest.raises(PackError) as info:
            load_pack(pack_file(root, "escape", **values))
        assert info.value.key == key.strip() and "leads outside" in info.value.reason


# -- 3 and 4. a council's own layout, and internal text kept from external readers --------------

SDDC_OWN = REPO / "reportlib" / "layouts" / "sddc-uor-2010.yaml"


@pytest.fixture(scope="module")
def external(tmp_path_factory):
    """An external and an internal pack over South Derbyshire's plan, read by the council's own
    layout beside the data, which marks the implementation details internal."""
    root = make_repo(tmp_path_factory.mktemp("external") / "repo")
    layout = yaml.safe_load(SDDC_OWN.read_text())
    layout.update(name="sddc-own-layout", internal_columns=["details"])
    (root / "data" / "sddc.layout.yaml").write_text(yaml.safe_dump(layout))
    details = [d for d in reportlib.load_plans(root / SDDC).actions["details"].dropna()]
    notebooks = [{"notebook": "notebooks/council_progress.ipynb", "parameters": {"council_code": "SDDC"}},
                 {"notebook": "notebooks/data_quality.ipynb"}]
    for audience in ("external", "internal"):
        path = pack_file(root, f"sddc-{audience}", data=[SDDC], audience=audience, formats=["html", "pdf"],
                         notebooks=notebooks)
        assert main(["render", str(path), "--reports", str(root / "reports")]) == 0
    return root, details


def _texts(folder: Path) -> dict[str, str]:
    """Every published file of a pack as text a reader (or a program) would find in it."""
    found = {}
    for path in sorted(folder.iterdir()):
        if path.suffix == ".html":
            found[path.name] = plain_text(path.read_text())
        elif path.suffix == ".pdf":
            found[path.name] = " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())
        elif path.suffix == ".xlsx":
            book = pd.read_excel(path, sheet_name=None, engine="calamine")
            found[path.name] = " ".join(" ".join(map(str, f.astype(str).values.ravel())) for f in book.values())
        else:
            found[path.name] = path.read_text()
    return found


def _words(text: str, n: int = 6) -> str:
    """A run of ``n`` words of a cell: what survives line wrapping in every output kind."""
    return " ".join(re.sub(r"<[^>]+>", " ", text).split()[:n])


def test_a_layout_beside_the_data_wins_over_the_built_in(external, capsys):
    root, _ = external
    plans = reportlib.load_plans(root / SDDC)
    assert list(plans.sources["layout"]) == ["sddc-own-layout"]
    assert main(["validate", str(root / "data" / "sddc_use_of_resources_action_plan_2010.xlsx")]) == 0
    assert "read with layout 'sddc-own-layout' from sddc.layout.yaml (beside the data)" in capsys.readouterr().out


def test_two_layouts_beside_the_data_that_fit_equally_are_an_error(tmp_path):
    shutil.copy(REPO / SDDC, tmp_path / "plan.xlsx")
    for name in ("one", "two"):
        layout = yaml.safe_load(SDDC_OWN.read_text())
        layout["name"] = f"layout-{name}"
        (tmp_path / f"{name}.layout.yaml").write_text(yaml.safe_dump(layout))
    plans = reportlib.inspect_plans(tmp_path)
    [error] = plans.errors
    assert error.code == "ambiguous_layout" and "'layout-one' (one.layout.yaml)" in error.message
    assert "'layout-two' (two.layout.yaml)" in error.message and error.location.sheet


def test_no_internal_text_in_any_output_of_an_external_pack(external):
    root, details = external
    assert len(details) == 16
    outside = _texts(next((root / "reports" / "sddc-external").iterdir()))
    inside = _texts(next((root / "reports" / "sddc-internal").iterdir()))
    assert set(outside) == {"council_progress.html", "council_progress.pdf", "council_progress.ipynb",
                            "data_quality.html", "data_quality.pdf", "data_quality.ipynb", "tables.xlsx",
                            "manifest.json"}
    shown_inside = 0
    for text in details:
        words = _words(text)
        for name, content in outside.items():
            assert words not in content, (name, words)
        shown_inside += words in inside["council_progress.html"] and words in inside["tables.xlsx"]
    assert shown_inside == 16  # the same text does reach an internal pack: the check can fail
    manifest = json.loads((next((root / "reports" / "sddc-external").iterdir()) / "manifest.json").read_text())
    # the marked column, and the text read from it (SDDC's targets are written in its prose)
    assert manifest["withheld"] == ["details", "target_text"]


def test_findings_and_review_lists_follow_the_audience():
    plans = reportlib.load_plans(REPO / WDC)
    plans.sources["internal_columns"] = "updates"  # as a layout marking the update text internal would
    secret = plans.updates.loc[plans.updates["status"] == "needs_review", "text"].iloc[0]
    assert _words(secret) in str(report.review_table(cut(plans, "2010-07-31", "internal")))
    outside = cut(plans, "2010-07-31", "external")
    assert _words(secret) not in str(report.review_table(outside))
    assert "Update as written" not in str(report.review_table(outside))


# -- 5. the download matches the report --------------------------------------------------------------

def test_tables_xlsx_is_the_reports_tables(good, tmp_path):
    path = pack_file(good, "wdc-march", as_of="2010-03-31")
    assert main(["render", str(path), "--reports", str(good / "reports")]) == 0
    xlsx = good / "reports" / "wdc-march" / "2010-03-31" / "tables.xlsx"
    book = pd.read_excel(xlsx, sheet_name=None, engine="calamine")
    assert list(book) == ["Actions", "Updates", "Findings"]
    assert set(book["Updates"]["Snapshot"]) == {"December 2009", "March 2010"}  # July 2010 is after as_of
    actions = book["Actions"]
    for column in ("Status at the as-of date", "Status decided by", "Timeliness", "Days overdue", "RAG",
                   "Target judged against"):
        assert column in actions, column
    p = reportlib.progress(reportlib.load_plans(REPO / WDC), "2010-03-31")
    assert (actions["RAG"].value_counts().sort_index() == p.actions["rag"].value_counts().sort_index()).all()
    assert int((actions["Timeliness"] == "Overdue").sum()) == int((p.actions["timeliness"] == "overdue").sum())
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx)["Actions"]
    assert sheet["A1"].font.bold and sheet["A1"].alignment.wrap_text and sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref and len({sheet.column_dimensions[c].width for c in "ABCDEFGHIJ"}) > 2


# -- 6. one set of figures in a report ----------------------------------------------------------------

def _figures(headline_html: str) -> dict[str, int]:
    rows = re.findall(r"<td>([^<]+)</td><td[^>]*>([\d,]+)", headline_html)
    return {label: int(value.replace(",", "")) for label, value in rows}


def _reconcile(plans, as_of):
    p = reportlib.progress(plans, as_of)
    figures = _figures(str(report.headline(p)))
    statuses = ["Complete", "In progress", "Planned (a date given, no progress reported)",
                "Closed without action (declined, superseded or no longer required)", "No update yet",
                "Needs review (update text not understood, or at odds with the stated status)"]
    assert sum(figures[s] for s in statuses) == figures["Actions in the plan"] == len(p.actions)
    kloe = p.summary("kloe")
    assert kloe["actions"].sum() == figures["Actions in the plan"]
    for status, label in zip(["complete", "in_progress", "planned", "no_action", "no_update", "needs_review"],
                             statuses):
        assert kloe[status].sum() == figures[label], status
    assert kloe["overdue"].sum() == figures["Overdue (not complete, target passed)"]
    assert "Closed without action" in str(report.summary_table(kloe, "kloe", "Actions by KLOE"))
    chart = charts.status_by_snapshot(p.standing)
    if len(p.history):
        last = chart.data[chart.data["snapshot"] == chart.data["snapshot"].iloc[-1]]
        counts = dict(zip(last["status"], last["actions"]))
        assert sum(counts.values()) == figures["Actions in the plan"]
        assert counts.get("complete", 0) == figures["Complete"]
        assert f"{figures['Complete']} complete" in chart.alt_text
    return figures


@pytest.mark.parametrize("as_of", ["2009-12-31", "2010-03-31", "2010-07-31"])
def test_headline_tables_and_charts_agree_on_the_shipped_plans(as_of):
    plans = reportlib.load_plans(REPO / "data")
    for code in ("WDC", "SDDC"):
        _reconcile(plans.council(code), as_of)


def test_every_status_is_counted_in_the_headline(tmp_path):
    from workbooks import write_xlsx

    words = ["Complete"] * 3 + ["Work is under way"] * 5 + ["Planned for March 2011"] * 2 + ["Superseded"] + [""]
    rows = [["Ref", "Issue", "Action", "Responsible Officer", "Progress"]]
    rows += [[i + 1, f"Issue {i + 1}", f"Action {i + 1}", "HoF", word] for i, word in enumerate(words)]
    write_xlsx(tmp_path / "plan.xlsx", {"Plan": rows})
    (tmp_path / "plan.layout.yaml").write_text(yaml.safe_dump({
        "name": "twelve", "council": "Testshire District Council", "assessment": "2010",
        "columns": {"ref": "Ref", "recommendation": "Issue", "action": "Action", "owner": "Responsible Officer"},
        "snapshots": [{"snapshot": "July 2010", "date": "2010-07-31", "column": "Progress"}]}))
    plans = reportlib.load_plans(tmp_path)
    figures = _reconcile(plans, "2010-07-31")
    assert figures["Actions in the plan"] == 12 and figures["Closed without action (declined, superseded or no longer required)"] == 1
    assert figures["Complete"] == 3 and figures["No update yet"] == 1


# -- 7. one snapshot -----------------------------------------------------------------------------------

def test_a_first_snapshot_says_there_is_no_previous_one():
    plans = reportlib.load_plans(REPO / WDC)
    first = str(report.changes_table(compare.since_last(plans, "2009-12-31")))
    assert "no previous snapshot on or before 31 December 2009" in first
    assert "No changes since" not in first
    later = compare.since_last(plans, "2010-03-31")
    assert not later.empty and later.attrs["previous"] == pd.Timestamp("2009-12-31")


# -- 8. each notebook's own title -------------------------------------------------------------------

def test_each_notebook_is_headed_with_its_own_title(external):
    root, _ = external
    folder = next((root / "reports" / "sddc-external").iterdir())
    quality = (folder / "data_quality.html").read_text()
    assert '<h1 class="rl-title">Action plans: data quality</h1>' in quality
    assert '<p class="rl-subtitle">Use of Resources action plan – progress</p>' in quality
    assert "<title>Action plans: data quality – South Derbyshire District Council</title>" in quality
    first_page = PdfReader(folder / "data_quality.pdf").pages[0].extract_text()
    assert "Action plans: data quality" in first_page


# -- 10. a layout key that does nothing -----------------------------------------------------------------

def test_a_status_column_under_columns_is_refused_saying_where_it_belongs():
    with pytest.raises(LayoutError) as info:
        parse_layout({"name": "x", "council": "X Council", "assessment": "2010",
                      "columns": {"recommendation": "Issue", "action": "Action", "status": "Status"}},
                     "x.layout.yaml")
    message = str(info.value)
    assert "x.layout.yaml" in message and "'columns.status'" in message and "'snapshots'" in message


def test_internal_columns_must_name_a_column_a_report_shows():
    with pytest.raises(LayoutError, match="'internal_columns' names 'detials'"):
        parse_layout({"name": "x", "council": "X Council", "assessment": "2010", "internal_columns": ["detials"],
                      "columns": {"recommendation": "Issue", "action": "Action"}}, "x.layout.yaml")


def test_links_show_their_address_to_external_readers(external):
    root, _ = external
    outside = (next((root / "reports" / "sddc-external").iterdir()) / "council_progress.html").read_text()
    # the report's own text (the contents list beside it links to the pack's files, by name)
    outside = re.search(r"<main\b.*?</main>", outside, re.DOTALL).group(0)
    links = re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>( <span class="rl-link-target">\(([^)<]*)\)</span>)?',
                       outside)
    for href, text, _, shown in [link for link in links if not link[0].startswith("#")]:  # the address is readable, as the link text or beside it
        assert html_lib.unescape(href) in (html_lib.unescape(text), html_lib.unescape(shown)), (href, text)
    from reportlib.present.tables import table

    frame = pd.DataFrame({"action": ['See <a href="https://example.org/plan">the plan</a>']})
    assert 'the plan</a> <span class="rl-link-target">(https://example.org/plan)</span>' in str(
        table(frame, rich=["action"], show_link_targets=True))
