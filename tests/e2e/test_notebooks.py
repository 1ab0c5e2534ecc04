"""The notebooks as analysts meet them: committed clean, one parameters cell of literal
defaults, only calls into reportlib, and each runs top to bottom on its defaults."""
from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import papermill
import pytest

pytestmark = pytest.mark.slow  # renders packs, starts kernels, browsers or processes

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_clean_with_one_literal_parameters_cell(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    for statement in ast.parse(tagged[0].source).body:  # literal defaults only, typed for papermill's help
        assert isinstance(statement, ast.AnnAssign) and statement.value is not None
        ast.literal_eval(statement.value)
    for cell in code:  # logic lives in reportlib: no def, class or loops in notebooks
        tree = ast.parse(cell.source)
        assert not any(isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.For, ast.While)) for n in ast.walk(tree))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom_on_its_defaults(path, tmp_path):
    out = tmp_path / path.name
    papermill.execute_notebook(str(path), str(out), cwd=str(path.parent), kernel_name="reportlib",
                               progress_bar=False, log_output=False)
    executed = nbformat.read(out, as_version=4)
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    shown = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs
             if o.output_type in ("display_data", "execute_result")]
    assert shown and all("text/html" in o.data for o in shown)
