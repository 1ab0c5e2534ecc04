"""Bombs inside the stated limits: papers a few KB on disk that take minutes or gigabytes to
read (built in ``tests/bombs.py``). Each is refused at its budget, the error naming the
file, the page where there is one, the limit and how to allow more; never read for minutes."""
from __future__ import annotations

import time

import pytest
from bombs import docx_cell_bomb, docx_styles_bomb, pdf_grid_bomb, pdf_text_bomb

from reportlib.analysis.plans import inspect_plans
from reportlib.cli import main


@pytest.mark.parametrize("build, name", [(lambda p: pdf_grid_bomb(p, lines=60, chars=20_000), "grid.pdf"),
                                         (pdf_text_bomb, "text.pdf")])
def test_a_pdf_page_past_its_time_budget_refuses_the_paper_naming_the_page(tmp_path, monkeypatch, build, name):
    # before the page budget: 21 s (grid) and 26 s (text) for one page of a 1-3 KB file
    build(tmp_path / name)
    monkeypatch.setenv("REPORTLIB_PAGE_SECONDS", "1")
    start = time.monotonic()
    plans = inspect_plans(tmp_path)
    assert time.monotonic() - start < 4
    [error] = plans.errors
    assert error.location.file == name and error.location.sheet == "page 1"
    assert "took longer than the 1 s a page may take" in error.message
    assert "$REPORTLIB_PAGE_SECONDS" in error.message and "Word original" in error.message


def test_a_docx_past_the_memory_limit_is_refused_naming_the_file_and_limit(tmp_path, capsys):
    # 4 million empty styles: an 85 KB file that takes about 600 MB to open
    docx_styles_bomb(tmp_path / "styles.docx", styles=4_000_000)
    start = time.monotonic()
    code = main(["validate", str(tmp_path), "--memory-limit", "200MiB"])
    assert time.monotonic() - start < 10
    out = capsys.readouterr().out
    assert code == 1
    assert "error: styles.docx: reading this Word document needed more than the 200 MiB of memory" in out
    assert "--memory-limit" in out and "save it again as .docx" in out


def test_validate_past_its_time_limit_is_stopped_naming_the_file(tmp_path, capsys):
    # empty cells just under the 32 MB text-part limit: 140 KB that take 20 s or more to read
    docx_cell_bomb(tmp_path / "cells.docx")
    start = time.monotonic()
    code = main(["validate", str(tmp_path), "--time-limit", "2"])
    assert time.monotonic() - start < 5
    err = capsys.readouterr().err
    assert code == 1
    assert "validate (loading the data) did not finish within 2 s and was stopped while reading cells.docx" in err
    assert "--time-limit SECONDS" in err


def test_limits_from_the_environment_and_bad_values(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("REPORTLIB_MEMORY_LIMIT", "lots")
    assert main(["validate", str(tmp_path)]) == 1
    assert "$REPORTLIB_MEMORY_LIMIT: 'lots' is not an amount of memory" in capsys.readouterr().err
    monkeypatch.delenv("REPORTLIB_MEMORY_LIMIT")
    with pytest.raises(SystemExit):
        main(["validate", str(tmp_path), "--time-limit", "0"])
    assert "--time-limit: must be more than 0" in capsys.readouterr().err
