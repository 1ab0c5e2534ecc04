"""Same inputs, same bytes; and ``reportlib verify`` proving it for a published report.

The sample pack is rendered once in this process (``rendered_sample_pack``) and once more
by the command line in another process (another hash seed, another kernel), two packs at a
time beside a pack that fails: every published file must be the same byte for byte, the
manifest apart from its ``generated_at``. Then ``reportlib verify`` on the published
folder, as it is and after tampering with one byte of the HTML or one cell of the data.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from conftest import SAMPLE_AS_OF, SAMPLE_PACK, SAMPLE_STEM, build_notebook, write_pack
from nbformat.v4 import new_code_cell, new_notebook

from reportlib.run.determinism import GENERATED_FIELD, INJECTED_CELL_ID, settle_notebook, without_generated_time

pytestmark = pytest.mark.slow  # renders packs, starts kernels, browsers or processes

BAD_PACK = "bad-council"


def cli(*args, cwd=None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}  # a hash seed of its own
    return subprocess.run([sys.executable, "-m", "reportlib.cli", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


@dataclass
class Again:
    reports: Path
    run: subprocess.CompletedProcess

    @property
    def out_dir(self) -> Path:
        return self.reports / SAMPLE_PACK / SAMPLE_AS_OF


@pytest.fixture(scope="module")
def rendered_again(rendered_sample_pack, tmp_path_factory) -> Again:
    """The sample pack rendered again by the command line (``--jobs 2``, beside a pack that fails),
    into another ``reports`` folder (same name: the executed notebook records its path)."""
    root = rendered_sample_pack.root
    bad = write_pack(root, BAD_PACK, notebooks=[{"notebook": f"notebooks/{SAMPLE_STEM}.ipynb",
                                                  "parameters": {"council_code": "ZZZ"}}])
    reports = tmp_path_factory.mktemp("again") / "reports"
    reports.mkdir()
    try:
        run = cli("render", "--jobs", "2", "--reports", reports, rendered_sample_pack.pack_file, bad)
    finally:
        bad.unlink()  # the shared sample repo is left as it was
    return Again(reports, run)


def published(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_two_renders_of_the_same_inputs_are_the_same_bytes(rendered_sample_pack, rendered_again):
    first, second = published(rendered_sample_pack.out_dir), published(rendered_again.out_dir)
    assert set(first) == set(second) == {f"{SAMPLE_STEM}.html", f"{SAMPLE_STEM}.pdf", f"{SAMPLE_STEM}.ipynb",
                                          "tables.xlsx", "manifest.json"}
    for name in first:
        if name == "manifest.json":  # the one field allowed to differ: when it was generated
            assert without_generated_time(first[name]) == without_generated_time(second[name])
        else:
            assert first[name] == second[name], f"{name} differs between two renders of the same inputs"


def test_the_executed_notebook_carries_no_run_timings(rendered_sample_pack):
    text = (rendered_sample_pack.out_dir / f"{SAMPLE_STEM}.ipynb").read_text(encoding="utf-8")
    for timing in ('"start_time"', '"end_time"', '"duration"', '"iopub.status.busy"', '"shell.execute_reply"'):
        assert timing not in text
    nb = nbformat.reads(text, as_version=4)
    [injected] = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected.id == INJECTED_CELL_ID and nb.metadata.papermill.parameters["as_of"] == SAMPLE_AS_OF


def test_timings_are_kept_beside_the_published_folder(rendered_sample_pack):
    import json

    timings = json.loads((rendered_sample_pack.reports / "_timings" / f"{SAMPLE_PACK}.json").read_text())
    assert timings["pack"] == SAMPLE_PACK and timings["as_of"] == SAMPLE_AS_OF and timings["seconds"] > 0
    assert set(timings["outputs"]) >= {f"{SAMPLE_STEM}.ipynb", f"{SAMPLE_STEM}.pdf", "tables.xlsx"}


def test_unattended_run_prints_a_line_as_each_pack_starts_and_finishes_and_a_summary(rendered_again):
    run = rendered_again.run
    assert run.returncode == 1, run.stderr  # the bad pack failed; the good one was published
    lines = run.stderr.splitlines()
    clock = r"\d\d:\d\d:\d\d"
    for pack in (SAMPLE_PACK, BAD_PACK):
        assert sum(bool(re.fullmatch(rf"{clock} {pack}: started \(pack \d of 2\)", line)) for line in lines) == 1
    assert any(re.fullmatch(rf"{clock} {SAMPLE_PACK}: rendered in \d+\.\d s \(5 files in .*{SAMPLE_AS_OF}\)", line)
               for line in lines), lines
    assert any(re.fullmatch(rf"{clock} {BAD_PACK}: failed after \d+\.\d s", line) for line in lines), lines
    assert any("error: pack bad-council failed:" in line and "ZZZ" in line for line in lines)
    assert re.fullmatch(rf"1 of 2 pack\(s\) rendered in \d+\.\d s; failed: {BAD_PACK}", lines[-1])
    assert "\r" not in run.stderr and "it/s" not in run.stderr  # no progress bar into a log


def test_no_lock_or_temporary_files_are_left_in_reports(rendered_again):
    leftovers = [p.name for p in rendered_again.reports.rglob(".*")]
    assert leftovers == []


# --- reportlib verify -----------------------------------------------------------------------------

def tree(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_verify_passes_on_an_untouched_report_and_writes_nothing(rendered_sample_pack):
    root = rendered_sample_pack.root
    before = tree(root / "reports")
    run = cli("verify", f"reports/{SAMPLE_PACK}/{SAMPLE_AS_OF}", cwd=root)
    assert run.returncode == 0, run.stdout + run.stderr
    out = run.stdout.splitlines()
    assert out[-1].startswith("verified: ") and "not signed" in out[-1]
    assert re.fullmatch(r"compared: 3 input\(s\) re-hashed \(params/sample-pack\.yaml, data/plan\.xlsx, "
                        r"notebooks/sample_report\.ipynb\); 5 published file\(s\) compared byte for byte with "
                        r"a new render \(manifest\.json apart from generated_at and rendered_by\)", out[-2])
    assert tree(root / "reports") == before  # not one file written, changed or touched in reports/


@pytest.fixture
def copied_repo(rendered_sample_pack, tmp_path) -> Path:
    """A copy of the rendered sample repo (reports included) to tamper with."""
    return Path(shutil.copytree(rendered_sample_pack.root, tmp_path / "repo", symlinks=True))


def differing(run: subprocess.CompletedProcess) -> list[str]:
    return [line for line in run.stdout.splitlines() if " differs: " in line]


def test_verify_names_an_html_file_with_one_byte_changed(copied_repo):
    html = copied_repo / "reports" / SAMPLE_PACK / SAMPLE_AS_OF / f"{SAMPLE_STEM}.html"
    data = bytearray(html.read_bytes())
    at = data.index(b"Audit Committee")
    data[at] = ord("a")  # "audit Committee": one byte
    html.write_bytes(bytes(data))
    run = cli("verify", f"reports/{SAMPLE_PACK}/{SAMPLE_AS_OF}", cwd=copied_repo)
    assert run.returncode == 1, run.stdout + run.stderr
    lines = differing(run)
    assert len(lines) == 1, run.stdout
    [line] = lines
    assert line.startswith(f"output differs: {SAMPLE_STEM}.html: ")
    assert f"first difference at byte {at:,}" in line
    assert run.stdout.splitlines()[-1] == "not verified: 0 input(s) and 1 output(s) differ"


def test_verify_names_a_data_file_with_one_cell_changed(copied_repo):
    from openpyxl import load_workbook

    workbook = copied_repo / "data" / "plan.xlsx"
    book = load_workbook(workbook)
    sheet = book.worksheets[0]
    cell = next(c for row in sheet.iter_rows(min_row=5) for c in row if isinstance(c.value, str) and len(c.value) > 20)
    cell.value = cell.value + "."
    book.save(workbook)
    run = cli("verify", f"reports/{SAMPLE_PACK}/{SAMPLE_AS_OF}", cwd=copied_repo)
    assert run.returncode == 1, run.stdout + run.stderr
    [line] = differing(run)
    assert line.startswith("input differs: data/plan.xlsx: its SHA-256 is now ")
    assert "not rendered again: an input differs" in run.stdout
    assert run.stdout.splitlines()[-1] == "not verified: 1 input(s) and 0 output(s) differ"


def test_verify_refuses_a_folder_that_is_not_a_report(tmp_path):
    run = cli("verify", tmp_path, cwd=tmp_path)
    assert run.returncode == 1
    assert "manifest.json not found" in run.stderr and "Traceback" not in run.stderr


# --- the pieces, without a kernel -----------------------------------------------------------------

def test_settle_notebook_keeps_what_ran_and_drops_when():
    nb = new_notebook()
    cell = new_code_cell("x = 1")
    cell.metadata.update(tags=["injected-parameters"], execution={"iopub.status.busy": "2026-01-01T00:00:00Z"},
                         papermill={"start_time": "t", "end_time": "t", "duration": 0.1, "status": "completed",
                                    "exception": False})
    nb.cells.append(cell)
    warned = new_code_cell("warnings.warn('x')", outputs=[nbformat.v4.new_output(
        "stream", name="stderr", text="/tmp/ipykernel_20479/1623504058.py:2: UserWarning: x\n")])
    nb.cells.append(warned)
    nb.metadata["papermill"] = {"parameters": {"as_of": "2010-07-31"}, "start_time": "t", "duration": 3.0}
    settle_notebook(nb)
    assert warned.outputs[0].text == "ipykernel/1623504058.py:2: UserWarning: x\n"  # not the kernel's pid
    assert nb.metadata.papermill == {"parameters": {"as_of": "2010-07-31"}}
    assert cell.metadata == {"tags": ["injected-parameters"], "papermill": {"status": "completed", "exception": False}}
    assert cell.id == INJECTED_CELL_ID
    nbformat.validate(nb)


def test_a_cells_printing_settles_to_the_same_outputs_however_the_kernel_sent_it():
    """The kernel sends what a cell prints in pieces as its flush timer fires, so how many
    stream outputs a cell gets (and whether stdout or stderr comes first) depends on timing:
    on a slow machine one render's cell had two stdout outputs where another had one, and
    the published notebook, HTML and PDF differed. Settled, consecutive pieces are one
    output a stream, stdout before stderr; outputs that are not streams keep their place."""
    def cell(*pieces):
        return new_code_cell("print(...)", outputs=[
            nbformat.v4.new_output("stream", name=name, text=text) if name in ("stdout", "stderr")
            else nbformat.v4.new_output("display_data", data={"text/plain": text}) for name, text in pieces])

    whole = cell(("stdout", "one\ntwo\n"), ("stderr", "warned\n"), ("display", "<table>"), ("stdout", "three\n"))
    cut = cell(("stdout", "one\n"), ("stderr", "warned\n"), ("stdout", "two\n"), ("display", "<table>"),
               ("stdout", "thr"), ("stdout", "ee\n"))
    for c in (whole, cut):
        nb = new_notebook(cells=[c])
        settle_notebook(nb)
        nbformat.validate(nb)
    assert cut.outputs == whole.outputs
    assert [(o.output_type, o.get("name")) for o in cut.outputs] == [
        ("stream", "stdout"), ("stream", "stderr"), ("display_data", None), ("stream", "stdout")]
    assert cut.outputs[0].text == "one\ntwo\n" and cut.outputs[3].text == "three\n"


def test_only_the_generation_time_of_a_manifest_is_set_aside():
    one = b'{\n  "pack": "p",\n  "generated_at": "2026-11-25T07:04:02Z"\n}\n'
    two = b'{\n  "pack": "p",\n  "generated_at": "2027-01-01T00:00:00Z"\n}\n'
    assert without_generated_time(one) == without_generated_time(two)
    assert without_generated_time(one) != without_generated_time(two.replace(b'"p"', b'"q"'))
    with pytest.raises(ValueError, match=GENERATED_FIELD):
        without_generated_time(one.replace(b'"pack": "p"', b'"generated_at": "x"'))


def test_build_notebook_helper_is_unchanged_by_settling(tmp_path):
    """A notebook that never ran (no papermill metadata) is left as it is."""
    path = build_notebook(tmp_path / "n.ipynb")
    nb = nbformat.read(path, as_version=4)
    before = nbformat.writes(nb)
    settle_notebook(nb)
    assert nbformat.writes(nb) == before


def test_the_last_timings_order_packs_for_jobs(tmp_path):
    """Timings left the manifest for ``reports/_timings/``; ``--jobs`` still starts the longest pack first."""
    import datetime as dt

    from reportlib.run.determinism import last_timings, write_timings
    from reportlib.run.render import _expected_seconds

    assert last_timings(tmp_path, "slow") is None
    write_timings(tmp_path, "slow", dt.date(2010, 7, 31), {"a.ipynb": 30.0, "a.pdf": 12.5}, 43.0)
    assert last_timings(tmp_path, "slow") == 42.5
    assert _expected_seconds(tmp_path / "params" / "slow.yaml", tmp_path) == 42.5
    assert [p.name for p in tmp_path.rglob("*")] == ["_timings", "slow.json"]  # no temporary file left
