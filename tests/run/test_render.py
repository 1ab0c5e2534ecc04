"""The pack runner end to end on a tiny pack: outputs, safety of the HTML, PDF furniture,
manifest and index; failures that leave the last good report alone; the per-pack lock.

The good pack is rendered once per session (``rendered_sample_pack`` in conftest.py).
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import re

import nbformat
import pandas as pd
import pytest
from conftest import SAMPLE_AS_OF, SAMPLE_PACK, SAMPLE_STEM, build_notebook, write_pack
from pypdf import PdfReader

from reportlib.present.htmlreport import external_loads
from reportlib.run.render import render_packs
from reportlib.run.task import PackResult

pytestmark = pytest.mark.slow  # renders packs, starts kernels, browsers or processes

RUNNING_HEADER = "Warwick District Council · Audit Committee · as of 31 July 2010"


@pytest.fixture(scope="module")
def sample(rendered_sample_pack):
    return rendered_sample_pack


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_pack_outputs_are_published(sample):
    result = sample.result
    assert isinstance(result, PackResult) and result.ok and result.error is None
    assert result.pack == SAMPLE_PACK and result.seconds > 0
    names = {f"{SAMPLE_STEM}.html", f"{SAMPLE_STEM}.pdf", f"{SAMPLE_STEM}.ipynb", "tables.xlsx", "manifest.json"}
    assert {p.name for p in sample.out_dir.iterdir()} == names
    assert sorted(result.outputs) == sorted(str(sample.out_dir / n) for n in names)
    leftovers = [p.name for p in sample.reports.iterdir() if p.name.startswith((".tmp-", ".old-"))]
    assert leftovers == []


def test_progress_is_one_line_as_the_pack_starts_and_one_as_it_finishes(sample):
    started, finished = sample.log_lines
    assert re.fullmatch(rf"\d\d:\d\d:\d\d {SAMPLE_PACK}: started \(pack 1 of 1\)", started)
    assert re.fullmatch(rf"\d\d:\d\d:\d\d {SAMPLE_PACK}: rendered in \d+\.\d s "
                        rf"\(5 files in .*{SAMPLE_PACK}/{SAMPLE_AS_OF}\)", finished)


def test_html_shows_no_code_prompts_or_parameters(sample):
    html = sample.html
    for absent in ("import pandas", "tables.table(", "In&nbsp;[", "In [", "injected-parameters",
                   "pack_title = ", "data_paths = ", "SECRET-REMOVED-CELL", "STDERR-NOISE", "WARNING-NOISE",
                   "Traceback"):
        assert absent not in html, absent


def test_html_is_self_contained(sample):
    html = sample.html
    assert "<script" not in html
    assert not re.search(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=[\"']?(?:https?:)?//", html)
    assert external_loads(html) == []
    assert re.search(r'<img [^>]*src="data:image/png;base64,', html)
    assert '<a href="https://www.warwickdc.gov.uk/">' in html  # a link to click is fine


def test_html_text_from_cells_is_safe_and_lists_read_as_lists(sample):
    html = sample.html
    assert "<li>Agreed with the auditor</li>" in html
    assert 'href="https://example.org/plan" rel="noopener noreferrer"' in html
    assert "Publish &lt;script&gt;alert(1)&lt;/script&gt; data" in html
    assert "<script>alert" not in html
    assert "31 Mar 2010" in html and "Actions for WDC" in html  # pack parameters reached the notebook


def test_no_absolute_paths_in_any_output(sample):
    root = str(sample.root)
    for name in (f"{SAMPLE_STEM}.html", f"{SAMPLE_STEM}.ipynb", "manifest.json"):
        assert root not in (sample.out_dir / name).read_text(encoding="utf-8"), name
    assert "Data read from data/plan.xlsx" in sample.html


def test_html_has_title_block_and_provenance_footer(sample):
    html = sample.html
    assert "Warwick District Council · Audit Committee" in html and "Position as of 31 July 2010" in html
    assert "SHA-256" in html and sha256(sample.root / "data" / "plan.xlsx") in html
    assert "<td>plan.xlsx</td>" in html and "<td>data_paths</td><td>plan.xlsx</td>" in html
    assert "<td>council_code</td><td>WDC</td>" in html and "reportlib 0.1.0" in html
    # no generation time (two renders of the same inputs give the same bytes); how to check it instead
    assert f"reportlib verify reports/{SAMPLE_PACK}/{SAMPLE_AS_OF}</code>" in html
    assert not re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", html)


def test_pdf_has_running_header_and_page_numbers(sample):
    reader = PdfReader(sample.out_dir / f"{SAMPLE_STEM}.pdf")
    first = reader.pages[0]
    text = first.extract_text()
    assert RUNNING_HEADER in text and f"Page 1 of {len(reader.pages)}" in text
    assert "Use of Resources action plan – progress report" in text
    assert abs(float(first.mediabox.width) - 595.3) < 1 and abs(float(first.mediabox.height) - 841.9) < 1
    last = reader.pages[-1].extract_text()
    assert f"Page {len(reader.pages)} of {len(reader.pages)}" in last and RUNNING_HEADER in last


def test_manifest_records_inputs_parameters_versions_and_outputs(sample):
    manifest = json.loads((sample.out_dir / "manifest.json").read_text())
    assert manifest["pack"] == SAMPLE_PACK and manifest["as_of"] == SAMPLE_AS_OF
    [data] = manifest["inputs"]
    assert data["path"] == "data/plan.xlsx" and data["sha256"] == sha256(sample.root / "data" / "plan.xlsx")
    assert manifest["pack_file"] == {"path": f"params/{SAMPLE_PACK}.yaml", "sha256": sha256(sample.pack_file)}
    [notebook] = manifest["notebooks"]
    assert notebook["parameters"]["council_code"] == "WDC"
    assert notebook["parameters"]["data_paths"] == ["data/plan.xlsx"]
    assert set(manifest["versions"]) >= {"reportlib", "papermill", "nbconvert", "weasyprint", "pandas", "python"}
    outputs = {o["file"]: o for o in manifest["outputs"]}
    assert set(outputs) == {f"{SAMPLE_STEM}.html", f"{SAMPLE_STEM}.pdf", f"{SAMPLE_STEM}.ipynb", "tables.xlsx"}
    for name, output in outputs.items():
        assert output["status"] == "ok" and "seconds" not in output  # timings: reports/_timings/<pack>.json
        assert output["sha256"] == sha256(sample.out_dir / name)


def test_executed_notebook_is_the_audit_trail(sample):
    nb = nbformat.read(sample.out_dir / f"{SAMPLE_STEM}.ipynb", as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "council_code = \"WDC\"" in injected[0].source
    assert nb.metadata.papermill.output_path == f"{SAMPLE_STEM}.ipynb"  # in its own folder, wherever that is
    assert nb.metadata.papermill.input_path == f"notebooks/{SAMPLE_STEM}.ipynb"


def test_tables_workbook_holds_the_reports_tables(sample):
    book = pd.read_excel(sample.out_dir / "tables.xlsx", sheet_name=None, engine="calamine")
    assert list(book) == ["Actions", "Updates", "Findings"] and len(book["Actions"]) == 56


def test_index_links_the_pack(sample):
    index = (sample.reports / "index.html").read_text()
    assert f'href="{SAMPLE_PACK}/{SAMPLE_AS_OF}/{SAMPLE_STEM}.html"' in index
    assert f'href="{SAMPLE_PACK}/{SAMPLE_AS_OF}/{SAMPLE_STEM}.pdf"' in index
    assert external_loads(index) == [] and "<script" not in index


def snapshot(folder):
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}


def test_failing_notebook_leaves_last_good_report_alone(sample):
    before = snapshot(sample.out_dir)
    notebook = sample.root / "notebooks" / f"{SAMPLE_STEM}.ipynb"
    good = notebook.read_bytes()
    build_notebook(notebook, cells=[("parameters", "council_code = 'XXX'\nsnapshot = ''"),
                                    ("code", "print('before the failure')"),
                                    ("code", "raise ValueError('deliberate failure for the test')")])
    try:
        [result] = render_packs([sample.pack_file], reports_dir=sample.reports, show_progress=False)
    finally:
        notebook.write_bytes(good)
    assert not result.ok and result.outputs == []
    assert "ValueError" in result.error and "deliberate failure" in result.error
    assert snapshot(sample.out_dir) == before
    failed = sample.reports / "_failed" / SAMPLE_PACK / SAMPLE_AS_OF
    assert str(failed) in result.error
    executed = nbformat.read(failed / f"{SAMPLE_STEM}.ipynb", as_version=4)
    marked = [c for c in executed.cells if c.metadata.get("papermill", {}).get("exception")]
    assert marked and "deliberate failure" in json.dumps(marked[-1].outputs)
    assert "deliberate failure" in (failed / "error.txt").read_text()
    assert not [p for p in sample.reports.iterdir() if p.name.startswith((".tmp-", ".old-"))]


def test_report_that_would_load_from_another_host_is_refused(sample):
    notebook = build_notebook(sample.root / "notebooks" / "leaky.ipynb", cells=[
        ("parameters", "council_code = 'WDC'\nsnapshot = ''"),
        ("code", "from IPython.display import HTML\nHTML('<img src=\"https://tracker.example/pixel.png\">')")])
    pack = write_pack(sample.root, "leaky-pack", notebooks=[{"notebook": "notebooks/leaky.ipynb"}])
    [result] = render_packs([pack], reports_dir=sample.reports, show_progress=False)
    assert not result.ok and "tracker.example" in result.error and "outside the report" in result.error
    assert not (sample.reports / "leaky-pack").exists()
    notebook.unlink()


def hold_lock(reports, pack):
    handle = open(reports / f".{pack}.lock", "a+")
    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return handle


def test_lock_refuses_a_concurrent_render_and_bad_packs_do_not_stop_others(sample, tmp_path, capsys):
    bad = tmp_path / "params" / "bad.yaml"
    bad.parent.mkdir()
    bad.write_text("pack: bad\n")
    before = snapshot(sample.out_dir)
    with hold_lock(sample.reports, SAMPLE_PACK):
        results = render_packs([bad, sample.pack_file], reports_dir=sample.reports, show_progress=True, force=True)
    assert [r.pack for r in results] == ["bad", SAMPLE_PACK]
    assert not results[0].ok and "bad.yaml" in results[0].error and "title" in results[0].error
    assert not results[1].ok and "already being rendered" in results[1].error
    assert f".{SAMPLE_PACK}.lock" in results[1].error
    assert snapshot(sample.out_dir) == before
    assert "notebook" in capsys.readouterr().err  # the tqdm bar


def test_parallel_jobs_return_results_in_order(sample):
    other = write_pack(sample.root, "second-pack")
    with hold_lock(sample.reports, SAMPLE_PACK), hold_lock(sample.reports, "second-pack"):
        results = render_packs([sample.pack_file, other], reports_dir=sample.reports, jobs=2,
                               show_progress=False, force=True)
    assert [r.pack for r in results] == [SAMPLE_PACK, "second-pack"]
    assert all(not r.ok and "already being rendered" in r.error for r in results)
    other.unlink()
