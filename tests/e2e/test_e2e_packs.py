"""End to end: every committee pack in params/ rendered from the shipped data, as `make reports` does."""
from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from reportlib.cli import main
from reportlib.present.htmlreport import external_loads

pytestmark = pytest.mark.slow  # renders packs, starts kernels, browsers or processes

REPO = Path(__file__).resolve().parents[2]
PACKS = sorted(p.stem for p in (REPO / "params").glob("*.yaml"))


def test_every_pack_renders(rendered_packs):
    assert [r.ok for r in rendered_packs.results] == [True] * len(PACKS), [r.error for r in rendered_packs.results]
    for pack in PACKS:
        (folder,) = (rendered_packs.reports / pack).iterdir()
        names = {p.suffix for p in folder.iterdir()}
        assert {".html", ".pdf", ".ipynb", ".xlsx", ".json"} <= names
    index = (rendered_packs.reports / "index.html").read_text()
    assert all(pack in index for pack in PACKS)


def test_html_for_auditors_holds_no_code_and_loads_nothing_from_elsewhere(rendered_packs):
    for html_file in rendered_packs.htmls():
        html = html_file.read_text()
        assert external_loads(html) == [], html_file
        assert "<script" not in html.lower()
        assert "import reportlib" not in html and "load_plans(" not in html  # no code cells
        assert "data_paths = " not in html and "injected" not in html.lower()  # no parameter cells
        assert not re.search(r"In&nbsp;\[|In \[\d*\]", html)  # no prompts
        assert "Traceback" not in html and str(REPO) not in html and "/root" not in html


def test_provenance_footer_names_inputs_with_sha256(rendered_packs):
    data = REPO / "data" / "sddc_use_of_resources_action_plan_2010.xlsx"
    digest = hashlib.sha256(data.read_bytes()).hexdigest()
    html = next(rendered_packs.reports.glob("sddc-finance-management/*/council_progress.html")).read_text()
    assert digest in html and "sddc_use_of_resources_action_plan_2010.xlsx" in html
    assert "2010-07-31" in html and "reportlib" in html
    assert "<code>reportlib verify reports/sddc-finance-management/2010-07-31</code>" in html  # not a generation time


def test_south_derbyshire_lists_read_as_lists(rendered_packs):
    html = next(rendered_packs.reports.glob("sddc-finance-management/*/council_progress.html")).read_text()
    assert "<li>ensure medium and long term stability" in html
    assert "&lt;li&gt;" not in html and "&lt;ul&gt;" not in html
    assert 'href="http://www.south-derbys.gov.uk/' in html and 'rel="noopener noreferrer"' in html


def test_pdf_has_running_header_and_page_numbers(rendered_packs):
    pdf = next(rendered_packs.reports.glob("wdc-finance-audit-scrutiny/*/council_progress.pdf"))
    reader = PdfReader(pdf)
    pages = len(reader.pages)
    for number in (1, pages):
        text = reader.pages[number - 1].extract_text()
        assert "Warwick District Council" in text and "Finance & Audit Scrutiny Committee" in text
        assert "31 Jul" in text and f"Page {number} of {pages}" in text
        assert str(REPO) not in text and "Traceback" not in text


def test_external_pack_hides_nothing_it_should_show_and_no_paths(rendered_packs):
    html = next(rendered_packs.reports.glob("external-auditor/*/compare_councils.html")).read_text()
    assert "South Derbyshire District Council" in html and "Warwick District Council" in html
    assert "no updates" in html  # South Derbyshire has no progress columns yet


def test_failing_notebook_keeps_the_last_good_pack_and_exits_non_zero(rendered_packs, tmp_path, capsys):
    # A copy of the repo whose progress notebook fails, rendered into the same reports folder.
    copy = tmp_path / "repo"
    for part in ("data", "notebooks", "params"):
        shutil.copytree(REPO / part, copy / part)
    notebook = copy / "notebooks" / "council_progress.ipynb"
    notebook.write_text(notebook.read_text().replace("report.headline(p)", "report.headline(p); 1 / 0"))
    (good,) = (rendered_packs.reports / "wdc-executive").iterdir()
    before = {p.name: p.read_bytes() for p in good.iterdir()}
    code = main(["render", str(copy / "params" / "wdc-executive.yaml"), "--reports", str(rendered_packs.reports)])
    err = capsys.readouterr().err
    assert code == 1 and "wdc-executive" in err and "ZeroDivisionError" in err
    assert {p.name: p.read_bytes() for p in good.iterdir()} == before
    failed = list((rendered_packs.reports / "_failed" / "wdc-executive").glob("*/council_progress.ipynb"))
    assert failed and "ZeroDivisionError" in failed[0].read_text()
