"""Strangers' input, round two: links planted in ``reports/`` and in data folders, decisions
files saved by other programs, link targets a report must not follow, a manifest that claims a
signature, and a report verified from wherever it was copied to.

Every "outside" folder a planted link points at is made inside ``tmp_path`` and checked to be
byte for byte what it was: nothing here reads or writes anything outside ``tmp_path``.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from conftest import (
    SAMPLE_AS_OF,
    SAMPLE_PACK,
    SAMPLE_STEM,
    SAMPLE_WORKBOOK,
    build_notebook,
    build_sample_repo,
    write_pack,
)
from quarters import LAYOUT, plan_folder, q1, quarter_row, write_quarter

import reportlib
from reportlib.analysis import decisions
from reportlib.errors import InputError, RenderError, ReportlibError, ValidationFailed
from reportlib.ingest.files import discover
from reportlib.ingest.layouts import available
from reportlib.model import markup
from reportlib.present import tables
from reportlib.run import determinism
from reportlib.run.index import write_index
from reportlib.run.packs import load_pack
from reportlib.run.staging import staged_publish
from reportlib.run.verify import VerifyError, verify_report

pytestmark = pytest.mark.slow  # renders packs, starts kernels, browsers or processes

PACK, AS_OF = "wdc-executive", "2010-07-31"


def contents(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (links not followed) with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder outside the project, shaped so that a link followed anywhere under ``_failed/``
    would reach files to delete: ``<as_of>/`` and ``<pack>/<as_of>/``."""
    victim = tmp_path / "outside"
    for folder in (victim, victim / AS_OF, victim / PACK / AS_OF):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "precious.txt").write_text(f"not reportlib's: {folder.name}\n")
    (victim / "manifest.json").write_text(json.dumps({"pack": PACK, "as_of": AS_OF}))
    return victim


@pytest.fixture
def reports(tmp_path) -> Path:
    folder = tmp_path / "project" / "reports"
    folder.mkdir(parents=True)
    return folder


def publish_one(reports: Path, text: str = "new report") -> None:
    with staged_publish(reports, PACK, AS_OF) as folder:
        (folder / "council_progress.html").write_text(text)


# --- 3. links planted in reports/ are never followed out of it ------------------------------------------

@pytest.mark.parametrize("planted", ["_failed", f"_failed/{PACK}", f"_failed/{PACK}/{AS_OF}"])
def test_a_good_render_removes_a_link_under_failed_as_a_link_and_leaves_its_target_alone(
        reports, outside, planted, caplog):
    before = contents(outside)
    link = reports / planted
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(outside, target_is_directory=True)
    publish_one(reports)
    assert (reports / PACK / AS_OF / "council_progress.html").read_text() == "new report"
    assert contents(outside) == before  # a good render once deleted <outside>/<as_of> through the link
    assert not link.is_symlink()
    assert str(link) in caplog.text and "symbolic link" in caplog.text


def test_a_failed_render_keeps_its_notebooks_inside_reports_not_where_a_planted_link_points(reports, outside):
    publish_one(reports, "last good report")
    before = contents(outside)
    (reports / "_failed").mkdir()
    (reports / "_failed" / PACK).symlink_to(outside, target_is_directory=True)
    with pytest.raises(RenderError) as caught:
        with staged_publish(reports, PACK, AS_OF) as folder:
            (folder / "council_progress.ipynb").write_text("{}")
            raise ValueError("a cell failed")
    kept = reports / "_failed" / PACK / AS_OF
    assert caught.value.kept == str(kept)
    assert (kept / "council_progress.ipynb").read_text() == "{}" and "a cell failed" in (kept / "error.txt").read_text()
    assert not (reports / "_failed" / PACK).is_symlink()
    assert contents(outside) == before
    assert (reports / PACK / AS_OF / "council_progress.html").read_text() == "last good report"


def test_a_link_planted_as_the_lock_file_is_removed_and_its_target_never_written(reports, tmp_path):
    target = tmp_path / "outside.txt"
    target.write_text("not reportlib's\n")
    lock = reports / f".{PACK}.lock"
    lock.symlink_to(target)
    publish_one(reports)
    assert target.read_text() == "not reportlib's\n"  # the pid and start time went into it
    assert not lock.is_symlink() and not lock.exists()
    assert (reports / PACK / AS_OF / "council_progress.html").read_text() == "new report"


