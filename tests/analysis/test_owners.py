"""Owners as people use them: joint owners counted for each officer named, a layout's key for
abbreviations, and one officer's actions pulled out of a plan."""
from __future__ import annotations

from pathlib import Path

import pytest
from workbooks import TRACKER_LAYOUT, item, tracker_folder

import reportlib
from reportlib.analysis import owners
from reportlib.analysis.plans import load_plans
from reportlib.errors import ReportlibError

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.mark.parametrize("written, named", [
    ("HoF/IPM", ["HoF", "IPM"]),
    ("HoF & IPM", ["HoF", "IPM"]),
    ("HoF and IPM", ["HoF", "IPM"]),
    ("HoF, IPM", ["HoF", "IPM"]),
    ("CMT/HoF/IPM", ["CMT", "HoF", "IPM"]),
    ("HoF / IPM ; HRM", ["HoF", "IPM", "HRM"]),
    ("A&RM", ["A&RM"]),  # an ampersand inside an abbreviation joins no one
    ("HoF/HoF", ["HoF"]),
    ("", []),
    (None, []),
])
def test_joint_owners_name_each_officer(written, named):
    assert owners.named(written) == named


def test_a_name_the_key_knows_is_never_split():
    key = {"HFP": "Head of Finance and Performance"}
    assert owners.named("Head of Finance and Performance", key) == ["Head of Finance and Performance"]
    assert owners.named("HFP and IPM", key) == ["HFP", "IPM"]


def _wdc():
    plans = load_plans([DATA]).council("WDC")
    return reportlib.progress(plans, "2010-07-31")


def test_officer_named_on_joint_actions_is_counted_on_each():
    """In Warwick's plan HoF owns 7 actions alone and is named on 5 more with others: 12 in all."""
    p = _wdc()
    summary = p.summary("owner").set_index("owner")
    assert summary.loc["HoF", "actions"] == 12
    assert summary.loc["IPM", "actions"] == 3 + 2 + 1 + 1  # alone, CMT/HoF/IPM, HoF/IPM, IPM/A&R M
    assert "HoF/IPM" not in summary.index and "CMT/HoF/IPM" not in summary.index
    # spellings differing only in spaces are one officer ("A&R M" beside "A&RM")
    assert summary.loc["A&RM", "actions"] == 4 and "A&R M" not in summary.index
    # every action is listed once under each officer it names, never twice under one
    exploded = owners.each_officer(p.actions)
    assert not exploded.duplicated(["action_id", "owner"]).any()
    assert set(exploded["action_id"]) == set(p.actions["action_id"])


def test_overdue_chart_counts_joint_owners_for_each_officer():
    from reportlib.present import charts

    p = _wdc()
    chart = charts.overdue_by_owner(p.actions, as_of=p.as_of)
    late = p.actions[p.actions["timeliness"] == "overdue"]
    hof = sum("HoF" in owners.named(o) for o in late["owner"])
    assert dict(zip(chart.data["owner"], chart.data["overdue"]))["HoF"] == hof
    assert not any("/" in str(o) for o in chart.data["owner"])


KEYED_LAYOUT = TRACKER_LAYOUT + """owner_names:
  HoF: Head of Finance
  IPM: Improvement and Performance Manager
"""


def _keyed(tmp_path, layout=KEYED_LAYOUT):
    folder = tracker_folder(tmp_path, [item(1, Responsible_Officer="HoF/IPM", KLOE="1.1"),
                                       item(2, Responsible_Officer="HoF", KLOE="1.1"),
                                       item(3, Responsible_Officer="CMT", KLOE="1.1")])
    (folder / "tracker.layout.yaml").write_text(layout)
    return folder


