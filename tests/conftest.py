"""Shared fixtures for the pack runner tests: a tiny repo (params/, notebooks/, data/)
built in code, and one rendering of it shared by every test module that needs it
(rendering executes a kernel and WeasyPrint: do it once)."""
from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
import yaml
from browser import browser  # noqa: F401  (the Chromium fixture, for every test that asks for it)
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

SAMPLE_WORKBOOK = Path(__file__).resolve().parents[1] / "data" / "wdc_use_of_resources_action_plan.xlsx"
SAMPLE_PACK = "sample-pack"
SAMPLE_AS_OF = "2010-07-31"
SAMPLE_STEM = "sample_report"

SAMPLE_CELLS = [
    ("parameters", 'council_code = "XXX"\ndata_paths = []\nas_of = "2000-01-01"\ncouncil = ""\n'
                   'committee = ""\npack_title = ""\naudience = "external"\nsnapshot = ""'),
    ("markdown", "# Progress against the action plan\n\nThe committee is asked to note progress. "
                 "Details are on [the council's site](https://www.warwickdc.gov.uk/)."),
    ("code", "import sys, warnings\nfrom pathlib import Path\nimport pandas as pd\nfrom reportlib import tables"),
    ("code", "print('Data read from', data_paths[0])\n"
             "warnings.warn('WARNING-NOISE should not reach the report')\n"
             "print('STDERR-NOISE', file=sys.stderr)"),
    ("code", "frame = pd.DataFrame({\n"
             "    'Action': ['Review the procurement strategy', 'Publish <script>alert(1)</script> data'],\n"
             "    'Management response': ['<ul><li>Agreed with the auditor</li><li>See "
             "<a href=\"https://example.org/plan\">the plan</a></li></ul>', 'Line one\\nline two'],\n"
             "    'Target': pd.to_datetime(['2010-03-31', None]),\n"
             "})\n"
             "tables.table(frame, rich=['Management response'], caption=f'Actions for {council_code}')"),
    ("code", "import matplotlib.pyplot as plt\n"
             "fig, ax = plt.subplots(figsize=(5, 2.5), dpi=200)\n"
             "ax.bar(['complete', 'in progress', 'overdue'], [5, 3, 2], color='#1f3f66')\n"
             "ax.set_title('Actions by status')\nplt.show()"),
    ("remove_cell", "print('SECRET-REMOVED-CELL')"),
]