@pytest.mark.parametrize("kind", ["tmp", "old"])
def test_a_link_planted_as_a_leftover_work_folder_is_removed_and_never_put_in_place(reports, outside, kind):
    before = contents(outside)  # it holds a manifest for this pack and date, as a set-aside report would
    link = reports / f".{kind}-{PACK}-{os.getpid()}-abcd1234"
    link.symlink_to(outside, target_is_directory=True)
    publish_one(reports)
    final = reports / PACK / AS_OF
    assert not final.is_symlink() and (final / "council_progress.html").read_text() == "new report"
    assert not link.is_symlink() and not link.exists()
    assert contents(outside) == before


def test_timings_are_never_written_or_read_through_a_planted_link(reports, outside):
    (outside / f"{PACK}.json").write_text(json.dumps({"outputs": {"a.html": 9999.0}}))
    before = contents(outside)
    (reports / "_timings").symlink_to(outside, target_is_directory=True)
    assert determinism.last_timings(reports, PACK) is None  # not the planted 9999 s
    written = determinism.write_timings(reports, PACK, dt.date(2010, 7, 31), {"a.html": 1.5}, 2.0)
    assert written == reports / "_timings" / f"{PACK}.json" and not (reports / "_timings").is_symlink()
    assert determinism.last_timings(reports, PACK) == 1.5
    assert contents(outside) == before


def test_the_index_is_never_written_through_a_planted_link(reports, tmp_path):
    target = tmp_path / "outside.html"
    target.write_text("not reportlib's\n")
    (reports / f".index-{os.getpid()}.html").symlink_to(target)
    index = write_index(reports)
    assert target.read_text() == "not reportlib's\n"
    assert index.is_file() and not index.is_symlink() and "<html" in index.read_text()


# --- 3. links in a data folder are never followed out of it -------------------------------------------

@pytest.fixture
def data(tmp_path) -> Path:
    folder = tmp_path / "project" / "data"
    folder.mkdir(parents=True)
    return folder


def test_a_data_file_linked_from_outside_its_folder_is_refused_naming_it(data, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(SAMPLE_WORKBOOK, elsewhere / "plan.xlsx")
    (elsewhere / "wdc.layout.yaml").write_text("not read\n")  # a layout beside the target is not used either
    (data / "plan.xlsx").symlink_to(elsewhere / "plan.xlsx")
    with pytest.raises(InputError) as caught:
        discover(data)
    assert str(data / "plan.xlsx") in str(caught.value) and str(data) in str(caught.value)
    assert "symbolic link" in str(caught.value)
    [error] = reportlib.inspect_plans(data).errors
    assert str(data / "plan.xlsx") in error.message
    build_notebook(data.parent / "notebooks" / f"{SAMPLE_STEM}.ipynb")
    write_pack(data.parent, data=["data"])
    with pytest.raises(ReportlibError) as caught:
        load_pack(data.parent / "params" / f"{SAMPLE_PACK}.yaml")
    assert str(data / "plan.xlsx") in str(caught.value)


def test_a_link_that_stays_inside_its_data_folder_is_read(data):
    shutil.copy(SAMPLE_WORKBOOK, data / "plan.xlsx")
    (data / "current.xlsx").symlink_to("plan.xlsx")
    assert [p.name for p in discover(data)] == ["current.xlsx", "plan.xlsx"]


@pytest.mark.parametrize("name", ["extra.layout.yaml", "decisions.csv"])
def test_a_layout_or_decisions_file_linked_from_outside_is_refused_naming_it(data, tmp_path, name):
    shutil.copy(SAMPLE_WORKBOOK, data / "plan.xlsx")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / name).write_text(LAYOUT if name.endswith(".yaml") else ",".join(decisions.COLUMNS) + "\n")
    (data / name).symlink_to(elsewhere / name)
    errors = reportlib.inspect_plans(data).errors
    assert errors and str(data / name) in errors[0].message, errors
    if name.endswith(".yaml"):
        with pytest.raises(ReportlibError, match="symbolic link"):
            available([data])
    else:
        with pytest.raises(InputError, match="symbolic link"):
            decisions.files_for([data / "plan.xlsx"])


# --- 7. decisions.csv from other programs -------------------------------------------------------------

