"""What an independent hostile trial found after the truthful-pack and bounded-run work,
each reproduced here: refused runs leave the index alone; impossible dates, repeated
keys and control characters in packs are located errors; unknown stated statuses and
impossible quarters are findings; the key to a report states the settings it used."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from workbooks import TRACKER_HEADER, item, tracker_folder

import reportlib
from reportlib.cli import main
from reportlib.errors import LayoutError, PackError
from reportlib.ingest.dates import parse_target
from reportlib.ingest.layouts import read_layout
from reportlib.present import report
from reportlib.run.packs import load_pack

pytestmark = pytest.mark.slow  # renders packs, starts kernels, browsers or processes

REPO = Path(__file__).resolve().parents[2]
WDC = "data/wdc_use_of_resources_action_plan.xlsx"


def repo_with_pack(root: Path, text: str | None = None, **values) -> Path:
    shutil.copytree(REPO / "notebooks", root / "notebooks")
    (root / "data").mkdir(parents=True)
    shutil.copy(REPO / WDC, root / WDC)
    pack = {"pack": "trial", "title": "Progress", "committee": "Audit Committee", "as_of": "2010-07-31",
            "data": [WDC], "formats": ["html"], "audience": "internal",
            "notebooks": [{"notebook": "notebooks/council_progress.ipynb", "parameters": {"council_code": "WDC"}}]}
    pack.update(values)
    path = root / "params" / "trial.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(text if text is not None else yaml.safe_dump(pack, sort_keys=False, allow_unicode=True))
    return path


def test_a_refused_render_leaves_the_index_byte_for_byte(tmp_path):
    pack = repo_with_pack(tmp_path / "repo")
    reports = tmp_path / "repo" / "reports"
    assert main(["render", str(pack), "--reports", str(reports)]) == 0
    before = (reports / "index.html").read_bytes()
    bad = repo_with_pack(tmp_path / "other", notebooks=[{"notebook": "notebooks/council_progress.ipynb",
                                                         "parameters": {"council_code": "XYZ"}}])
    assert main(["render", str(bad), "--reports", str(reports)]) == 1
    assert (reports / "index.html").read_bytes() == before


@pytest.mark.parametrize("text, key, words", [
    ("as_of: 2010-02-30\n", "as_of", "is not an ISO date"),
    ("as_of: 2010-07-31\nas_of: 2010-03-31\n", None, "'as_of' is given twice"),
    ('title: "Audit\\x1b[31mRED\\rOVER"\n', "title", "control character U+001B"),
    ('committee: "Audit\\u202eevil"\n', "committee", "control character U+202E"),
])
def test_pack_file_mistakes_of_the_trial_are_located(tmp_path, text, key, words):
    base = yaml.safe_dump({"pack": "trial", "title": "Progress", "committee": "Audit Committee",
                           "data": [WDC], "notebooks": [{"notebook": "notebooks/council_progress.ipynb"}]},
                          sort_keys=False)
    keys = {line.split(":")[0] for line in text.splitlines()}
    kept = "".join(line + "\n" for line in base.splitlines() if line.split(":")[0] not in keys or line.startswith(" "))
    pack = repo_with_pack(tmp_path, kept + text + ("" if "as_of" in keys else "as_of: 2010-07-31\n"))
    with pytest.raises(PackError) as info:
        load_pack(pack)
    assert info.value.key == key and words in str(info.value) and "trial.yaml" in str(info.value)


def test_an_impossible_snapshot_date_in_a_layout_is_located(tmp_path, capsys):
    layout = (REPO / "reportlib" / "layouts" / "wdc-uor-2009.yaml").read_text()
    (tmp_path / "bad.layout.yaml").write_text(layout.replace("2010-03-31", "2010-13-31").replace(
        "name: wdc-uor-2009", "name: wdc-bad"))
    with pytest.raises(LayoutError, match="'snapshots\\[1\\].date' must be a date written YYYY-MM-DD"):
        read_layout(tmp_path / "bad.layout.yaml")
    shutil.copy(REPO / WDC, tmp_path / "plan.xlsx")
    assert main(["validate", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out and "bad.layout.yaml" in captured.out + captured.err


def test_a_stated_status_the_map_does_not_know_is_a_warning(tmp_path):
    folder = tracker_folder(tmp_path, [item(1, July_2010_update="Work under way", Status="Banana"),
                                       item(2, July_2010_update="Work under way", Status="Complete")])
    plans = reportlib.load_plans(folder)
    [found] = [f for f in plans.findings if f.code == "unknown_stated_status"]
    assert "'Banana'" in found.message and found.location.row == 5 and found.location.sheet == "Tracker"
    assert "Status" in TRACKER_HEADER


def test_a_quarter_that_does_not_exist_is_not_read_as_a_date():
    assert parse_target("Q5 2010/11").kind == "unreadable" and parse_target("Q5 2010/11").date is None
    assert str(parse_target("Q2 2010/11").date) == "2010-09-30"


def test_the_key_to_a_report_states_its_own_settings():
    plans = reportlib.load_plans(REPO / WDC)
    key = str(report.how_to_read(reportlib.progress(plans, "2010-07-31", due_soon_days=90)))
    assert "Due soon (within 90 days)" in key and "30 days" not in key
    assert "Red when overdue by at least 1 day" in key


def test_control_characters_in_a_file_name_never_reach_the_terminal(tmp_path, capsys):
    folder = tracker_folder(tmp_path, [item(1)])
    (folder / "tracker.xlsx").rename(folder / "evil\x1b[31m\nerror: fake.xlsx")
    main(["validate", str(folder)])
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\nerror: fake" not in out and "evil\\x1b[31m\\x0aerror: fake.xlsx" in out


def test_a_layout_heading_the_sheet_lacks_is_a_warning_naming_it(tmp_path):
    # found by a new user: "Revised Due Date" in the layout, "Revised Due" in the sheet, and
    # validate said "0 errors, 0 warnings" while every revised target came out empty
    folder = tracker_folder(tmp_path, [item(1, Target_date="March 2010", Revised_target_date="June 2010")])
    layout = folder / "tracker.layout.yaml"
    layout.write_text(layout.read_text().replace("revised_target: Revised target date",
                                                 "revised_target: Revised target due date"))
    plans = reportlib.load_plans(folder)
    [warning] = [f for f in plans.findings if f.code == "missing_optional_column"]
    assert warning.severity == "warning" and warning.location.sheet == "Tracker" and warning.location.row == 4
    assert "column 'Revised target due date' (revised_target), which layout 'test-tracker' names" in warning.message
    assert "Revised target date" in warning.message  # what the sheet has instead, to compare
    assert plans.actions["revised_target_date"].isna().all()