def build_notebook(path: Path, cells=SAMPLE_CELLS) -> Path:
    """Write a notebook built from (kind, source) pairs; kind "parameters"/"remove_cell" tags a code cell."""
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for kind, source in cells:
        if kind == "markdown":
            nb.cells.append(new_markdown_cell(source))
            continue
        cell = new_code_cell(source)
        if kind in ("parameters", "remove_cell", "hide"):
            cell.metadata["tags"] = [kind]
        nb.cells.append(cell)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def write_pack(root: Path, name: str = SAMPLE_PACK, **overrides) -> Path:
    """Write ``root/params/<name>.yaml`` for the sample notebook and workbook; keys may be overridden."""
    pack = {
        "pack": name,
        "title": "Use of Resources action plan – progress report",
        "council": "Warwick District Council",
        "committee": "Audit Committee",
        "as_of": SAMPLE_AS_OF,
        "data": ["data/plan.xlsx"],
        "formats": ["html", "pdf"],
        "timeout": 120,
        "audience": "external",
        "notebooks": [{"notebook": f"notebooks/{SAMPLE_STEM}.ipynb", "parameters": {"council_code": "WDC"}}],
    }
    pack.update(overrides)
    path = root / "params" / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(pack, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def build_sample_repo(root: Path) -> Path:
    """A repo with the sample notebook, a copy of the shipped WDC workbook and one pack file."""
    (root / "data").mkdir(parents=True, exist_ok=True)
    shutil.copy(SAMPLE_WORKBOOK, root / "data" / "plan.xlsx")
    build_notebook(root / "notebooks" / f"{SAMPLE_STEM}.ipynb")
    return write_pack(root)


@pytest.fixture
def sample_pack_repo(tmp_path) -> Path:
    """A fresh sample repo per test; returns the pack file path."""
    return build_sample_repo(tmp_path / "repo")


@dataclass
class RenderedSample:
    root: Path
    pack_file: Path
    reports: Path
    result: object
    log_lines: list

    @property
    def out_dir(self) -> Path:
        return self.reports / SAMPLE_PACK / SAMPLE_AS_OF

    @property
    def html(self) -> str:
        return (self.out_dir / f"{SAMPLE_STEM}.html").read_text(encoding="utf-8")


class _ListHandler(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.fixture(scope="session")
def rendered_sample_pack(tmp_path_factory) -> RenderedSample:
    """The sample pack rendered once for the whole session (kernel + WeasyPrint are slow)."""
    pytest.importorskip("reportlib.present.export")
    from reportlib.run.render import render_packs

    root = tmp_path_factory.mktemp("rendered") / "repo"
    pack_file = build_sample_repo(root)
    handler = _ListHandler()
    logger = logging.getLogger("reportlib.run.render")
    logger.addHandler(handler)
    try:
        [result] = render_packs([pack_file], reports_dir=root / "reports", show_progress=False)
    finally:
        logger.removeHandler(handler)
    assert result.ok, result.error
    return RenderedSample(root, pack_file, root / "reports", result, handler.lines)


REPO = Path(__file__).resolve().parents[1]


@dataclass
class RenderedPacks:
    reports: Path
    results: list
    seconds: float

    def htmls(self) -> list[Path]:
        return sorted(self.reports.glob("*/*/*.html"))


@pytest.fixture(scope="session")
def rendered_packs(tmp_path_factory) -> RenderedPacks:
    """Every committee pack in params/, rendered once per test session (two at a time)."""
    import time

    from reportlib.run.render import render_packs

    reports = tmp_path_factory.mktemp("reports")
    start = time.perf_counter()
    results = render_packs(sorted((REPO / "params").glob("*.yaml")), reports_dir=reports, jobs=2, show_progress=False)
    return RenderedPacks(reports, results, time.perf_counter() - start)


#: Single cases that take tens of seconds (workbooks of 100,000 rows and more, a long PDF) in
#: files that are otherwise quick: left out of the quick check (``pytest -m "not slow"``).
SLOW_CASES = {
    "test_bad_input_gets_one_clear_paragraph_and_nothing_is_written[too_many_rows]",
    "test_refused_with_a_clear_message_and_nothing_written[200000_rows]",
    "test_wide_long_table_wraps_and_repeats_its_header_in_the_pdf",
}


def pytest_collection_modifyitems(items):
    for item in items:
        if item.name in SLOW_CASES:
            item.add_marker(pytest.mark.slow)


#: A notebook's parameters cell as the runner injects into it (``build_notebook`` cells).
PARAMETERS = ("parameters", "data_paths = []\nas_of = ''\ncouncil = ''\ncommittee = ''\n"
                            "pack_title = ''\naudience = ''\nsnapshot = ''")
#: Holds (marker written, then a long sleep) when REPORTLIB_TEST_HOLD names a file;
#: prints REPORTLIB_TEST_PAD characters when set; else ends at once.
HOLDING_CELL = """import os, time, pathlib
hold = os.environ.get('REPORTLIB_TEST_HOLD')
if hold:
    pathlib.Path(hold + '.part').write_text(str(os.getpid()))
    pathlib.Path(hold + '.part').rename(hold)
    end = time.monotonic() + 120
    while pathlib.Path(hold).exists() and time.monotonic() < end:  # held until the test takes it away
        time.sleep(0.05)
print('x' * int(os.environ.get('REPORTLIB_TEST_PAD', '0')))"""