@pytest.fixture
def folder(tmp_path) -> Path:
    folder = plan_folder(tmp_path)
    q1(folder)
    return folder


def decided(plans, action_id: str, snapshot: str) -> tuple[str, str]:
    row = plans.updates[(plans.updates["action_id"] == action_id) & (plans.updates["snapshot"] == snapshot)].iloc[0]
    return row["status"], row["status_source"]


def test_decisions_saved_with_mac_line_endings_are_read_and_added_to(folder):
    decisions.record(folder, reportlib.inspect_plans(folder), "TBC-2010-003", "June 2010", "planned",
                     "A. Analyst", "Confirmed with the owner", today=dt.date(2010, 8, 2))
    path = folder / "decisions.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))  # Excel's "CSV (Macintosh)"
    plans = reportlib.inspect_plans(folder)
    assert plans.errors == []
    assert decided(plans, "TBC-2010-003", "June 2010") == ("planned", "reviewed by A. Analyst on 02 Aug 2010")
    decisions.record(folder, plans, "TBC-2010-004", "June 2010", "in_progress", "B. Analyst", "",
                     today=dt.date(2010, 8, 3))
    plans = reportlib.inspect_plans(folder)
    assert plans.errors == []
    assert decided(plans, "TBC-2010-003", "June 2010")[0] == "planned"
    assert decided(plans, "TBC-2010-004", "June 2010") == ("in_progress", "reviewed by B. Analyst on 03 Aug 2010")


def test_an_over_long_decisions_field_is_an_error_naming_file_row_column_and_the_limit(folder):
    plans = reportlib.inspect_plans(folder)
    row = ["TBC-2010-003", "June 2010", "planned", "A. Analyst", "2010-08-02", "x" * 200_000,
           decisions.text_hash(plans.updates["text"].iloc[0])]
    lines = [",".join(decisions.COLUMNS), ",".join(["TBC-2010-001", "June 2010", "planned", "A", "2010-08-02",
                                                    '"a reason\non two lines"', "0" * 16]), ",".join(row)]
    path = folder / "decisions.csv"
    path.write_text("\n".join(lines) + "\n")
    before = path.read_bytes()
    found, [error] = decisions.read(path)
    assert (error.location.file, error.location.row, error.location.column) == ("decisions.csv", 3, "reason")
    assert "131,072" in error.message and "200,000" in error.message
    errors = reportlib.inspect_plans(folder).errors
    assert any(str(e.location) == "decisions.csv, row 3, column reason" for e in errors), errors
    with pytest.raises(ValidationFailed) as caught:
        reportlib.load_plans(folder)
    assert "decisions.csv" in str(caught.value) and "row 3" in str(caught.value)
    assert path.read_bytes() == before


@pytest.mark.parametrize("text", ["\uff1dcmd|' /C calc'!A0", "\u200b=1+1", "\ufeff+1", "\uff20SUM(1)", "\u200e-2+3"])
def test_review_neutralises_formula_triggers_hidden_by_width_or_invisible_characters(folder, text):
    decisions.record(folder, reportlib.inspect_plans(folder), "TBC-2010-003", "June 2010", "planned", text, text,
                     today=dt.date(2010, 8, 2))
    with open(folder / "decisions.csv", encoding="utf-8", newline="") as handle:
        row = list(csv.DictReader(handle))[0]
    assert row["reviewer"] == "'" + text and row["reason"] == "'" + text  # a spreadsheet keeps it as text
    [decision], [] = decisions.read(folder / "decisions.csv")
    assert (decision.reviewer, decision.reason) == (text, text)  # and the original comes back


# --- 7. link targets a report does not follow are shown as text, with a finding -----------------------

UNSAFE_TARGETS = ["javascript:alert(1)", "file:///etc/passwd", "data:text/html;base64,PHNjcmlwdD4=",
                  "\\\\server\\share\\plan.xlsx", "//host.example/share", " JaVaScRiPt:alert(1)", "minutes.docx"]