def test_layout_key_for_owner_abbreviations_is_shown_under_the_owner_table(tmp_path):
    from reportlib.present import report

    plans = load_plans([_keyed(tmp_path)])
    assert owners.key(plans) == {"HoF": "Head of Finance", "IPM": "Improvement and Performance Manager"}
    p = reportlib.progress(plans, "2010-07-31")
    shown = report.summary_table(p.summary("owner"), "owner", "Actions by responsible officer").html
    after = shown.split("</table>", 1)[1]
    assert "HoF" in after and "Head of Finance" in after and "Improvement and Performance Manager" in after
    assert "CMT" not in after  # the key explains only what it knows


@pytest.mark.parametrize("bad, said", [
    ("owner_names: [HoF, IPM]", "mapping"),
    ("owner_names:\n  HoF: ''", "HoF"),
    ("owner_names:\n  HoF: [Head, of]", "HoF"),
])
def test_owner_names_must_be_a_mapping_of_abbreviation_to_name(tmp_path, bad, said):
    folder = _keyed(tmp_path, TRACKER_LAYOUT + bad + "\n")
    with pytest.raises(ReportlibError) as info:  # a layout error, told as the loader tells every error
        load_plans([folder])
    assert "owner_names" in str(info.value) and said in str(info.value)
    assert "tracker.layout.yaml" in str(info.value)


def test_one_officers_actions_include_the_joint_ones():
    plans = load_plans([DATA]).council("WDC")
    mine = owners.only(plans, "HoF")
    assert len(mine.actions) == 12
    assert set(mine.updates["action_id"]) <= set(mine.actions["action_id"])
    assert all("HoF" in owners.named(o) for o in mine.actions["owner"])
    # case and spaces do not matter; a name the layout's key gives matches its abbreviation
    assert len(owners.only(plans, "hof").actions) == 12
    assert len(owners.only(plans, "A&R M").actions) == 4


def test_an_owner_not_in_the_plan_is_refused_with_the_nearest_named():
    plans = load_plans([DATA]).council("WDC")
    with pytest.raises(ReportlibError) as info:
        owners.only(plans, "HoFF")
    assert "HoFF" in str(info.value) and "HoF" in str(info.value)


def test_the_full_name_in_the_key_finds_the_officer(tmp_path):
    plans = load_plans([_keyed(tmp_path)])
    assert set(owners.only(plans, "Head of Finance").actions["owner"]) == {"HoF/IPM", "HoF"}


def test_one_officers_report_says_whose_actions_it_shows(tmp_path):
    # a trial's report of one officer's actions said so only in the parameters at its foot
    import html

    from reportlib.analysis import snapshot
    from reportlib.present import report

    plans = load_plans([DATA]).council("WDC")
    mine = owners.only(plans, "HoF")
    assert mine.scope == "Actions of HoF only: 12 of the plan's 56 actions (those HoF shares with others included)."
    kept = snapshot.read(snapshot.write(mine, tmp_path / "snap"))  # as a render hands it to the notebook
    assert kept.scope == mine.scope
    shown = report.summary(kept, reportlib.progress(kept, "2010-07-31")).html
    said = html.escape(mine.scope)
    assert said in shown and shown.index(said) < shown.index("As of 31 July 2010")
    assert not plans.scope and "Actions of" not in report.summary(plans, reportlib.progress(plans, "2010-07-31")).html


@pytest.mark.parametrize("written, named", [
    # stranger trial 9: each of these was split into an invented officer ("Risk", "Revenues") with no warning
    ("Head of Audit and Risk", ["Head of Audit and Risk"]),
    ("Head of Policy and Performance", ["Head of Policy and Performance"]),
    ("Revenues and Benefits Manager", ["Revenues and Benefits Manager"]),
    ("Head of Audit & Risk / S151 Officer", ["Head of Audit & Risk", "S151 Officer"]),
    # officers on both sides are still two officers
    ("Head of Finance and ICT Manager", ["Head of Finance", "ICT Manager"]),
    ("S151 Officer and Monitoring Officer", ["S151 Officer", "Monitoring Officer"]),
    ("HoF and Head of Legal", ["HoF", "Head of Legal"]),
])
def test_and_joins_two_officers_only_where_each_side_is_one(written, named):
    assert owners.named(written) == named
