"""The papermill-only recipe, run exactly as a scheduler would, from a folder outside the project:

    papermill --help-notebook notebooks/council_progress.ipynb
    papermill notebooks/council_progress.ipynb sddc.ipynb -p council_code SDDC -p as_of 2010-07-31 ...
    jupyter nbconvert --to reportlib-html sddc.ipynb
    jupyter nbconvert --to reportlib-pdf sddc.ipynb

and the pieces it rests on: typed, described parameters in every notebook, the
``reportlib`` kernel, data paths read from the notebook's folder, and the exporters
registered under nbconvert's entry points.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from reportlib.core.paths import resolve_data_path
from reportlib.present.exporters import ReportHTMLExporter, ReportPDFExporter
from reportlib.present.htmlreport import external_loads

pytestmark = pytest.mark.slow  # renders packs, starts kernels, browsers or processes

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_parameter_has_a_type_and_help_and_the_kernel_is_reportlib(notebook):
    import papermill

    assert nbformat.read(notebook, as_version=4).metadata.kernelspec.name == "reportlib"
    parameters = papermill.inspect_notebook(str(notebook))
    assert set(parameters) >= {"data_paths", "as_of", "audience", "snapshot"}
    for parameter in parameters.values():
        assert parameter["inferred_type_name"] not in ("None", "", None), parameter
        assert len(parameter["help"]) > 10, parameter


def test_the_reportlib_kernel_is_installed_for_this_environment():
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("reportlib")
    assert Path(spec.argv[0]).resolve() == Path(sys.executable).resolve() or spec.argv[0] == "python"


def test_relative_data_paths_are_read_from_the_notebooks_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.delenv("REPORTLIB_NOTEBOOK_DIR", raising=False)
    data = (REPO / "data").resolve()
    for cwd in (REPO, REPO / "notebooks", REPO / "reportlib", tmp_path):  # the root, Lab, inside, anywhere
        assert resolve_data_path("../data", cwd=cwd).resolve() == data, cwd
    # a project of one's own: notebooks/ and data/ side by side, found from its root
    (tmp_path / "mine" / "notebooks").mkdir(parents=True)
    (tmp_path / "mine" / "data").mkdir()
    assert resolve_data_path("../data", cwd=tmp_path / "mine") == tmp_path / "mine" / "data"
    assert resolve_data_path("/abs/olute") == Path("/abs/olute")
    # Lab names the notebook it started the kernel for
    monkeypatch.setenv("JPY_SESSION_NAME", str(tmp_path / "mine" / "notebooks" / "x.ipynb"))
    assert resolve_data_path("../data", cwd=REPO) == tmp_path / "mine" / "data"


@pytest.fixture(scope="module")
def scheduled_run(tmp_path_factory):
    """papermill then nbconvert, from an empty folder outside the project, as cron would run them."""
    work = tmp_path_factory.mktemp("cron")
    notebook = REPO / "notebooks" / "council_progress.ipynb"
    help_text = subprocess.run([BIN / "papermill", "--help-notebook", str(notebook)], cwd=work,
                               capture_output=True, text=True, timeout=120)
    run = subprocess.run([BIN / "papermill", str(notebook), "sddc.ipynb", "-p", "council_code", "SDDC",
                          "-p", "as_of", "2010-07-31", "-p", "council", "South Derbyshire District Council",
                          "-p", "committee", "Finance and Management Committee", "--no-progress-bar"],
                         cwd=work, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    convert = subprocess.run([BIN / "jupyter", "nbconvert", "--to", "reportlib-html", "sddc.ipynb"], cwd=work,
                             capture_output=True, text=True, timeout=120)
    assert convert.returncode == 0, convert.stderr[-2000:]
    return work, help_text


def test_help_notebook_shows_a_type_and_help_for_each_parameter(scheduled_run):
    _, help_text = scheduled_run
    assert help_text.returncode == 0, help_text.stderr
    assert "Unknown type" not in help_text.stdout
    for name, kind in (("council_code", "str"), ("due_soon_days", "int"), ("data_paths", "list[str]")):
        shown = re.search(rf"^\s+{name}: {re.escape(kind)} \(default .*\)\n\s+(\S.*)$", help_text.stdout, re.MULTILINE)
        assert shown and len(shown.group(1)) > 10, (name, help_text.stdout)


def test_papermill_from_any_folder_reads_the_shipped_data(scheduled_run):
    work, _ = scheduled_run
    nb = nbformat.read(work / "sddc.ipynb", as_version=4)
    assert nb.metadata.papermill.parameters["council_code"] == "SDDC"
    assert nb.metadata.kernelspec.name == "reportlib"
    shown = json.dumps([o for c in nb.cells for o in c.get("outputs", [])])
    assert "SDDC-2010-0" in shown and "Traceback" not in shown


def test_nbconvert_reportlib_html_is_the_house_report(scheduled_run):
    work, _ = scheduled_run
    html = (work / "sddc.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower() and external_loads(html) == []
    assert "require.js" not in html and "mathjax" not in html.lower()
    assert "plans_for_report" not in html and "import reportlib" not in html  # no code
    assert "default-src 'none'" in html
    assert re.search(r'<nav [^>]*class="rl-toc"', html) and 'href="#Summary"' in html
    assert "South Derbyshire District Council" in html and "Position as of 31 July 2010" in html
    # the footer names the data the run read, with its SHA-256
    assert re.search(r"sddc_use_of_resources_action_plan_2010\.xlsx</td><td[^>]*><code class=\"rl-hash\">[0-9a-f]{64}", html)


def test_reportlib_pdf_exporter_writes_an_a4_pdf(tmp_path):
    from io import BytesIO

    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
    from pypdf import PdfReader

    nb = new_notebook(cells=[
        new_code_cell('council = "Testshire DC"  # the council\nas_of = "2010-07-31"  # the date',
                      metadata={"tags": ["parameters"]}),
        new_markdown_cell("# Progress report\n\n## Headline figures"),
        new_code_cell("SOURCE-NOT-SHOWN", outputs=[new_output("display_data", data={"text/html": "<p>Figures</p>"})]),
    ])
    nbformat.write(nb, tmp_path / "run.ipynb")
    pdf, resources = ReportPDFExporter().from_filename(str(tmp_path / "run.ipynb"))
    assert pdf.startswith(b"%PDF") and resources["output_extension"] == ".pdf"
    page = PdfReader(BytesIO(pdf)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)  # A4, points
    text = page.extract_text()
    assert "Testshire DC" in text and "Headline figures" in text and "Figures" in text
    assert "SOURCE-NOT-SHOWN" not in text


def test_exporters_are_registered_for_nbconvert():
    from nbconvert.exporters import get_exporter

    assert get_exporter("reportlib-html") is ReportHTMLExporter
    assert get_exporter("reportlib-pdf") is ReportPDFExporter