class _Parts(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags, self.text = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


@pytest.mark.parametrize("href", UNSAFE_TARGETS)
def test_a_link_to_a_target_outside_the_allow_list_is_shown_as_its_text(href):
    text = f'See <a href="{href}">the plan</a> now, and <a href="https://example.org/x">this</a>.'
    cell = tables.table(pd.DataFrame({"r": [text]}), rich=["r"]).html
    parts = _Parts(cell.split("<tbody>")[1])
    assert [(tag, attrs.get("href")) for tag, attrs in parts.tags if tag == "a"] == [("a", "https://example.org/x")]
    assert "".join(parts.text) == text.replace('<a href="https://example.org/x">this</a>', "this")
    [found] = markup.markup_outside_allow_list(text)  # what the loader's finding quotes
    assert found.startswith("<a") and href.strip() in found


def test_safe_links_and_anchors_without_a_target_give_no_finding():
    assert markup.markup_outside_allow_list('<a href="https://x.example/">x</a> <a href="mailto:a@b.example">m</a>') == []
    assert markup.markup_outside_allow_list("<a>name</a> <ul><li>item</li></ul>") == []


def test_each_cell_with_an_unsafe_link_is_a_finding_naming_it(folder):
    progress = [f'See <a href="{href}">the plan</a>' for href in UNSAFE_TARGETS]
    write_quarter(folder, "q1.xlsx", ["Progress at 30 Jun 2010"],
             [quarter_row(i + 1, progress=[p], status="On track") for i, p in enumerate(progress)])
    plans = reportlib.inspect_plans(folder)
    markup = [f for f in plans.findings if f.code == "markup"]
    assert len(markup) == len(UNSAFE_TARGETS), markup
    assert {f.location.column for f in markup} == {"G"} and all("literal text" in f.message for f in markup)


# --- 7. verify: what the manifest may say about its making, and where the report may be --------------

def fake_report(root: Path, **fields) -> Path:
    (root / "params").mkdir(parents=True)
    (root / "params" / "p.yaml").write_text("pack: p\n")
    folder = root / "reports" / "p" / AS_OF
    folder.mkdir(parents=True)
    manifest = {"pack": "p", "as_of": AS_OF, "pack_file": {"path": "params/p.yaml", "sha256": "0" * 64},
                "inputs": [], "notebooks": [], "outputs": [], "generated_at": "2010-08-01T09:30:00Z",
                "rendered_by": {"engine": "process", "scheduler": None, "worker": "host:pid123"}}
    manifest.update(fields)
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return folder


SIGNED = "signed off by the Chief Executive"


@pytest.mark.parametrize("field, value", [
    ("generated_at", SIGNED),
    ("generated_at", "2010-13-45T09:30:00Z"),
    ("rendered_by", SIGNED),
    ("rendered_by", {"engine": SIGNED, "scheduler": None, "worker": "host:pid123"}),
    ("rendered_by", {"engine": "process", "scheduler": None, "worker": SIGNED}),
    ("rendered_by", {"engine": "dask", "scheduler": SIGNED, "worker": "tcp://10.0.0.2:4000"}),
    ("rendered_by", {"engine": "process", "scheduler": None, "worker": "host:pid1", "approved_by": SIGNED}),
])
def test_verify_refuses_a_manifest_whose_record_of_its_making_is_not_what_render_writes(tmp_path, field, value):
    folder = fake_report(tmp_path / "repo", **{field: value})
    with pytest.raises(VerifyError) as caught:
        verify_report(folder, root=tmp_path / "repo")
    assert f"'{field}'" in str(caught.value) and str(folder / "manifest.json") in str(caught.value)


def test_a_report_copied_under_another_folder_name_verifies_and_claims_no_signature(tmp_path, monkeypatch, capsys):
    from reportlib.cli import main
    from reportlib.run.render import render_packs

    scratch = tmp_path / "tmp"  # verify renders again in a temporary folder: this test's own
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setenv("TMPDIR", str(scratch))
    root = tmp_path / "repo"
    build_sample_repo(root)
    pack_file = write_pack(root, formats=["html"])  # the PDF is left out: only the folder's name is under test
    [rendered] = render_packs([pack_file], reports_dir=root / "reports", show_progress=False)
    assert rendered.ok, rendered.error
    shutil.copytree(root / "reports", root / "committee papers 2010", symlinks=True)
    monkeypatch.chdir(root)
    assert main(["verify", f"committee papers 2010/{SAMPLE_PACK}/{SAMPLE_AS_OF}"]) == 0, capsys.readouterr()
    last = capsys.readouterr().out.splitlines()[-1]
    assert last.startswith("verified:") and "not signed" in last and "approved" in last
