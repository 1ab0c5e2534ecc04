"""Loading: the two councils' plans, and every layout feature on small workbooks built in code."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from workbooks import TRACKER_HEADER, item, tracker_folder, write_xlsx

from reportlib import load_plans
from reportlib.analysis.plans import inspect_plans
from reportlib.errors import ValidationFailed
from reportlib.model.plans import ACTION_COLUMNS, UPDATE_COLUMNS

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def shipped():
    return load_plans(DATA)


def test_canonical_columns_are_the_design_names(shipped):
    assert list(shipped.actions.columns) == ACTION_COLUMNS
    assert list(shipped.updates.columns) == UPDATE_COLUMNS
    assert shipped.actions["action_id"].is_unique


def test_south_derbyshire_has_16_recommendations_each_with_a_kloe(shipped):
    sddc = shipped.actions[shipped.actions["council_code"] == "SDDC"]
    assert len(sddc) == 16
    assert sddc["priority"].value_counts().to_dict() == {"Medium": 12, "High": 4}
    assert sddc["kloe"].notna().all()
    assert sddc.set_index("action_id").loc["SDDC-2010-013", "kloe"] == "3.1"  # "Managing natural resources"
    assert sddc.set_index("action_id").loc["SDDC-2010-016", "kloe"] == "3.3"  # "Workforce management"
    # the KLOE line is taken off the recommendation, the council's words kept
    first = sddc.set_index("action_id").loc["SDDC-2010-001", "recommendation"]
    assert first.startswith("The Council needs to continue to develop arrangements")
    # South Derbyshire has no progress columns: no updates
    assert not shipped.updates["action_id"].str.startswith("SDDC").any()


def test_south_derbyshire_targets_come_from_implementation_details(shipped):
    sddc = shipped.actions.set_index("action_id")
    assert sddc.loc["SDDC-2010-005", "target_date"] == pd.Timestamp("2010-06-30")  # Q1 2010/11
    assert sddc.loc["SDDC-2010-012", "target_date"] == pd.Timestamp("2010-12-31")  # by 31st December 2010


def test_warwick_has_both_assessments_with_theme_kloe_and_source_rows(shipped):
    wdc = shipped.actions[shipped.actions["council_code"] == "WDC"]
    assert set(wdc["assessment"]) == {"2009", "2010"}
    assert wdc["theme"].notna().all() and wdc["kloe"].notna().all()
    assert wdc["source_rows"].notna().all() and (wdc["source_sheet"] == "Action Plan").all()
    assert len(wdc[wdc["assessment"] == "2009"]) == 38
    assert len(wdc[wdc["assessment"] == "2010"]) == 18


def test_warwick_row_with_a_2010_action_becomes_two_linked_actions(shipped):
    actions = shipped.actions.set_index("action_id")
    old = actions.loc["WDC-2009-003"]
    new = actions.loc[old["linked_action_id"]]
    assert new["assessment"] == "2010" and new["linked_action_id"] == "WDC-2009-003"
    assert new["source_rows"] == old["source_rows"]
    assert new["owner"] == "CMT/HoF/IPM" and not new["action"].endswith("IPM")  # owner suffix taken off
    july = shipped.updates[(shipped.updates["snapshot"] == "July 2010")]
    texts = july.set_index("action_id")["text"]
    assert texts[old.name] == texts[new.name] != ""  # the row's July 2010 update recorded for both


def test_warwick_updates_cover_three_snapshots(shipped):
    wdc = shipped.updates[shipped.updates["action_id"].str.startswith("WDC")]
    dates = wdc.groupby("snapshot")["snapshot_date"].first().sort_values()
    assert list(dates.index) == ["December 2009", "March 2010", "July 2010"]
    assert dates.iloc[0] == pd.Timestamp("2009-12-31")
    # 2009 items have all three snapshots, 2010 actions only July 2010
    per_action = wdc.groupby("action_id")["snapshot"].nunique()
    assert per_action[per_action.index.str.startswith("WDC-2009")].eq(3).all()
    assert per_action[per_action.index.str.startswith("WDC-2010")].eq(1).all()


def test_warwick_targets_read_with_financial_year_meaning(shipped):
    a = shipped.actions.set_index("action_id")
    rows = a[a["target_text"].fillna("").str.startswith("June 2010, ahead of")]
    assert rows["target_date"].iloc[0] == pd.Timestamp("2010-06-30")
    recurring = a[a["target_text"] == "March 2010 and ongoing"]
    assert len(recurring) >= 3 and recurring["target_recurring"].all()
    assert (recurring["target_date"] == pd.Timestamp("2010-03-31")).all()
    assert a[a["target_text"] == "Januray 2010"]["target_date"].iloc[0] == pd.Timestamp("2010-01-31")
    assert a[a["target_text"] == "Nov/Dev 2009"]["target_date"].iloc[0] == pd.Timestamp("2009-12-31")
    ongoing = a[a["target_text"] == "Ongoing"]
    assert ongoing["target_date"].isna().all()


def test_shipped_data_has_no_errors_and_only_explained_warnings(shipped):
    assert shipped.errors == []
    assert {f.code for f in shipped.warnings} <= {"unreadable_target", "year_assumed", "no_date_in_prose"}
    # the one target with a month but no year ("... by Jan/Feb") takes the layout's reference year, and says so
    [assumed] = [f for f in shipped.warnings if f.code == "year_assumed"]
    assert (assumed.location.row, assumed.location.column) == (19, "D ('December 2009 Position')")


def test_source_is_never_modified(tmp_path):
    folder = tracker_folder(tmp_path, [item(1)])
    before = (folder / "tracker.xlsx").read_bytes()
    load_plans(folder)
    assert (folder / "tracker.xlsx").read_bytes() == before


# --- layout features on workbooks built in code --------------------------------------------

def test_header_on_row_4_with_split_words_and_trailing_spaces(tmp_path):
    folder = tracker_folder(tmp_path, [item(1, "Strengthen budget challenge.  ", "Train members - HoF  ",
                                            KLOE="KLOE 1.1", Priority="high ")])
    header = TRACKER_HEADER.copy()
    header[4] = "Respons ible  Officer "  # split word, double space, trailing space
    rows = [["Tracker title"], [None], [None], header, item(1, "Strengthen budget challenge.  ", "Train members - HoF  ",
                                                              KLOE="KLOE 1.1", Priority="high ")]
    write_xlsx(folder / "tracker.xlsx", {"Tracker": rows})
    plans = load_plans(folder)
    row = plans.actions.iloc[0]
    assert row["recommendation"] == "Strengthen budget challenge."
    assert row["action"] == "Train members" and row["owner"] == "HoF"
    assert row["priority"] == "High" and row["kloe"] == "1.1" and row["kloe_name"] == "Planning for financial health"
    assert plans.sources.iloc[0]["header_row"] == 4
    assert row["source_rows"] == "5"


def test_merged_section_rows_carry_theme_and_kloe_to_rows_below(tmp_path):
    rows = [["Theme 2 - Governing the business"], ["KLOE 2.4 risk management"], item(1), [None], item(2),
            ["KLOE 3.3 workforce"], item(3)]
    folder = tracker_folder(tmp_path, rows, merges={"Tracker": ["A5:K5", "A6:K6", "A10:K10"]})
    plans = load_plans(folder)
    assert plans.actions[["kloe", "theme"]].astype(str).values.tolist() == [["2.4", "2"], ["2.4", "2"], ["3.3", "3"]]
    assert plans.actions["source_rows"].tolist() == ["7", "9", "11"]  # blank row 8 skipped


def test_excel_dates_serials_and_text_targets(tmp_path):
    rows = [item(1, Target_date=dt.datetime(2010, 3, 31), KLOE="2.1"),
            item(2, Target_date="Q1 2010/11", Revised_target_date=dt.datetime(2010, 9, 30), KLOE="2.1"),
            item(3, Target_date=40268, KLOE="2.1"),  # an Excel serial number: 31 March 2010
            item(4, Target_date="31/12/2010", KLOE="2.1")]
    plans = load_plans(tracker_folder(tmp_path, rows))
    a = plans.actions.set_index("action_id")
    assert a["target_date"].tolist() == [pd.Timestamp(d) for d in ("2010-03-31", "2010-06-30", "2010-03-31", "2010-12-31")]
    assert a.loc["TDC-2010-002", "revised_target_date"] == pd.Timestamp("2010-09-30")
    assert a.loc["TDC-2010-002", "target_text"] == "Q1 2010/11"


def test_continuation_rows_join_the_row_above(tmp_path):
    rows = [item(7, "First half of the finding", "Act", KLOE="2.2"),
            [None, None, "second half.", "and more action", None, None, None, None, "update line two", None, None]]
    plans = load_plans(tracker_folder(tmp_path, rows))
    a = plans.actions.iloc[0]
    assert a["recommendation"] == "First half of the finding\nsecond half."
    assert a["source_rows"] == "5-6" and a["action_id"] == "TDC-2010-007"


def test_a_continuation_row_s_other_cells_are_never_dropped_in_silence(tmp_path):
    # a row cut by a page break whose rest holds a priority, a target or the council's status word:
    # only the text columns are joined; the rest is a finding naming the cell, never lost unsaid
    rows = [item(7, "First half of the finding", "Act", KLOE="2.2"),
            [None, None, "second half.", None, None, "High", "March 2011", None, None, None, "Achieved"]]
    plans = load_plans(tracker_folder(tmp_path, rows))
    assert len(plans.actions) == 1 and plans.actions.iloc[0]["recommendation"].endswith("second half.")
    dropped = [f for f in plans.findings if f.code == "continuation_cell_not_joined"]
    assert [(f.location.row, f.location.column[0]) for f in dropped] == [(6, "F"), (6, "G"), (6, "K")]
    assert "'High'" in dropped[0].message and "item 7" in dropped[0].message and "row 5" in dropped[0].message


def test_stated_status_and_updates_per_snapshot(tmp_path):
    rows = [item(1, KLOE="2.3", March_2010_update="Work started", July_2010_update="Policy agreed", Status="Achieved")]
    plans = load_plans(tracker_folder(tmp_path, rows))
    u = plans.updates.set_index("snapshot")
    assert u.loc["July 2010", "stated_status"] == "Achieved"
    assert u.loc["July 2010", "status"] == "complete" and u.loc["July 2010", "status_source"] == "stated"
    assert u.loc["July 2010", "source_column"].startswith("J")
    assert pd.isna(u.loc["March 2010", "stated_status"])


def test_skipped_sheets_and_layout_named_explicitly(tmp_path):
    folder = tracker_folder(tmp_path, [item(1, KLOE="1.3")], extra_sheets={"Notes": [["just notes"]]})
    plans = load_plans(folder / "tracker.xlsx", layouts=folder / "tracker.layout.yaml")
    assert len(plans.actions) == 1 and plans.findings == []


def test_csv_files_load_like_workbooks(tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "tracker.layout.yaml").write_text((Path(__file__).resolve().parents[1] / "workbooks.py").read_text()
                                                .split('TRACKER_LAYOUT = """')[1].split('"""')[0].replace("\\\\", "\\"))
    (folder / "tracker.csv").write_text(",".join(TRACKER_HEADER) + "\n" + "1,KLOE 2.1,Find,Act - PM,,Low,March 2010,,,,\n")
    plans = load_plans(folder)
    assert plans.actions.iloc[0][["owner", "priority", "kloe"]].tolist() == ["PM", "Low", "2.1"]


# --- findings --------------------------------------------------------------------------------

def test_unreadable_target_is_a_warning_and_never_guessed(tmp_path):
    plans = load_plans(tracker_folder(tmp_path, [item(1, KLOE="2.1", Target_date="when we can")]))
    assert pd.isna(plans.actions.iloc[0]["target_date"])
    (finding,) = plans.warnings
    assert finding.code == "unreadable_target"
    assert (finding.location.row, finding.location.column) == (5, "G ('Target date')")
    assert finding.location.file == "tracker.xlsx" and finding.location.sheet == "Tracker"


def test_unresolvable_kloe_is_reported(tmp_path):
    plans = load_plans(tracker_folder(tmp_path, [item(1, KLOE="KLOE 4.7")]))
    (finding,) = plans.warnings
    assert finding.code == "unresolved_kloe" and "KLOE 4.7" in finding.message


def test_duplicate_ids_are_an_error_naming_both_rows(tmp_path):
    folder = tracker_folder(tmp_path, [item(3, KLOE="2.1"), item(3, KLOE="2.1")])
    with pytest.raises(ValidationFailed) as caught:
        load_plans(folder)
    (finding,) = caught.value.findings
    assert finding.code == "duplicate_id" and "row 5" in finding.message and "row 6" in finding.message


def test_every_error_is_collected_not_just_the_first(tmp_path):
    folder = tracker_folder(tmp_path, [item(3), item(3)])
    write_xlsx(folder / "broken.xlsx", {"Sheet1": [["nothing", "here"]]})
    plans = inspect_plans(folder)
    assert {f.code for f in plans.errors} == {"duplicate_id", "header_not_found"}


def test_missing_required_column_names_it(tmp_path):
    folder = tracker_folder(tmp_path, [])
    header = [h for h in TRACKER_HEADER if h != "Agreed action"]
    write_xlsx(folder / "tracker.xlsx", {"Tracker": [header, ["1", "2.1", "Rec"]]})
    plans = inspect_plans(folder)
    (finding,) = plans.errors
    assert finding.code == "missing_column" and "'Agreed action'" in finding.message and finding.location.row == 1


def test_no_data_rows_is_an_error(tmp_path):
    plans = inspect_plans(tracker_folder(tmp_path, []))
    assert [f.code for f in plans.errors] == ["no_data"]


def test_unknown_layout_is_an_error(tmp_path):
    plans = inspect_plans(tracker_folder(tmp_path, [item(1)]), layouts="no-such-layout")
    assert plans.errors[0].code == "unknown_layout" and "no-such-layout" in plans.errors[0].message


def test_a_target_written_in_a_continuation_row_counts(tmp_path):
    """South Derbyshire's targets are in the implementation details; when the details run onto
    a continuation row (a page break in the source), a date written there is still read."""
    from workbooks import write_xlsx

    import reportlib

    header = ["No.", "Recommendation", "Priority", "Management response", "Implementation details"]
    rows = [["Appendix A – Use of Resources Action Plan 2010"], [None], header,
            [1, "KLOE 1.1 - Financial planning\nImprove the plan.", "High", "Agreed.", "Draft by June 2010;"],
            [None, None, None, None, "final plan to Cabinet by December 2010."]]
    write_xlsx(tmp_path / "sddc.xlsx", {"Plan": rows})
    plans = reportlib.load_plans(tmp_path, layouts="sddc-uor-2010")
    assert plans.actions.loc[0, "target_date"] == pd.Timestamp("2010-12-31")
