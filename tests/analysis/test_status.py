"""Tests for reportlib.analysis.status: small frames built here, plus the hand-labelled accuracy check.

Run ``pytest tests/test_status.py -s`` to see the measured agreement and every miss.
"""
from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest

from reportlib.analysis import status as status_module
from reportlib.analysis.status import STATUSES, RuleTableError, load_rules, load_stated_map

LABELLED = Path(__file__).resolve().parents[1] / "data" / "labelled_updates.csv"
# Dates of the snapshots in the labelled file. SDDC's plan has no progress columns:
# its "Implementation details" are labelled as one update, written around January
# 2010 (the text still speaks of January 2010 as to come).
SNAPSHOT_DATES = {
    "December 2009": "2009-12-31",
    "March 2010": "2010-03-31",
    "July 2010": "2010-07-31",
    "Action Plan 2010": "2010-01-01",
}
PROVENANCE = ["source_file", "source_sheet", "source_row", "source_column"]


def classify(updates, rules=None, stated_map=None):
    """The rules alone: these tests are about the rule table. The second reader, which may overrule
    them, has tests of its own (test_textmodel.py)."""
    return status_module.classify(updates, rules, stated_map, model=None)


def updates(*rows, stated=None) -> pd.DataFrame:
    """An updates frame from (action_id, snapshot, text) rows, in that order."""
    frame = pd.DataFrame(rows, columns=["action_id", "snapshot", "text"])
    frame["snapshot_date"] = pd.to_datetime(frame["snapshot"].map(SNAPSHOT_DATES))
    frame["stated_status"] = pd.Series(stated if stated is not None else [pd.NA] * len(frame), dtype="string")
    frame["source_file"] = "plan.xlsx"
    frame["source_sheet"] = "Sheet1"
    frame["source_row"] = pd.array(range(2, len(frame) + 2), dtype="Int64")
    frame["source_column"] = frame["snapshot"] + " update"
    return frame[["action_id", "snapshot", "snapshot_date", "text", "stated_status", *PROVENANCE]]


def one(text, snapshot="July 2010"):
    """(status, status_source) of a single update."""
    row = classify(updates(("A1", snapshot, text))).iloc[0]
    return row["status"], row["status_source"]


# ------------------------------------------------------------ stated status

def test_stated_status_wins_over_text():
    out = classify(updates(("A1", "July 2010", "Completed"), ("A2", "July 2010", "Ongoing"),
                           stated=["Behind schedule", "Achieved"]))
    assert list(out["status"]) == ["in_progress", "complete"]
    assert list(out["status_source"]) == ["stated", "stated"]


@pytest.mark.parametrize("word, expected", [
    ("On track", "in_progress"), ("on-track", "in_progress"), ("BEHIND SCHEDULE", "in_progress"),
    ("Delayed", "in_progress"), ("Superseded", "no_action"), ("Achieved", "complete"),
    ("Complete", "complete"), ("Completed.", "complete"), ("Done", "complete"),
    ("Not started", "planned"), ("No further update", "no_update"),
    # open words are open (issue "Any council's tracker"): never closed as no_action
    ("Not implemented", "planned"), ("No action taken to date", "planned"), ("Not yet due", "planned"),
    ("Overdue", "in_progress"),
    # closed without the action: declined, superseded, risk accepted, no longer required
    ("Declined", "no_action"), ("Risk accepted", "no_action"), ("No longer required", "no_action"),
    ("Closed without action", "no_action"),
])
def test_stated_map(word, expected):
    out = classify(updates(("A1", "July 2010", "whatever the text says"), stated=[word]))
    assert (out.loc[0, "status"], out.loc[0, "status_source"]) == (expected, "stated")


def test_unknown_stated_word_needs_review():
    out = classify(updates(("A1", "July 2010", "Completed"), stated=["Amber"]))
    assert (out.loc[0, "status"], out.loc[0, "status_source"]) == ("needs_review", "stated")


def test_stated_map_can_be_given_as_a_mapping():
    out = classify(updates(("A1", "July 2010", ""), stated=["Green"]), stated_map={"green": "complete"})
    assert (out.loc[0, "status"], out.loc[0, "status_source"]) == ("complete", "stated")


def test_blank_stated_status_leaves_the_text_to_decide():
    out = classify(updates(("A1", "July 2010", "Ongoing"), stated=["  "]))
    assert out.loc[0, "status_source"] == "in_progress.leading_word"


def test_shipped_stated_map_uses_the_vocabulary():
    assert set(load_stated_map().values()) <= set(STATUSES)


# ------------------------------------------------------------ references

def test_as_above_follows_a_chain():
    out = classify(updates(
        ("A1", "March 2010", "Report being issued to May Executive."),
        ("A2", "March 2010", "As above."),
        ("A3", "March 2010", "See above"),
        ("A4", "March 2010", "AS ABOVE"),
    ))
    assert list(out["status"]) == ["in_progress"] * 4
    assert list(out["status_source"]) == ["in_progress.being", "reference", "reference", "reference"]


def test_as_above_looks_within_the_same_snapshot():
    out = classify(updates(
        ("A1", "March 2010", "Achieved"),
        ("A1", "July 2010", "Ongoing"),
        ("A2", "March 2010", "As above."),
        ("A2", "July 2010", "As above."),
    ))
    assert list(out["status"]) == ["complete", "in_progress", "complete", "in_progress"]


def test_as_above_does_not_cross_into_another_sheet():
    frame = updates(("A1", "July 2010", "Achieved"), ("B1", "July 2010", "As above"))
    frame.loc[1, "source_sheet"] = "Other plan"
    out = classify(frame)
    assert (out.loc[1, "status"], out.loc[1, "status_source"]) == ("needs_review", "reference")


def test_as_above_on_the_first_row_cannot_be_resolved():
    out = classify(updates(("A1", "July 2010", "As above."), ("A2", "July 2010", "As above.")))
    assert list(out["status"]) == ["needs_review", "needs_review"]
    assert list(out["status_source"]) == ["reference", "reference"]


def test_reference_to_a_named_snapshot():
    out = classify(updates(
        ("A1", "March 2010", "Partnerships have been risk-assessed across the organisation."),
        ("A2", "March 2010", "Process being put in place."),
        ("A1", "July 2010", "As March 2010 update."),
        ("A2", "July 2010", "As detailed at March 2010"),
    ))
    assert list(out["status"]) == ["complete", "in_progress", "complete", "in_progress"]
    assert list(out["status_source"][2:]) == ["reference", "reference"]


def test_a_reference_that_says_more_is_still_decided_by_the_reference():
    out = classify(updates(
        ("A1", "March 2010", "Process being put in place."),
        ("A1", "July 2010", "As March 2010 update. Process appears to be working well, and is complete."),
    ))
    assert (out.loc[1, "status"], out.loc[1, "status_source"]) == ("in_progress", "reference")


def test_named_snapshot_that_does_not_exist_needs_review():
    out = classify(updates(
        ("A1", "March 2010", "Achieved"),
        ("A1", "July 2010", "As March 2011 update."),
        ("A2", "July 2010", "As March 2010 update."),  # A2 has no March 2010 update
    ))
    assert list(out["status"][1:]) == ["needs_review", "needs_review"]
    assert list(out["status_source"][1:]) == ["reference", "reference"]


def test_named_snapshot_reference_chains_through_another_reference():
    out = classify(updates(
        ("A1", "March 2010", "Ongoing"),
        ("A2", "March 2010", "As above."),
        ("A2", "July 2010", "As March 2010 update."),
    ))
    assert out.loc[2, "status"] == "in_progress"


def test_no_change_keeps_the_previous_position():
    out = classify(updates(
        ("A1", "December 2009", "No action"),
        ("A1", "March 2010", "Proposed no action."),
        ("A1", "July 2010", "No change"),
        ("A2", "December 2009", "No change"),  # nothing before it: says nothing new (was needs_review)
    ))
    assert list(out["status"]) == ["no_action", "no_action", "no_action", "no_update"]
    assert list(out["status_source"][2:]) == ["reference", "reference"]


def test_mentions_of_other_updates_are_not_references():
    # A sentence that mentions March 2010 is not "as March 2010 update"; "(see report ...)" is not "see above".
    assert one("Report has now been issued. Actions will be addressed as detailed at March 2010.")[1] != "reference"
    assert one("New approach has been developed and will commence in Sept 2010 (see report to SMT June 2010)")[1] != "reference"


def test_references_reportlib_cannot_follow_need_review():
    assert one("See previous but one point") == ("needs_review", "reference")


# ------------------------------------------------------------ text rules

@pytest.mark.parametrize("text, snapshot, expected", [
    ("On aging", "July 2010", "in_progress"),
    ("Reviewed on on- going basis by SFM", "July 2010", "in_progress"),
    ("On-going", "December 2009", "in_progress"),
    ("Januray 2010", "December 2009", "planned"),
    ("Nov/Dev 2009", "December 2009", "planned"),
])
def test_misspellings_are_tolerated(text, snapshot, expected):
    assert one(text, snapshot)[0] == expected


@pytest.mark.parametrize("text, expected", [
    ("On- going", "ongoing"), ("on going", "ongoing"), ("On-going.", "ongoing."), ("On aging", "ongoing"),
    ("joined- up  arrangements", "joined-up arrangements"), ("CMT - HoF", "cmt - hof"),
    ("Nov/Dev 2009", "nov/dec 2009"), ("\u2022 Under way", "underway"), ("It\u2019s done", "it's done"),
])
def test_normalised_text(text, expected):
    assert load_rules().normalised(text) == expected


@pytest.mark.parametrize("text, snapshot, expected", [
    ("March 2010", "December 2009", "planned"),
    ("March 2010 and ongoing", "December 2009", "planned"),
    ("June 2010, ahead of 2009/10 closedown", "December 2009", "planned"),
    ("Phase 1 by Jan 2010", "December 2009", "planned"),
    ("Revisit in May 2010 as part of service planning framework", "December 2009", "planned"),
    ("November 2009 onwards", "December 2009", "in_progress"),   # begun before the snapshot
    ("Implemented by Feb '10", "December 2009", "planned"),      # a target ...
    ("Completed by March 2010.", "July 2010", "complete"),       # ... or a report, by the snapshot date
    ("March 2010", "July 2010", "needs_review"),                 # a bare date already passed says nothing
])
def test_dates_read_against_the_snapshot(text, snapshot, expected):
    assert one(text, snapshot)[0] == expected


def test_a_date_without_a_snapshot_date_reads_as_a_target():
    frame = updates(("A1", "December 2009", "March 2010")).drop(columns="snapshot_date")
    assert classify(frame).loc[0, "status"] == "planned"


@pytest.mark.parametrize("text, expected", [
    ("Ongoing", "in_progress"),
    ("Being progressed by fees and charges review.", "in_progress"),
    ("Planning for this is underway", "in_progress"),
    ("Project has commenced", "in_progress"),
    ("Achieved", "complete"),
    ("Completed", "complete"),
    ("Arrangements in place.", "complete"),
    ("Quarterly reports have been submitted to SMT.", "complete"),
    ("No action", "no_action"),
    ("Propose no action. Role of targets is being reviewed", "no_action"),
    ("Proposed no action.", "no_action"),
    ("Superseded by the new Corporate Business Plan", "no_action"),
    ("It is not intended to do this at present", "no_action"),
    ("No further update", "no_update"),
    # the careful cases
    ("Action being completed to implement revised pay structure in June 2010.", "in_progress"),
    ("Process being put in place whereby registers are scrutinised", "in_progress"),
    ("The revised approach will be in place from the 1 April 2010.", "planned"),
    ("Testing continuing, but our approach needs a complete revision.", "in_progress"),
    ("The report has been delayed to September.", "in_progress"),
    ("There has been a delay.", "needs_review"),
    ("New approach has been developed and will commence in Sept 2010", "in_progress"),
    ("Karen, does this need a Core Brief item? Completed.", "needs_review"),
])
def test_rules(text, expected):
    assert one(text)[0] == expected


def test_blank_text_is_no_update():
    frame = updates(("A1", "July 2010", ""), ("A2", "July 2010", "   \n "), ("A3", "July 2010", None))
    out = classify(frame)
    assert list(out["status"]) == ["no_update"] * 3
    assert list(out["status_source"]) == ["blank"] * 3


def test_text_no_rule_understands_needs_review():
    assert one("Presentation/report") == ("needs_review", "unmatched")


def test_status_source_names_the_rule():
    rule_ids = {r.id for r in load_rules().rules}
    status_, source = one("Significant improvements achieved for Repairs turn round times")
    assert (status_, source) == ("complete", "complete.achieved") and source in rule_ids


# ------------------------------------------------------------ the frame contract

def test_input_frame_is_not_mutated():
    frame = updates(("A1", "March 2010", "Ongoing"), ("A2", "March 2010", "As above."), stated=[pd.NA, "On track"])
    before = frame.copy(deep=True)
    out = classify(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert "status" not in frame.columns and out is not frame


def test_provenance_columns_pass_through_untouched():
    frame = updates(("A1", "March 2010", "Ongoing"), ("A2", "July 2010", "As above."))
    frame.index = [10, 20]
    out = classify(frame)
    assert list(out.columns) == list(frame.columns) + ["status", "status_source"]
    pd.testing.assert_frame_equal(out[frame.columns], frame)


def test_empty_frame_gives_empty_frame_with_the_two_columns():
    out = classify(updates().iloc[0:0])
    assert len(out) == 0
    assert {"status", "status_source"} <= set(out.columns)


def test_every_status_is_in_the_vocabulary():
    frame = pd.read_csv(LABELLED, keep_default_na=False, dtype=str)
    out = classify(labelled_updates(frame))
    assert set(out["status"]) <= set(STATUSES)


# ------------------------------------------------------------ the rule table as data

def test_shipped_rules_are_well_formed():
    table = load_rules()
    assert table.rules and all(r.status in STATUSES and r.why for r in table.rules)
    assert len({r.id for r in table.rules}) == len(table.rules)


def test_bad_rule_file_names_the_rule(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n  - {id: x.one, status: finished, pattern: 'done', why: 'w'}\n")
    with pytest.raises(RuleTableError, match="x.one") as info:
        load_rules(path)
    assert info.value.location.file == str(path)
    path.write_text("rules:\n  - {id: x.two, status: complete, pattern: 'done(', why: 'w'}\n")
    with pytest.raises(RuleTableError, match="x.two.*does not compile"):
        load_rules(path)


def test_a_custom_rule_table(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(
        "macros: {word: 'fin(?:ished)?'}\n"
        "rules:\n"
        "  - {id: complete.fin, status: complete, pattern: '\\b{word}\\b', why: 'house style'}\n"
        "  - {id: planned.Caps, status: planned, pattern: 'SOON', why: 'capitals still match'}\n"
    )
    out = classify(updates(("A1", "July 2010", "Fin."), ("A2", "July 2010", "Soon")), rules=path)
    assert list(out["status_source"]) == ["complete.fin", "planned.Caps"]


def test_classifies_60000_updates_quickly():
    labelled = pd.read_csv(LABELLED, keep_default_na=False, dtype=str)
    reps = 60_000 // len(labelled) + 1
    big = pd.concat([labelled_updates(labelled)] * reps, ignore_index=True).iloc[:60_000]
    big["action_id"] = big["action_id"] + "-" + (big.index // len(labelled)).astype(str)
    big["source_file"] = "copy" + (big.index // len(labelled)).astype(str)
    table, stated = load_rules(), load_stated_map()
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        out = classify(big, table, stated)
        best = min(best, time.perf_counter() - start)
    print(f"\nclassified {len(out)} updates in {best:.3f} s")
    assert len(out) == 60_000
    assert best < 1.0


# ------------------------------------------------------------ measured accuracy

def labelled_updates(labelled: pd.DataFrame) -> pd.DataFrame:
    """The hand-labelled rows as an updates frame (action_ref is the action_id)."""
    frame = pd.DataFrame({
        "action_id": labelled["action_ref"],
        "snapshot": labelled["snapshot"],
        "snapshot_date": pd.to_datetime(labelled["snapshot"].map(SNAPSHOT_DATES)),
        "text": labelled["text"],
        "stated_status": pd.Series(pd.NA, index=labelled.index, dtype="string"),
        "source_file": labelled["council_code"],
        "source_sheet": "labelled",
        "source_row": pd.array(range(2, len(labelled) + 2), dtype="Int64"),
        "source_column": labelled["snapshot"],
    })
    return frame


def test_agreement_with_hand_labels():
    labelled = pd.read_csv(LABELLED, keep_default_na=False, dtype=str)
    assert len(labelled) >= 60 and set(labelled["expected_status"]) <= set(STATUSES)
    out = classify(labelled_updates(labelled))
    agree = out["status"] == labelled["expected_status"]
    written = labelled["text"].str.strip() != ""
    committed = out["status"] != "needs_review"
    print(f"\nstatus agreement with hand labels: {agree.mean():.1%} ({agree.sum()}/{len(agree)}); "
          f"excluding blank cells {agree[written].mean():.1%} ({agree[written].sum()}/{written.sum()}); "
          f"where the classifier committed to a status it was right {agree[committed].mean():.1%} "
          f"({agree[committed].sum()}/{committed.sum()})")
    for i in labelled.index[~agree]:
        print(f"  MISS {labelled.at[i, 'action_ref']} [{labelled.at[i, 'snapshot']}] "
              f"expected {labelled.at[i, 'expected_status']}, got {out.at[i, 'status']} "
              f"(rule {out.at[i, 'status_source']}): {labelled.at[i, 'text']!r}")
    assert agree.mean() >= 0.90


def test_fast_search_finds_what_re_finds():
    """The leading-\\b shortcut in status._Finder must not change any match."""
    table = load_rules()
    texts = table.normalised_all(pd.read_csv(LABELLED, keep_default_na=False, dtype=str)["text"])
    texts += ["as above", "xas above", "on track", "ab|cd", "- on going -", "being"]
    for rule in [*table.rules, *table.references]:
        for text in texts:
            fast, slow = rule.finder.search(text), rule.pattern.search(text)
            assert (fast and fast.span()) == (slow and slow.span()), (rule.id, text)
    for finder, replace in table._substitutions:
        for text in texts:
            assert finder.sub(replace, text) == finder.pattern.sub(replace, text)


# ------------------------------------------------------------ rules added with the fresh labelled set
# One example per new rule, written for this test (not copied from the labelled sets), with the
# rule that must decide it, plus the near misses each rule must leave alone.

@pytest.mark.parametrize("text, snapshot, status_, rule", [
    ("Partly implemented; the remaining two services follow in the spring.", "July 2010", "in_progress", "in_progress.partly_done"),
    ("Mostly complete.", "July 2010", "in_progress", "in_progress.partly_done"),
    ("Limited progress owing to staff absence.", "July 2010", "in_progress", "in_progress.partly_done"),
    ("Implemented except for the Leisure service.", "July 2010", "in_progress", "in_progress.partly_done"),
    ("Strategy approved by Executive; consultation with staff to follow.", "July 2010", "in_progress", "in_progress.done_then_next"),
    ("Invitations issued, and the workshop will be held in October.", "July 2010", "in_progress", "in_progress.done_then_next"),
    ("Member workshops held Oct/Nov 2010, Jan 2011", "December 2009", "in_progress", "in_progress.held_into_future"),
    ("Training session November 2009", "December 2009", "complete", "complete.event_in_past_month"),
    ("Further training held with Members in June 2010.", "July 2010", "in_progress", "in_progress.further_in_series"),
    ("Phase 1 progressing well with partners.", "July 2010", "in_progress", "in_progress.progressing"),
    ("Staff are gradually adopting the new process.", "July 2010", "in_progress", "in_progress.present_progressive"),
    ("On schedule for the March deadline.", "July 2010", "in_progress", "in_progress.leading_word"),
    ("Rescheduled to the autumn.", "July 2010", "in_progress", "in_progress.delayed"),
    ("Deadline missed; new date agreed with the Audit Committee.", "July 2010", "in_progress", "in_progress.delayed"),
    ("Go-live has moved to February.", "July 2010", "in_progress", "in_progress.delayed"),
    ("Still at an early stage.", "July 2010", "in_progress", "in_progress.early_stage"),
    ("Officers are confident the target will be met.", "July 2010", "in_progress", "in_progress.confident"),
    ("Awaiting funding decision before work can start.", "July 2010", "planned", "planned.waiting_to_start"),
    ("Not yet due for review.", "July 2010", "planned", "planned.not_started"),
    ("Team to review the options with partners.", "July 2010", "planned", "planned.headline_infinitive"),
    ("To introduce a gifts register for Members.", "July 2010", "planned", "planned.leading_infinitive"),
    ("Steering group created to oversee the work.", "July 2010", "complete", "complete.telegraphic"),
    ("Software went live on 1 June 2010.", "July 2010", "complete", "complete.telegraphic"),
    ("Monitoring reported to Members quarterly.", "July 2010", "complete", "complete.regular_arrangement"),
    ("Monthly returns to the Finance team.", "July 2010", "complete", "complete.regular_arrangement"),
    ("Finance staff are now centrally employed.", "July 2010", "complete", "complete.now_done"),
    ("Addressed through the new Contract Procedure Rules.", "July 2010", "complete", "complete.addressed_by"),
    ("This action is now complete.", "July 2010", "complete", "complete.leading_word"),
    ("Transferred to the Workforce Strategy action plan.", "July 2010", "no_action", "no_action.moved_to_another_plan"),
    ("Cancelled following the restructure.", "July 2010", "no_action", "no_action.not_intended"),
    ("Not applicable to this council.", "July 2010", "no_action", "no_action.not_intended"),
    ("Members decided not to pursue this option.", "July 2010", "no_action", "no_action.decided_not_to"),
    ("Overtaken by the national changes to audit.", "July 2010", "no_action", "no_action.superseded"),
    ("No separate action required.", "July 2010", "no_action", "no_action.none_proposed"),
    ("Nothing to report.", "July 2010", "no_update", "no_update.no_further_update"),
    ("Details to follow.", "July 2010", "no_update", "no_update.no_further_update"),
    ("No new progress this quarter.", "July 2010", "no_update", "no_update.no_further_update"),
    # round 3
    ("No progress yet.", "July 2010", "planned", "planned.not_started"),
    ("Not progressed this quarter.", "July 2010", "planned", "planned.not_started"),
    ("Removed from the action plan by the Audit Committee.", "July 2010", "no_action", "no_action.not_intended"),
    ("No longer a priority for the Council.", "July 2010", "no_action", "no_action.not_intended"),
    ("Handed to the Partnership Board, which will report separately.", "July 2010", "no_action", "no_action.not_intended"),
    ("The project is at the planning stage.", "July 2010", "in_progress", "in_progress.early_stage"),
    ("Expected to be finalised by the end of the month.", "July 2010", "in_progress", "in_progress.expected_to_complete"),
    ("This will be addressed as part of the budget review.", "July 2010", "planned", "planned.picked_up_elsewhere"),
    ("Work is on hold until the new system is in place.", "July 2010", "in_progress", "in_progress.delayed"),
    ("Good progress with the rollout.", "July 2010", "in_progress", "in_progress.partly_done"),
    ("Laptops purchased; training to be arranged.", "July 2010", "in_progress", "in_progress.done_then_next"),
])
def test_new_rules(text, snapshot, status_, rule):
    assert one(text, snapshot) == (status_, rule)


@pytest.mark.parametrize("text, snapshot, not_rule, expected", [
    # the future, not a done step: "will be held" is not "held"
    ("Workshops will be held in May. Invitations to follow.", "July 2010", "in_progress.done_then_next", "planned"),
    ("Budget monitoring will be reported quarterly.", "July 2010", "complete.regular_arrangement", "planned"),
    # a series wholly in the past is done, not running on
    ("Member workshops held Oct/Nov 2009, Jan 2010", "July 2010", "in_progress.held_into_future", "complete"),
    # an event still to come is not one that took place
    ("Training session November 2010", "July 2010", "complete.event_in_past_month", "needs_review"),
    # an obligation is not a plan
    ("All reports need to be signed off by the s151 officer.", "July 2010", "planned.to_be", "needs_review"),
    # "being able to", "well-being": nothing is being done
    ("Staff well-being survey results published.", "July 2010", "in_progress.being", "complete"),
    ("The new system means officers being able to see their budgets.", "July 2010", "in_progress.being", "needs_review"),
    # "to date" opens a report, not an intention
    ("To date all services have adopted the template.", "July 2010", "planned.leading_infinitive", "complete"),
    # a purpose after a done step is not a plan
    ("Sub-group created to go through the budget papers.", "July 2010", "planned.headline_infinitive", "complete"),
    # "revised" before a noun describes it; it does not report a step done
    ("The revised approach will be taken to Committee in May.", "July 2010", "in_progress.done_then_next", "planned"),
    # a decision to come on this action's own draft is not the action put off into another one
    ("A draft has been prepared and will be considered by Committee in May.", "July 2010", "planned.picked_up_elsewhere", "in_progress"),
])
def test_new_rules_leave_near_misses_alone(text, snapshot, not_rule, expected):
    status_, source = one(text, snapshot)
    assert source != not_rule and status_ == expected


# ------------------------------------------------------------ any council's tracker (issue "Any council's tracker")
# A trial with a modern internal-audit tracker read these as complete or closed with confidence.

@pytest.mark.parametrize("text", [
    "Not implemented. Service has not had capacity to progress this due to vacancies.",   # negation
    "Not yet implemented.",
    "The action has not been completed; the service hasn't had the resources.",
    "Recommendation not actioned to date.",
    "Update requested from service – not received.",                                     # unmet request
    "Evidence requested from ICT, chased twice, no response received.",
    "Will be completed by June 2025.",                                                    # future tense
    "The new procedure will be implemented once the system upgrade is live.",
    "Due for completion in Q3 2025/26.",
    "Will not be implemented until the restructure is agreed.",
    "The Council has not yet reviewed its approach to asset management.",
    "Update chased 12/09/24.",
    "Completed in part - the remaining elements will be addressed in the new policy.",
    "Not fully implemented; the checklist is in use in two of the four teams.",                # round 6
    "Not yet complete at the last review but now done.",
    "Closed. Work still ongoing with the service.",
    "Awaiting update from the service.",
    "Complete - although some teams are still not using the new form.",                     # round 10
    "Complete: policy drafted and due to go to Cabinet in the autumn.",
    "This action can be closed once the evidence is received.",
    "We will not adopt the new scheme before the ledger is live.",                         # round 11
    "Closed.",
    "Implemented, subject to Cabinet approval in March.",
    "Not completed yet.",                                                                   # round 14
    "Lease circulated to the tenants for signature.",
    "Cabinet to approve the lettings policy in May.",
    "New register in place; to be formally signed off by Council in March.",
    "Terms of reference to be drafted by the end of June.",
])
def test_negation_unmet_requests_and_the_future_are_never_complete(text):
    status_, source = one(text, "July 2010")
    assert status_ not in ("complete", "no_action"), source


@pytest.mark.parametrize("text, expected", [
    ("Implemented.", "complete"),
    ("Implemented. No further action required.", "complete"),
    ("Fully implemented. Audit follow-up testing in Jan 2025 confirmed the control is operating.", "complete"),
    ("No action taken to date.", "planned"),
    ("Not implemented. This will be picked up as part of the 2025/26 ICT work programme.", "planned"),
    ("Not yet fully implemented; training for new approvers underway.", "in_progress"),
    ("Risk accepted by management – the cost outweighs the benefit.", "no_action"),
    ("Closed - management declined this recommendation.", "no_action"),
    ("Not being pursued – the proposal was not supported by Members.", "no_action"),
    ("2 of 3 elements implemented.", "in_progress"),
    ("Licences review is ~75% done.", "in_progress"),
    ("N/A", "no_update"),
    ("Phase 1 implemented; phase 2 will follow.", "in_progress"),
    ("This recommendation has been merged with recommendation 4.", "no_action"),
    ("This action is no longer overdue as the revised date has been agreed.", "in_progress"),
    ("Progress has been slower than planned owing to staff changes; a revised timetable has been agreed.", "in_progress"),
    ("A new complaints system went live in April 2010 and is working well.", "complete"),
    ("Service plans for 2010/11 now include a section on value for money.", "complete"),
    ("Agreed.", "planned"),
    ("The officer responsible has left; the action has been reassigned.", "needs_review"),
    ("As per previous update.", "no_update"),
])
def test_modern_tracker_wording(text, expected):
    assert one(text, "July 2010")[0] == expected


def test_no_change_with_nothing_before_it_says_nothing_new():
    # nothing to carry forward: the update says no more than a blank cell (was needs_review)
    out = classify(updates(("A1", "July 2010", "No change since last report."), ("A2", "July 2010", "Position unchanged.")))
    assert list(out["status"]) == ["no_update", "no_update"]
    assert list(out["status_source"]) == ["reference", "reference"]


@pytest.mark.parametrize("text, status", [
    # a step towards the action is not the action done
    ("A meeting has been arranged with the supplier for January.", "in_progress"),
    ("The post has been advertised and interviews are in January.", "in_progress"),
    ("Funding has been requested from the Transformation Fund.", "in_progress"),
    ("Quotes requested from three suppliers.", "in_progress"),
    ("Consultant appointed to review the process; report due in February.", "in_progress"),
    # done, but not all of it
    ("All staff have completed the mandatory training except for 3 long-term absentees.", "in_progress"),
    ("Most staff have now completed the training.", "in_progress"),
    ("The majority of the recommendations have been implemented.", "in_progress"),
    ("Completed, although some teams still need to be trained.", "in_progress"),
    ("Complete for the main site; the depot will be covered in the next phase.", "in_progress"),
    # done, said in the words audit trackers use
    ("Actioned.", "complete"),
    ("Evidence provided and accepted by Internal Audit.", "complete"),
    ("Testing of the backup restore was successful.", "complete"),
    # closed without the action, or accepted and still to do
    ("Following review, management do not intend to implement.", "no_action"),
    ("A decision was taken not to proceed.", "no_action"),
    ("The recommendation was accepted by management.", "planned"),
    # being worked on, said without a verb in -ing
    ("New KPI reporting in development with the BI team.", "in_progress"),
    ("The policy review is with Legal for comment.", "in_progress"),
    ("The options are under review.", "in_progress"),
    ("Report going to Cabinet in February.", "in_progress"),
    ("Management have confirmed implementation; follow-up audit scheduled for Q1 2025/26.", "in_progress"),  # round 7
    # "due to" a cause is not a date to come; a missing update is not work going on
    ("The new procedure has been adopted by all teams due to the training programme.", "complete"),
    ("Work due to start in April.", "planned"),
    ("The update is missing.", "needs_review"),
    ("Agreed. Implementation date 31/03/2025.", "planned"),
    ("Sustainability appraisal incorporated into the committee report template.", "complete"),
    ("Consultation with residents on budget priorities was carried out in autumn 2009.", "complete"),
])
def test_officers_phrasings_of_steps_parts_and_decisions(text, status):
    assert one(text, "March 2010")[0] == status, one(text, "March 2010")


def test_text_read_as_done_that_also_says_something_is_open_is_left_for_review():
    # read as complete ("has been set up"), but "not yet for the depot" says part is open
    assert one("The register has been set up and is updated monthly, though not yet for the depot.") == (
        "needs_review", "needs_review.mixed_signals")
    # done but audit verification or evidence still to come is open until checked (labelling
    # conventions, round 7; rounds 4-6 read both as complete)
    assert one("Implemented, awaiting evidence for audit verification.")[0] == "in_progress"
    assert one("Controls now in place; follow-up testing planned for Q1.")[0] == "in_progress"


def test_a_contradiction_cue_may_be_kept_out_of_the_mixed_signals_check(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text("""
version: 1
rules:
  - {id: complete.has_been, status: complete, pattern: 'has been set up', why: 'a test rule'}
contradictions:
  - {id: contradicts.later, says: open, pattern: 'later', why: 'a test cue', mixed: false}
  - {id: contradicts.not_yet, says: open, pattern: 'not yet', why: 'a test cue'}
""")
    got = classify(updates(("A1", "July 2010", "It has been set up; more later."),
                           ("A2", "July 2010", "It has been set up; not yet used.")), rules)
    assert got["status"].tolist() == ["complete", "needs_review"]
    rules.write_text(rules.read_text().replace("mixed: false", "mixed: perhaps"))
    with pytest.raises(RuleTableError, match="contradicts.later: mixed must be true or false"):
        load_rules(rules)



def test_a_rule_may_be_kept_out_of_the_mixed_signals_check(tmp_path):
    # round 8: a rule whose own pattern rules the open words out ("outstanding at the last committee but
    # now completed") marks itself mixed: false; its complete is not sent to review by the open words it quotes
    rules = tmp_path / "rules.yaml"
    rules.write_text("""
version: 1
rules:
  - {id: complete.now_done, status: complete, pattern: 'but now done', why: 'a test rule', mixed: false}
  - {id: complete.done, status: complete, pattern: 'done', why: 'a test rule'}
contradictions:
  - {id: contradicts.outstanding, says: open, pattern: 'outstanding', why: 'a test cue'}
""")
    got = classify(updates(("A1", "July 2010", "Outstanding last time but now done."),
                           ("A2", "July 2010", "Done; one item outstanding.")), rules)
    assert got["status"].tolist() == ["complete", "needs_review"]
    assert got["status_source"].tolist() == ["complete.now_done", "needs_review.mixed_signals"]
    rules.write_text(rules.read_text().replace("mixed: false", "mixed: 0"))
    with pytest.raises(RuleTableError, match="complete.now_done: mixed must be true or false"):
        load_rules(rules)


# ------------------------------------------------------------ round 6: general cues from unseen sets 1 and 2's misses
# Written for this test in other words than the labelled sets: each is a cue a new officer's text is
# likely to carry (negation scope, part done, placeholders, refusals, a status word contradicted).

@pytest.mark.parametrize("text, expected", [
    # "not fully" / "not in full": part of it is done
    ("Not fully implemented: the new checklist is used by two of the four teams.", "in_progress"),
    ("The policy has not been implemented in full; budget holders now sign off monthly but write-off limits are unchanged.",
     "in_progress"),
    ("Partially met - reported to Members for housing but not yet for leisure.", "in_progress"),
    ("Partial progress: five managers have returned their declarations.", "in_progress"),
    ("Agreed with the CCG but not yet with the County Council.", "in_progress"),
    ("Slightly behind - 64% of staff trained against a target of 90%.", "in_progress"),
    ("Collection rate improved from 80% to 88%, not yet at the 95% target.", "in_progress"),
    # a request for an update not yet met, or a placeholder, says nothing new
    ("Awaiting an update from the service.", "no_update"),
    ("Response awaited from the Head of Service.", "no_update"),
    ("No update received despite two reminders.", "no_update"),
    ("Progress report not received by the deadline.", "no_update"),
    ("To be confirmed.", "no_update"),
    ("N/A - no update provided this quarter.", "no_update"),
    # closed without the action
    ("Declined - the service considers the current controls adequate.", "no_action"),
    ("Management does not agree with the recommendation; existing checks are sufficient.", "no_action"),
    ("Committee agreed that the recommendation would not be implemented as the system is being replaced.", "no_action"),
    ("N/A - the old payroll system has been decommissioned.", "no_action"),
    ("Closed - not implemented; compensating controls are in place.", "no_action"),
    ("Management have chosen not to implement this recommendation.", "no_action"),
    # done: a status word closing the update, an arrangement running, "no further action" because it is done
    ("Returns collected from every school (100%). Action closed.", "complete"),
    ("Ledger and register agree at year end. Closed.", "complete"),
    ("No further action required - the suspense account is now cleared every month.", "complete"),
    ("The weekly stock check has been happening since April.", "complete"),
    ("The team now run a weekly report of overdue invoices, which the manager reviews.", "complete"),
    ("Overdue invoices are now chased weekly by the credit control team.", "complete"),
    ("All tablets now encrypted; confirmed by the ICT compliance report.", "complete"),
    ("First check made in May, ongoing since.", "complete"),
    ("Service report this as implemented; Internal Audit yet to verify.", "in_progress"),  # round 7: not yet checked
    # a leading status word the rest of the update contradicts: a person decides
    ("Closed. Testing still ongoing with the service.", "needs_review"),
    ("Implemented - however the follow-up found it is not operating; the recommendation remains open.", "needs_review"),
    ("Complete / ongoing", "needs_review"),
    ("In progress - complete.", "needs_review"),
    ("Complete except for a small wording change in the appendix. Recommend closure.", "needs_review"),
    ("Not done at the last update but now complete - all staff trained by 30 June.", "needs_review"),
    # ... or says only part of it is done
    ("Implemented but not yet embedded in the Housing team.", "in_progress"),
    ("Implemented for new starters; existing staff being re-trained as contracts renew.", "in_progress"),
    # in progress, said in note style
    ("Going through final checks with Legal.", "in_progress"),
    ("Guidance is in preparation with HR.", "in_progress"),
    ("Pilot running in two depots until March, then roll-out to all sites.", "in_progress"),
    ("The check has been done once; audit need to see it repeated before closing.", "in_progress"),
    ("Guidance written; briefing sessions booked for w/c 3 March.", "in_progress"),
    # not begun
    ("Agreed. Will be taken forward after the move to the new office.", "planned"),
    ("Timetabled for the autumn once the new manager is in post.", "planned"),
    ("It has not been possible to start this owing to vacancies; revised date requested.", "planned"),
    ("Outstanding - no evidence of any action.", "planned"),
    ("The lead officer has left and the action was reassigned; work not yet started.", "planned"),
])
def test_round6_cues_new_officers_write(text, expected):
    assert one(text, "July 2010")[0] == expected, one(text, "July 2010")


def test_refer_to_and_quarter_references_are_followed():
    # "Refer to previous report" carries the last position; with nothing before it, it says nothing new
    out = classify(updates(("A1", "March 2010", "Implemented."), ("A1", "July 2010", "Refer to previous report."),
                           ("A2", "July 2010", "Refer to previous report.")))
    assert list(out["status"]) == ["complete", "complete", "no_update"]
    assert list(out["status_source"])[1:] == ["reference", "reference"]
    # a quarter named as the snapshot: "As per Q2 update" takes that quarter's status
    frame = updates(("A1", "March 2010", "Work under way."), ("A1", "July 2010", "As per Q2 update."))
    frame["snapshot"] = ["Tracker Q2 2024", "Tracker Q3 2024"]
    got = classify(frame)
    assert (got["status"].iloc[1], got["status_source"].iloc[1]) == ("in_progress", "reference")


@pytest.mark.parametrize("text, expected", [
    # negation scope: not accepting the risk is not accepting it; declining to attend is not declining the action
    ("Management does not accept the risk and will implement by March.", "planned"),
    ("Declined to attend the workshop; rescheduled for May.", "in_progress"),
    # "N/A" with a reason that is not that the action no longer applies
    ("N/A - not yet due.", "planned"),
    # the things an action cancels are its work, not the action withdrawn
    ("Duplicate supplier records reviewed and 40 accounts cancelled.", "complete"),
    # awaiting a third party's reply on the work is work going on, not a missing update
    ("Awaiting a response from the supplier on the revised quote.", "in_progress"),
])
def test_round6_near_misses_are_left_alone(text, expected):
    assert one(text, "July 2010")[0] == expected, one(text, "July 2010")


# ------------------------------------------------------------ round 7: the labelling conventions (rules README)
# Each convention the rules did not follow, in words written for this test (not the labelled sets').

@pytest.mark.parametrize("text, expected", [
    # deferred until something happens: not begun, by choice (a new date instead is a slip)
    ("Deferred until the new Chief Executive is in post.", "planned"),
    ("Postponed until the outcome of the national review is known.", "planned"),
    ("The committee report was deferred to June.", "in_progress"),
    # an update asked of the owner and not given says nothing about the action
    ("Update requested from the Head of Service - not received.", "no_update"),
    ("Progress update requested 03/03/25, chased 17/03/25 - no reply from the service.", "no_update"),
    ("Information requested from the directorate - none rec'd.", "no_update"),
    ("Update TBC.", "no_update"),
    ("There has been no further progress on this recommendation.", "no_update"),
    # late, slipped or on hold with a new date, nothing about work: open and behind
    ("Timescale extended to September 2011.", "in_progress"),
    ("Completion date revised to 30/06/2026.", "in_progress"),
    # closed without the action
    ("Not being progressed following the Cabinet decision in June.", "no_action"),
    ("No longer to be progressed as the service has transferred to the Trust.", "no_action"),
    ("Moved to the Directorate Risk Register; no further audit action.", "no_action"),
    ("The recommendation has been transferred to the corporate risk register.", "no_action"),
    ("Action deleted - the requirement no longer exists.", "no_action"),
    ("Recommendation closed - the depot has been sold so the controls no longer apply.", "no_action"),
    ("Management do not propose to implement this, given the cost.", "no_action"),
    ("Not implemented. The manager disagrees with the recommendation and has declined to introduce it.", "no_action"),
    ("Not implemented - the service decided to use the county's system instead.", "no_action"),
    # misspelt status words read as meant
    ("Acheived.", "complete"),
    ("Implimented in May.", "complete"),
    # done, but sign-off, verification or evidence still to come: not closed until checked
    ("Implemented - awaiting evidence for the auditors.", "in_progress"),
    ("Service state this is implemented; IA yet to verify.", "in_progress"),
    ("Complete. Internal Audit to check compliance at the next follow-up.", "in_progress"),
    ("Done. IA will test this at the follow-up in March.", "in_progress"),
    ("New rota introduced in April; a follow-up review is scheduled for Q3.", "in_progress"),
    ("Implemented. Not yet verified by audit.", "in_progress"),
    # a step taken towards the action
    ("Refresher training for Members booked for 12 October.", "in_progress"),
    ("Planned for June - supplier demonstration arranged.", "in_progress"),
    ("Options paper commissioned from the consultants; findings due March.", "in_progress"),
    ("Gap analysis done, external assessment booked for May 2011.", "in_progress"),
    ("Procedure revised and approved by SMT 04/05/10. Roll-out to team leaders Jun-Jul 2010.", "in_progress"),
    # "not achieved" or "not yet complete" alone, an owner named and nothing else: a person decides
    ("Not yet completed.", "needs_review"),
    ("Not achieved.", "needs_review"),
    ("The Head of Revenues will lead on this.", "needs_review"),
    ("Delegated to the Finance Manager.", "needs_review"),
])
def test_round7_conventions(text, expected):
    assert one(text, "July 2010")[0] == expected, one(text, "July 2010")


@pytest.mark.parametrize("text, expected", [
    # part done: the rest still to do, progress slow, a few still to finish
    ("Claims reviewed to 70%, 150 overpayments recovered. Remaining claims to be reviewed by the end of Q2.", "in_progress"),
    ("Progress: slow. Two of the six teams have returned their registers.", "in_progress"),
    ("A few schools still have to submit their asset returns.", "in_progress"),
    # a step done then one to come, with a decimal number or an abbreviation in between
    ("Jan 2025: retention policy agreed by IGG. Deletion of about 3.4m files is scheduled to begin in April.", "in_progress"),
    ("Item 3.1 - asset strategy approved 14.02.10", "complete"),
    # two voices that disagree, or a claim the rest undoes: a person decides
    ("Service comment: implemented. IA comment: evidence covers one quarter only, partially implemented.", "needs_review"),
    ("Finance have advised this is complete; the directorate advise it is not. Meeting to be arranged.", "needs_review"),
    ("Officers confirm this is implemented, however evidence has not been provided to audit.", "needs_review"),
    ("Delayed. Awaiting a Member decision on whether the scheme will continue at all.", "needs_review"),
    ("This is being picked up as part of the wider transformation programme.", "needs_review"),
    # another recommendation still open does not contradict this one's status word
    ("Implemented - see rec 5.2, which remains open.", "complete"),
])
def test_round7_cues_new_officers_write(text, expected):
    assert one(text, "July 2010")[0] == expected, one(text, "July 2010")


@pytest.mark.parametrize("text, expected", [
    # a revised date that says no work has been done is not work going on
    ("Implementation date revised to 31/03/2027. Nothing done yet owing to vacancies.", "planned"),
    # on hold until an event, no date: kept as the held-out sets label it
    ("On hold pending the restructure of the team.", "in_progress"),
    # "not yet progressed" is not begun, not dropped
    ("Not yet progressed owing to sickness.", "planned"),
    # an owner with a time is a plan
    ("The Head of Housing will take this forward in the new year.", "planned"),
    # verification already done is done
    ("Implemented - evidence provided to IA and accepted.", "complete"),
    ("Done. Evidence sent to Internal Audit.", "complete"),
    # a step that was booked and then happened is done
    ("Training held on 4 May as booked.", "complete"),
    # awaiting a third party's reply on the work is work going on
    ("Awaiting a response from the supplier on the revised quote.", "in_progress"),
    # a review scheduled is a plan, not a step taken
    ("Review of the fees policy scheduled for the autumn.", "planned"),
    # moved in time is not moved to another plan
    ("Go-live has moved to the new financial year.", "in_progress"),
])
def test_round7_near_misses_are_left_alone(text, expected):
    assert one(text, "July 2010")[0] == expected, one(text, "July 2010")


@pytest.mark.parametrize("word, expected", [
    ("Deferred", "planned"), ("On hold", "in_progress"), ("Awaiting verification", "in_progress"),
    ("Awaiting sign-off", "in_progress"), ("Update requested", "no_update"), ("No response", "no_update"),
    ("Action deleted", "no_action"), ("Duplicate", "no_action"), ("Not being progressed", "no_action"),
    ("Acheived", "complete"),
])
def test_round7_stated_words_follow_the_conventions(word, expected):
    out = classify(updates(("A1", "July 2010", "See the tracker."), stated=[word]))
    assert (out["status"].iloc[0], out["status_source"].iloc[0]) == (expected, "stated")


# ------------------------------------------------------------ round 8: classes of phrasing read in unseen set 4's misses
# Each case is written for this test in words of its own; none is a labelled row.

@pytest.mark.parametrize("text, expected", [
    # done, then "no further action required": done is why nothing more is needed (labelling conventions)
    ("All 20 managers now have access to the budget system and use it monthly. No further action required.", "complete"),
    ("The policy was reviewed and updated in March. No further action is required.", "complete"),
    # ... but not when the reason is that the action no longer applies
    ("The system has been decommissioned. No further action required.", "no_action"),
    ("Risk accepted by the Director; no further action required.", "no_action"),
    # "no action needed yet": not yet due, not declined
    ("Not yet due; no action needed yet.", "planned"),
    ("Not due until 2026 - no action required at this stage.", "planned"),
    # an earlier position contrasted with the present one: the present decides
    ("Reported as delayed last quarter; this has now been completed and the policy approved in May.", "complete"),
    ("Still open at the previous committee but now implemented - the new form went live on 2 May.", "complete"),
    ("Outstanding at the March update, now complete, though the staff briefing is still to be arranged.", "needs_review"),
    # "as previously reported": a reference to the last update (nothing before it: says nothing new)
    ("As previously reported.", "no_update"),
    ("As reported previously", "no_update"),
    ("As last reported.", "no_update"),
    ("Position as reported to the last committee.", "no_update"),
    # a target stated as a target, even when its date has passed (open, not begun; the dates say it is late)
    ("Target completion: 31 March 2011.", "planned"),
    ("Target date: 30/09/2009", "planned"),
    # in force since a date: an arrangement running
    ("Two-factor authentication in force since January 2010.", "complete"),
    ("Enforced on all laptops since 01/2010.", "complete"),
    # the present part of "not yet" is work going on
    ("Not yet implemented - ICT are configuring the new module.", "in_progress"),
    # will start once something happens: deferred until an event, not begun
    ("Work will commence after the restructure has been completed.", "planned"),
    # done, with only a routine review to come: done
    ("Strategy adopted by Cabinet 12/03/10. It will be reviewed annually.", "complete"),
    # part done: some of a whole, the rest to follow
    ("Two of the three sites now reconcile daily; the third will follow.", "in_progress"),
    ("Done for Adults. Children's to follow in Q3.", "in_progress"),
    ("Asset register updated but not all services have returned their inventories.", "in_progress"),
    # sent for approval: a step, the decision still to come
    ("Procedure revised and sent to CMT for approval on 12 May.", "in_progress"),
    # a tender issued: a step towards the action
    ("Tender issued 1 May, closing date 30 May.", "in_progress"),
    ("The contract has gone out to tender.", "in_progress"),
    # agreed to do something: an intention
    ("The Head of Finance has agreed to introduce a monthly check from October.", "planned"),
    ("Agreed by the Director; implementation to follow the restructure in 2011.", "planned"),
    # finished, and the auditors content
    ("The review was finished in May.", "complete"),
    ("External audit have confirmed they are satisfied with the revised process.", "complete"),
    # moved to a register or another plan, closed here
    ("Now tracked on the ICT risk log and removed from this plan.", "no_action"),
    ("Closed - replaced by the Procurement Strategy 2025.", "no_action"),
    ("Closed - overtaken by the move to a shared service.", "no_action"),
    # carried forward to a later year, with work said to go on
    ("C/f to 2011/12 - the new system is being procured.", "in_progress"),
    # terse notes
    ("WIP", "in_progress"),
    ("W.I.P. - with Legal", "in_progress"),
    ("Done - evid. rec'd 12/3", "complete"),
    # a RAG colour before the words: the words decide
    ("Green. On track for March.", "in_progress"),
    ("Amber - delayed by sickness; now due September 2010.", "in_progress"),
    # note-style abbreviations
    ("Implemented - evid o/s", "in_progress"),
    ("Part done", "in_progress"),
    ("Compl.", "complete"),
    # a verbal update says nothing written
    ("A verbal update will be given at the meeting.", "no_update"),
    # merged into another plan's action
    ("Merged with the AGS action on data quality.", "no_action"),
    # an arrangement found satisfactory, and one the council now has
    ("The arrangements were reviewed by the external auditor and found to be satisfactory.", "complete"),
    ("The Authority now has a medium term financial strategy covering 2010-2013.", "complete"),
    # committee prose: the framing is not the position
    ("Members will recall that the revised policy was approved by Cabinet in March.", "complete"),
    ("As Members will recall, the strategy was adopted in February.", "complete"),
])
def test_round8_cues_new_officers_write(text, expected):
    assert one(text, "July 2010")[0] == expected, one(text, "July 2010")


@pytest.mark.parametrize("text, expected", [
    # "not achieved" or "not yet complete" with no step, no new date: a person decides
    ("Not achieved by March 2010.", "needs_review"),
    ("Not completed by 31/03/2010.", "needs_review"),
    ("Still not complete.", "needs_review"),
    ("Still not yet done.", "needs_review"),
    # with a new date it is a plan again
    ("Not achieved by March 2010; revised target September 2010.", "planned"),
    # a leading status word, then the work said to go on: a person decides
    ("Complete. Work continues on the data cleanse.", "needs_review"),
    ("Completed. Further work is still needed on the supplier records.", "needs_review"),
    ("Implemented. Roll-out to the remaining teams is under way.", "needs_review"),
    ("Implemented - action withdrawn by Internal Audit.", "needs_review"),
    # carried forward to a later year or plan, and nothing else: slipped, moved or not begun, the words do not say
    ("Carried forward to 2011/12.", "needs_review"),
    ("C/f to the 2025/26 plan", "needs_review"),
    # the recommendation met another way: done, or not done
    ("Not implemented as recommended; a compensating control is in place instead.", "needs_review"),
    # a target not met, and nothing else
    ("Target of March 2010 not achieved.", "needs_review"),
    # a colour or a score judges the action, it does not say where it is
    ("Amber", "needs_review"),
    ("RAG: Green.", "needs_review"),
    ("The council is performing well against this KLOE.", "needs_review"),
    ("Score 3 - performing well.", "needs_review"),
    # committee framing with nothing about the action
    ("Members will recall the concerns raised at the last meeting.", "needs_review"),
])
def test_round8_left_for_a_person(text, expected):
    assert one(text, "July 2010")[0] == expected, one(text, "July 2010")


@pytest.mark.parametrize("text, expected", [
    # a qualified leading word is still part done, not a contradiction
    ("Completed, although some teams still need to be trained.", "in_progress"),
    # a routine review is done; other work to come is a next step
    ("Strategy adopted by Cabinet 12/03/10. Training will be rolled out in the autumn.", "in_progress"),
    # a step done then one that waits on an event: begun
    ("Policy approved; training will start once new starters join.", "in_progress"),
    # a tender that led to a contract is done
    ("Tender issued in March and the contract awarded in June; new provider in place.", "complete"),
    # submitted for approval and approved is done
    ("Procedure submitted to CMT for approval and approved on 12 May.", "complete"),
    # "no action needed" because it is done is still not "not yet due"
    ("Not implemented - the service is lacking resources.", "planned"),
    # a complete status word with monitoring as business as usual is done
    ("Complete. Monitoring will continue as business as usual.", "complete"),
    # a bare date already passed still says nothing
    ("March 2010", "needs_review"),
    # incorporated into a procedure is the work done, not moved to another plan
    ("Incorporated into the revised procedure manual in May.", "complete"),
])
def test_round8_near_misses_are_left_alone(text, expected):
    assert one(text, "July 2010")[0] == expected, one(text, "July 2010")

# ------------------------------------------------------------ round 9: classes of phrasing read in unseen set 5's misses
# Each case is written for this test in words of its own; none is a labelled row.

@pytest.mark.parametrize("text, expected", [
    # late, then done: the slip is about before, the completion is the position
    ("Slipped from March owing to staff sickness, but the new procedure was finally approved by CMT in May.", "complete"),
    ("Originally delayed by the system upgrade; however the register was eventually launched in April and is now in use.",
     "complete"),
    # the committee's original request recalled before the position: the request is not a plan
    ("The Committee asked for the petty cash procedure to be rewritten. The new procedure was issued to all cash "
     "holders in May.", "complete"),
    ("Members will recall that Cabinet agreed to review the fees and charges policy. The review was finished in June "
     "and the new charges took effect on 1 July.", "complete"),
    # closed because moved to another plan: closed without the action here
    ("Closed - transferred to the corporate risk register.", "no_action"),
    ("Action closed: merged into the ICT programme plan.", "no_action"),
    # agreed, an owner and a date, nothing begun: planned
    ("Accepted. Procurement Manager to lead; target date March 2011.", "planned"),
    ("Agreed - due 31/12/2010.", "planned"),
    # nothing new, said with the date or quarter it is as at
    ("Nothing further to report as at 30 June 2010.", "no_update"),
    ("No further progress to report for Q1.", "no_update"),
    ("No change since the April update.", "no_update"),
    ("No change since Q1.", "no_update"),
    # no update, and the owner chased
    ("No update received this quarter - chased 3 times.", "no_update"),
    ("No update - chased 04/06.", "no_update"),
    # note style: "currently" and a verb in -ing, with no "is"
    ("Finance currently reconciling the suspense account; completion expected in May.", "in_progress"),
    ("ICT currently configuring the new firewall rules.", "in_progress"),
    # declined: management do not accept or agree
    ("Management do not accept the need for a second authoriser; the current controls are considered sufficient.",
     "no_action"),
    ("The service does not agree - a weekly check is judged proportionate.", "no_action"),
    # running as business as usual, or now operating
    ("The new rota is now operating as business as usual.", "complete"),
    ("Staffing cover at 100% for the last quarter; the duty rota is now operating as BAU.", "complete"),
    # done-words officers use that the list did not hold
    ("Encryption enabled on all mobile devices. No further action required.", "complete"),
    ("Patch deployed to all servers on 12 March.", "complete"),
    ("Report to Cabinet 4 May - action discharged.", "complete"),
    ("ISO 14001 certified at the head office; the two depots to follow next year.", "in_progress"),
    # better, but the target not yet met, said target first
    ("Better - collection rate up to 96.1% although the 97% target has not yet been reached.", "in_progress"),
    ("Response times improved, but the target of 10 days is still not met.", "in_progress"),
    # done, but approval still to come: not closed until it is given
    ("Completed, but the revised scheme still has to be presented to Council for adoption.", "in_progress"),
    ("Done - report still needs to go to SMT for sign-off.", "in_progress"),
    # done for some only
    ("Rolled out for office staff only - depot staff will be trained in the spring.", "in_progress"),
    ("In place for the main reception only.", "in_progress"),
    # a refusal said as a judgement: "do not consider it necessary"
    ("We do not consider a second authoriser necessary given the low value of the payments.", "no_action"),
    # "agreed" with an owner named is accepted, not done
    ("Agreed. Head of HR to lead.", "planned"),
    ("Agreed - Finance Manager to take forward.", "planned"),
    # a date something is due by, nothing under way: a target
    ("Cabinet resolved to adopt the strategy. Adoption is due in September 2010.", "planned"),
    # done, but a decision or sign-off still to come
    ("Done - still needs sign-off from the Director.", "in_progress"),
    ("The plan was drafted and discussed with members; the panel has asked for further costings before it goes to "
     "Cabinet in March.", "in_progress"),
    # the auditors' recommendation recalled before the position
    ("Audit recommended that the register be updated. Register updated in May.", "complete"),
])
def test_round9_cues_new_officers_write(text, expected):
    assert one(text, "July 2010")[0] == expected, one(text, "July 2010")


@pytest.mark.parametrize("text, expected", [
    # a leading done word, then the action moved elsewhere: done here, or moved unfinished, a person decides
    ("Implemented - transferred to the Digital Strategy action plan (ref DS-7).", "needs_review"),
    ("Complete; merged into the Workforce Plan action 3.1.", "needs_review"),
])
def test_round9_left_for_a_person(text, expected):
    assert one(text, "July 2010")[0] == expected, one(text, "July 2010")


@pytest.mark.parametrize("text, expected", [
    # late, then done, but something still to come: not complete
    ("Delayed, but the policy was finally approved in May; training still to be arranged.", "in_progress"),
    ("Delayed from June but now expected in September.", "in_progress"),
    # a decision not to go on is not background to drop
    ("Cabinet agreed not to proceed with the shared service. The present arrangements will continue.", "no_action"),
    # a request recalled, and nothing else: not dropped
    ("The Committee asked for the petty cash procedure to be rewritten.", "planned"),
    # agreed, then a step taken: begun
    ("Agreed - policy drafted and due to go to Cabinet in March 2011.", "in_progress"),
    # nothing new, then something new with a date: not a placeholder
    ("No further progress this quarter; the audit is now scheduled for July 2010.", "planned"),
    # "currently" with a judgement is not work going on
    ("The control is currently operating effectively.", "complete"),
    # not accepting the risk is not declining the action
    ("Management do not accept the risk and will introduce the control by March 2011.", "planned"),
    ("Management do not agree that the action is complete; evidence of the reconciliations is awaited.", "in_progress"),
    # operating in part is not operating
    ("Now operating in two of the five depots; the rest by March 2011.", "in_progress"),
    # late, then a draft approved, or a slip to a new date: not done
    ("Slipped to June; however the draft was approved by CMT in May.", "in_progress"),
    # disagreeing with a rating is not declining the action
    ("Management do not agree with the priority rating but will implement the recommendation by March 2011.", "planned"),
    # agreed, then the work done: not merely accepted
    ("Agreed - the Head of ICT has led a review and the policy was approved in May.", "complete"),
    # a target not met, and nothing else
    ("Target of 10 days not met.", "needs_review"),
])
def test_round9_near_misses_are_left_alone(text, expected):
    assert one(text, "July 2010")[0] == expected, one(text, "July 2010")


# ------------------------------------------------------------ round 10: unseen set 6's misses, by class
@pytest.mark.parametrize("text", [
    # a leading done word, then "though/although/but/however" and something still open, found wrong or not yet used
    "Implemented, though the follow-up sample found further exceptions which are now being corrected.",
    "Done - but two directorates are still not using the new form.",
    "Completed, however the reconciliation still shows unexplained differences.",
    "Closed, although spot checks found errors in 3 of 20 claims.",
    "Complete; however compliance across the depots is patchy.",
    "Implemented - though the new form is only used by the Housing team.",
    # a leading done word whose object is a draft, or a step still on its way to a decision
    "Complete: procedure drafted and will go to CMT in October.",
    "Achieved - draft strategy sent to partners for consultation.",
    "Complete: draft guidance issued to managers for comment.",
    "Done. Revised scheme of delegation to be presented to Council in March.",
    # a hedge: done, or only part done, the words do not say
    "Controls broadly in place.",
    "Generally complete.",
    # a judgement that the arrangements suffice, and nothing else: done, or declined as unnecessary
    "Existing controls deemed sufficient.",
    "Current arrangements are considered adequate.",
    # "not achieved" for a year, and nothing else (labelling conventions)
    "Not met for 2009/10.",
    "Not achieved in 2024/25.",
])
def test_round10_left_for_a_person(text):
    assert one(text, "July 2010")[0] == "needs_review", one(text, "July 2010")


@pytest.mark.parametrize("text, expected", [
    # a condition ("subject to the bid being approved") is not work happening
    ("Purchase of a replacement CCTV system is planned for 2011/12, subject to the budget bid being approved.", "planned"),
    ("A new fleet tracking system will be procured next year, provided the funding bid is successful.", "planned"),
    # decided not to do it, whatever the verb
    ("The Authority has decided not to create a separate fraud team and will use the County's service.", "no_action"),
    ("The Committee has decided not to introduce a second signatory.", "no_action"),
    # agreed, and the work to begin later: planned, not a step done
    ("Agreed by SLT. Work on the new scheme of delegation will start in April.", "planned"),
    ("Agreed by the Head of Finance. The review of the fees will begin next year.", "planned"),
    # part done, the rest to follow
    ("Budget reports now include risk commentary for two directorates, the remainder to follow next year.", "in_progress"),
    ("Quarterly returns now received from the larger schools, with the rest to follow by the summer.", "in_progress"),
    # evidence given to audit and accepted
    ("Site inspections now scheduled for every depot; the first round was completed in May. Evidence provided to "
     "Internal Audit and accepted.", "complete"),
    # the update ends by saying the action can be closed
    ("Terms of reference for the Joint Audit Committee were revised and agreed by both the PCC and the Chief Constable "
     "in March. This action can be closed.", "complete"),
])
def test_round10_cues_new_officers_write(text, expected):
    assert one(text, "July 2010")[0] == expected, one(text, "July 2010")


@pytest.mark.parametrize("text, expected", [
    # a leading done word with history, a routine review or nothing open after "though": still done
    ("Complete - policy approved by Cabinet in June and published.", "complete"),
    ("Complete, although it took longer than planned.", "complete"),
    ("Implemented, though the original target date was missed.", "complete"),
    ("Complete, though the policy will be reviewed annually.", "complete"),
    ("Done - the draft was approved by CMT in May and published.", "complete"),
    ("Complete - though the follow-up audit found no exceptions.", "complete"),
    ("Complete, although the audit found no further errors.", "complete"),
    ("Done - the procedure was drafted by HR and issued to all staff in May.", "complete"),
    ("Complete. While the policy was being drafted, the old one stayed in force.", "complete"),
    ("Complete but late.", "complete"),
    ("Completed, although the project did not meet its original deadline.", "complete"),
    ("Achieved - consultation closed in May and the strategy was adopted by Council in June.", "complete"),
    ("Complete - report submitted to Cabinet for approval and approved on 4 May.", "complete"),
    # another action still open is not this one
    ("Complete, but see recommendation 5 which remains open.", "complete"),
    # the rest still to do after a leading done word is part done, as before
    ("Achieved, but the remaining teams are to be trained in the autumn.", "in_progress"),
    # a hedge with the rest said is decided by the rest
    ("Controls broadly in place; the remaining gaps will be closed by March 2011.", "in_progress"),
    # an auditor's judgement of adequacy after the work is done
    ("Arrangements considered adequate by Internal Audit at the follow-up.", "complete"),
    # declining, then a judgement: closed without the action
    ("Management do not accept the recommendation; existing controls are considered adequate.", "no_action"),
    # not achieved with a step under way is decided by the step
    ("Not achieved for 2009/10; a revised plan is being drawn up.", "in_progress"),
    # "being" as work still counts when it is work
    ("The capital bid is being prepared; purchase subject to approval.", "in_progress"),
    # "decided not to wait" is not declining the action
    ("The Council decided not to wait for the review and has set up the register.", "complete"),
    # agreed, then a step taken: begun
    ("Agreed by CMT. Training has been delivered and the roll-out will begin in April.", "in_progress"),
    # the rest of something else is not the rest of the work
    ("All 40 staff trained in May; the rest of the budget was returned to reserves.", "complete"),
    # can be closed only once something happens: not done
    ("The procedure was rewritten in May. This action can be closed once the evidence is received.", "in_progress"),
])
def test_round10_near_misses_are_left_alone(text, expected):
    assert one(text, "July 2010")[0] == expected, one(text, "July 2010")


# ------------------------------------------------------------ round 11: unseen set 7's misses, by class
# Each cue in words of its own, with the near misses it must leave alone.

@pytest.mark.parametrize("text, expected", [
    # the weakness an audit found, recalled before the position, is not the position
    ("The 2022 audit found that leavers were not removed from the payroll promptly. A weekly leavers report "
     "now goes from HR to Payroll and is signed off by the Payroll Manager. Complete.", "complete"),
    ("Internal Audit noted that the asset register was not reconciled to the ledger. The reconciliation is "
     "being set up with the Finance team.", "in_progress"),
    # a follow-up or recent finding is the position, and so is a finding that the control works
    ("The follow-up audit found that the register was still not reconciled. Remains open.", "needs_review"),
    ("The audit in March found that all 25 sampled claims were approved. Closed.", "complete"),
])
def test_round11_a_weakness_found_then_is_not_the_position_now(text, expected):
    assert one(text, "July 2010")[0] == expected, one(text, "July 2010")


@pytest.mark.parametrize("text, expected", [
    # "Closed" alone, or with no reason (a reference, no update, who agreed it): done or dropped?
    ("Closed.", "needs_review"),
    ("Recommendation closed 30/09/24", "needs_review"),
    ("Closed - see last quarter's update.", "needs_review"),
    ("Closed. No further update.", "needs_review"),
    ("Closed as agreed by the Audit and Standards Committee.", "needs_review"),
    # with a reason, the reason decides
    ("Closed - the new leavers checklist has been in use since May.", "complete"),
    ("Closed - see evidence file FIN/12 (signed reconciliations).", "complete"),
    ("Closed - replaced by the new procurement strategy.", "no_action"),
])
def test_round11_closed_without_a_reason_is_left_for_a_person(text, expected):
    assert one(text, "July 2010")[0] == expected, one(text, "July 2010")


@pytest.mark.parametrize("text, expected", [
    ("The Council won a regional award for its tenant engagement in 2009.", "needs_review"),
    ("The recycling team was shortlisted for a national prize last year.", "needs_review"),
    # a contract or grant awarded is a step of the action, and an award with the position said is the position
    ("The cleaning contract was awarded to the preferred bidder in June.", "complete"),
    ("Customer Service Excellence award achieved in May; the action is complete.", "complete"),
])
def test_round11_an_award_won_is_left_for_a_person(text, expected):
    assert one(text, "July 2010")[0] == expected, one(text, "July 2010")


def test_round11_as_previous_is_no_change():
    # the same action's earlier update is followed; with none before it, nothing new is said
    out = classify(updates(("A1", "December 2009", "Implemented in November."), ("A1", "March 2010", "As previous.")))
    assert list(out["status"]) == ["complete", "complete"]
    assert out["status_source"].iloc[1] == "reference"
    assert one("As previously.", "July 2010") == ("no_update", "reference")


@pytest.mark.parametrize("text, expected", [
    # short of a target named with words between: part done
    ("Void turnaround improved from 40 to 31 days but not yet at the 25 day corporate target.", "in_progress"),
    # a completion rate below the rate it is set against
    ("Data protection e-learning: 61% completion against a 95% target; reminders sent to managers.", "in_progress"),
    ("Appraisals completed for 72% of staff against the target of 90%.", "in_progress"),
    # at or above the target, in the same tens or a measure where lower is better: not read as short
    ("Appraisal completion 97% against 95% target. Achieved.", "complete"),
    ("Appraisal completion 91% against a 95% target.", "needs_review"),
    ("Sickness absence 3.2% against a 4% target.", "needs_review"),
])
def test_round11_short_of_a_target(text, expected):
    assert one(text, "July 2010")[0] == expected, one(text, "July 2010")


@pytest.mark.parametrize("text, expected", [
    # a leading done word, then a new date, completion now expected later, a step still to be agreed or
    # set, "in principle", "has yet to" or something awaited: the rest does not support the word
    ("Complete. New completion date of September agreed with the Director.", "needs_review"),
    ("Done - deadline extended to the end of March.", "needs_review"),
    ("Achieved; go-live now anticipated in June.", "needs_review"),
    ("Implemented. Service standards to be set by the new board in the spring.", "needs_review"),
    ("Complete in principle; the detailed procedures are being written.", "needs_review"),
    ("Done; the revised form has yet to be issued to schools.", "needs_review"),
    ("Implemented; awaiting the new national guidance.", "needs_review"),
    # history, a routine review, a date met: still done
    ("Complete - the revised deadline of 30 June was met.", "complete"),
    ("Complete, although the target date was moved twice.", "complete"),
    ("Complete. The strategy will be reviewed annually.", "complete"),
])
def test_round11_a_leading_done_word_the_rest_does_not_support(text, expected):
    assert one(text, "July 2010")[0] == expected, one(text, "July 2010")


@pytest.mark.parametrize("text, expected", [
    # some of it done, the rest to follow: part done
    ("Fire risk assessments: 17 of 26 blocks assessed so far; remainder booked for the spring.", "in_progress"),
    ("Implemented - rolled out to 4 of 7 service areas.", "in_progress"),
    ("New purchasing system live for orders over £25k only; the rest will move to it next year.", "in_progress"),
    ("Implemented in Revenues; Benefits to go live in April.", "in_progress"),
    ("Achieved for the town hall only.", "in_progress"),
    ("Complete - partially.", "in_progress"),
    # a use restricted by design, and all of it done, are not part done
    ("Purchase cards now used for emergency purchases only.", "complete"),
    ("Implemented - rolled out to 5 of 5 service areas.", "complete"),
])
def test_round11_part_done_in_other_words(text, expected):
    assert one(text, "July 2010")[0] == expected, one(text, "July 2010")


@pytest.mark.parametrize("text, expected", [
    # running, but not yet as it should
    ("Monthly budget monitoring now in place, but the quality of returns is still patchy.", "in_progress"),
    ("The new checklist was introduced in May; however use across the depots is inconsistent.", "in_progress"),
    # a leading done word with the same stays with a person (round 10); uneven before is history
    ("Complete, but use is inconsistent across teams.", "needs_review"),
    ("Monthly returns introduced in April; while the first returns were mixed, all teams now comply.", "complete"),
])
def test_round11_running_but_uneven_is_part_done(text, expected):
    assert one(text, "July 2010")[0] == expected, one(text, "July 2010")


@pytest.mark.parametrize("text, expected", [
    # one part done, another "not yet": part done
    ("The new register is now complete, but the guidance for staff has not yet been written.", "in_progress"),
    ("Policy approved by Cabinet; however the training has not yet been arranged.", "in_progress"),
    # nothing done said first: not begun, as before
    ("The policy has not yet been approved.", "planned"),
])
def test_round11_one_part_done_another_not_yet(text, expected):
    assert one(text, "July 2010")[0] == expected, one(text, "July 2010")


@pytest.mark.parametrize("text, expected", [
    # will not be implementing it: declined
    ("The Council has considered the recommendation but will not be implementing it, given the cost.", "no_action"),
    ("The service is not adopting this recommendation.", "no_action"),
    ("The Authority considered the recomendation and will not take it forward.", "no_action"),
    # not until something happens is not declining, and audit refusing evidence is not the council declining
    ("We will not implement this recommendation until the new system is live.", "needs_review"),
    ("Internal Audit will not accept this as evidence.", "needs_review"),
])
def test_round11_will_not_be_implementing_it_is_declined(text, expected):
    assert one(text, "July 2010")[0] == expected, one(text, "July 2010")


@pytest.mark.parametrize("text, expected", [
    ("Awaiting update from Legal Services.", "no_update"),
    ("Update awaited from the Revenues and Benefits section.", "no_update"),
])
def test_round11_an_update_awaited_from_a_named_service_says_nothing_new(text, expected):
    assert one(text, "July 2010")[0] == expected, one(text, "July 2010")


@pytest.mark.parametrize("text, expected", [
    # slippage reported as a routine is an arrangement running, not a delay
    ("Capital slippage is now reported to Cabinet each quarter with reasons. Closed.", "complete"),
    # slippage of the action is still a delay
    ("Slippage: the new ledger has moved to January.", "in_progress"),
    ("Project slippage reported to the board; new date June.", "in_progress"),
])
def test_round11_slippage_reported_is_an_arrangement(text, expected):
    assert one(text, "July 2010")[0] == expected, one(text, "July 2010")


@pytest.mark.parametrize("text, expected", [
    # done, but the approval or sign-off still to come, with a body named between or "sign off" spelt open
    ("Implemented, subject to Cabinet approval in March.", "in_progress"),
    ("Complete - awaiting formal sign off from the Section 151 officer.", "in_progress"),
    # "agreed in principle" is agreed; done "in principle" is a hedge
    ("Agreed in principle.", "planned"),
    ("The new scheme is implemented in principle.", "needs_review"),
])
def test_round11_approval_to_come_and_in_principle(text, expected):
    assert one(text, "July 2010")[0] == expected, one(text, "July 2010")


# ------------------------------------------------------------ round 12: stranger trial 11, and unseen set 8's misses, by class
# Each cue in words of its own, with the near misses it must leave alone.

@pytest.mark.parametrize("text, expected", [
    # a leading done word the rest undoes with a share achieved after "though", "but": done or not, a person decides
    ("Complete. Weekly stock checks in place since June, though only 35% carried out in the summer.", "needs_review"),
    ("Implemented, but only a few of the sampled claims were checked.", "needs_review"),
    ("Done, although only half of the sample was checked in May.", "needs_review"),
    # and the same without the leading word is not read as done
    ("Spot checks have been running since April, though only 20% were completed in August.", "needs_review"),
    # "only" that does not say a share fell short leaves it done
    ("Complete, although it only took two weeks once the licence arrived.", "complete"),
    ("Complete. Only the Finance team needed the new template, and it is in use.", "complete"),
])
def test_round12_a_done_word_undone_by_only_a_share(text, expected):
    assert one(text, "July 2010")[0] == expected, one(text, "July 2010")


@pytest.mark.parametrize("text, expected", [
    # a recommendation or action agreed, and nothing said begun: planned ("Agreed" by the conventions)
    ("Two new actions raised by the March audit and agreed by Finance.", "planned"),
    ("Recommendation 3 agreed at CMT on 4 June.", "planned"),
    ("New action from the payroll audit, accepted by the Head of Service.", "planned"),
    # a plan agreed is the deliverable, and work said done after the agreement is done
    ("Action plan agreed by Cabinet in June.", "complete"),
    ("Recommendation agreed by CMT and the new rota introduced in May.", "complete"),
])
def test_round12_a_recommendation_agreed_is_not_begun(text, expected):
    assert one(text, "July 2010")[0] == expected, one(text, "July 2010")


@pytest.mark.parametrize("text, expected", [
    # some periods or parts done, another "has not been" done: part done, not "not begun"
    ("Quarterly bank reconciliations have been completed for Q1 and Q2, however Q3's has not been done "
     "because of staff leave.", "in_progress"),
    ("Risk registers updated for four directorates, but Place's has not been reviewed.", "in_progress"),
    # nothing said done first: not begun, as before; and history after a done word stays history
    ("The reconciliation has not been done this year.", "planned"),
    ("Completed in March, however it was not done within the original deadline.", "complete"),
])
def test_round12_part_done_then_another_part_has_not_been(text, expected):
    assert one(text, "July 2010")[0] == expected, one(text, "July 2010")


@pytest.mark.parametrize("text, expected", [
    # awaiting a team or person, with nothing about the work: held up, waiting for an update, or waiting
    # on that team's part, the words do not say
    ("Still waiting on HR.", "needs_review"),
    ("Awaiting the supplier.", "needs_review"),
    ("Awaiting input from Legal Services.", "needs_review"),
    # awaiting a thing is a step under way, and an update awaited says nothing new
    ("Awaiting legal advice.", "in_progress"),
    ("Awaiting the new server from the supplier before go-live.", "in_progress"),
    ("Awaiting update from Legal Services.", "no_update"),
])
def test_round12_awaiting_someone_with_nothing_about_the_work(text, expected):
    assert one(text, "July 2010")[0] == expected, one(text, "July 2010")


@pytest.mark.parametrize("text, expected", [
    # part done in other words (set 8): a share of a planned number, with a party's officers, the rest "to go"
    ("Depot inspections: 5 of the scheduled 12 carried out.", "in_progress"),
    ("The revised protocol is with the three partner authorities' legal officers for review; one has replied.",
     "in_progress"),
    ("Phase 1 sites migrated; remaining sites to go across in the spring.", "in_progress"),
    # all of a planned number is done
    ("Depot inspections: 12 of the scheduled 12 carried out.", "complete"),
])
def test_round12_part_done_in_other_words(text, expected):
    assert one(text, "July 2010")[0] == expected, one(text, "July 2010")


@pytest.mark.parametrize("text, expected", [
    # a rate or a count short of a target stated after it: moving, not there
    ("Housing benefit claims: 64% now processed within 10 days, target is 85%.", "in_progress"),
    ("Void backlog cut from 120 to 85 properties this quarter; target is 40 by March.", "in_progress"),
    # at the target, or a target met, is not short of it
    ("Housing benefit claims: 92% now processed within 10 days, target is 85%.", "complete"),
    ("Backlog reduced from 120 to 35 this year; target of 40 met.", "needs_review"),
])
def test_round12_short_of_a_target_stated_after(text, expected):
    assert one(text, "July 2010")[0] == expected, one(text, "July 2010")


@pytest.mark.parametrize("text, expected", [
    # deferred, the work to start after an event: not begun, by choice
    ("Deferred at the Board's request; work will start after the budget is set.", "planned"),
    # work begun, or deferred to a date, is a slip
    ("Deferred to May; work has begun on the specification.", "in_progress"),
    # an owner and a target date and nothing else: a target
    ("Lead officer: Head of Housing. Due date: 31/03/2025.", "planned"),
    ("Lead officer: Head of Housing.", "needs_review"),
])
def test_round12_deferred_until_an_event_and_an_owner_with_a_date(text, expected):
    assert one(text, "July 2010")[0] == expected, one(text, "July 2010")


@pytest.mark.parametrize("text, expected", [
    # a negated status word pointing elsewhere for the detail: a person reads the pointer
    ("Not yet achieved - see Annex C.", "needs_review"),
    ("Not fully implemented – refer to paragraph 3.1 commentary.", "needs_review"),
    # with the detail given, the rules decide
    ("Not fully implemented - two of the three depots are using it.", "in_progress"),
    # an instruction to delete the action, because another covers it: closed without it
    ("Remove - now picked up under recommendation 2.3.", "no_action"),
    ("Delete. Dealt with under action 3.4 of the new plan.", "no_action"),
    ("Remove old user accounts from the payroll system by March.", "planned"),
])
def test_round12_a_pointer_elsewhere_and_an_instruction_to_delete(text, expected):
    assert one(text, "July 2010")[0] == expected, one(text, "July 2010")


@pytest.mark.parametrize("text, expected", [
    # an arrangement said to have run, then "no further action required": done (not closed without it)
    ("The new threshold has been applied to all claims since May. No further action required.", "complete"),
    ("No further action required - the service has been decommissioned.", "no_action"),
])
def test_round12_no_further_action_after_an_arrangement_running(text, expected):
    assert one(text, "July 2010")[0] == expected, one(text, "July 2010")


@pytest.mark.parametrize("text", ["No update this quarter, but the new rota went live on 1 December.",
                                  "No further update, however the policy was approved by Cabinet in May."])
def test_no_update_followed_by_but_says_something_new(text):
    # hostile trial 12: read as no update, so its words were hidden behind the previous quarter's text
    assert one(text)[0] != "no_update"


@pytest.mark.parametrize("text", ["No update this quarter.", "No further update at this time.", "Nothing further to report."])
def test_no_update_alone_is_still_no_update(text):
    assert one(text)[0] == "no_update"


@pytest.mark.parametrize("text", ["Implemented for two of the three sites.", "Complete in 4 of the 6 schools.",
                                  "Rolled out across 3 out of 5 depots."])
def test_done_for_some_of_a_number_is_part_done(text):
    # hostile trial 12: "Implemented for two of the three sites" was read as complete
    assert one(text)[0] == "in_progress"


@pytest.mark.parametrize("text", ["Implemented. All three sites now reconcile daily.", "Completed for 2009."])
def test_done_for_all_or_for_a_year_is_not_part_done(text):
    assert one(text)[0] == "complete"


def test_warm_reads_the_shipped_rules_once_so_forked_stages_compile_nothing(monkeypatch):
    status_module._CACHE.clear()
    status_module.warm()
    reads = []
    real = status_module._read_yaml
    monkeypatch.setattr(status_module, "_read_yaml", lambda path: reads.append(path) or real(path))
    assert one("Implemented in full.")[0] == "complete"
    assert reads == []  # read once by warm(), not again per pack


# ------------------------------------------------------------ round 13: unseen set 9's misses, by class
# Each cue in words of its own, with the near misses it must leave alone.

@pytest.mark.parametrize("text, expected", [
    # a leading "Closed" and work on it said to continue, however many words lie between
    ("Closed. Work on the new booking system with the registration service continues.", "needs_review"),
    # a routine that continues does not contradict it
    ("Closed. Monitoring of the new arrangement continues.", "complete"),
])
def test_round13_closed_then_work_continues_is_contradicted(text, expected):
    assert one(text)[0] == expected, one(text)


@pytest.mark.parametrize("text, expected", [
    # a short heading before "Closed" does not make closure with no reason a done step
    ("Payroll: Closed.", "needs_review"),
    ("Payroll: Closed - see payroll improvement plan.", "needs_review"),
    # with its reason, the reason decides
    ("Payroll: Closed - superseded by the new payroll audit.", "no_action"),
])
def test_round13_closed_after_a_heading_is_left_for_a_person(text, expected):
    assert one(text)[0] == expected, one(text)


@pytest.mark.parametrize("text, expected", [
    # a count or a rate of a total "so far" / "to date": part done, never read as a done step
    ("Asset tags applied to 212 of approx 400 items so far.", "in_progress"),
    ("Mandatory e-learning assigned to all managers; 71% completion to date.", "in_progress"),
    # some of a number have reached the standard, the rest due by a date: part done, not a target
    ("40 of 52 schools have achieved the standard. Remaining 12 due by 31/3/10.", "in_progress"),
    # a step taken with all of a number, the outcome for fewer of them
    ("Reminder letters issued to all 40 debtors; 12 now on payment plans.", "in_progress"),
    ("Reminder letters issued to all 40 debtors; 40 now on payment plans.", "complete"),
])
def test_round13_part_of_a_number_so_far_is_part_done(text, expected):
    assert one(text, "December 2009")[0] == expected, one(text, "December 2009")


@pytest.mark.parametrize("text, expected", [
    # a share of something that is a measure, not of the work ("58% of bookings now cashless"), is not part
    # done, and nor is a rate of a routine ("25% of claims sampled every month")
    ("The app has proved popular, 58% of bookings now cashless.", "needs_review"),
    ("25% of claims sampled every month.", "needs_review"),
    # a share of the work done still is
    ("About 65% of records checked against source documents.", "in_progress"),
])
def test_round13_a_share_that_is_a_measure_is_not_part_done(text, expected):
    assert one(text)[0] == expected, one(text)


@pytest.mark.parametrize("text, expected", [
    # in place since a date and carried out every time: an arrangement running
    ("Card payment checks in place since March and being carried out for every refund.", "complete"),
    # not when something is still being set up, nor for a plan in place
    ("Interim controls in place since June; a permanent system is being procured.", "needs_review"),
    ("Action plan in place since June.", "in_progress"),
])
def test_round13_in_place_since_and_done_every_time_is_running(text, expected):
    assert one(text)[0] == expected, one(text)


@pytest.mark.parametrize("text, expected", [
    # an arrangement that started on a date, and the update closes the action: done
    ("New cleaning contract started 1 April 2024 with monthly quality checks. Action closed.", "complete"),
    # something still to come after the start is not done
    ("New cleaning contract started 1 April 2024; second phase to follow. Action closed.", "in_progress"),
])
def test_round13_started_then_closed_is_complete(text, expected):
    assert one(text)[0] == expected, one(text)


@pytest.mark.parametrize("text, expected", [
    # the work waits on an event, nothing done: deferred until something happens, planned
    ("Retention schedule to be drafted once the national guidance is published.", "planned"),
    ("Agreed. Stock procedures to be reviewed once the new system is installed.", "planned"),
    # a step done first, or a draft that exists, is begun
    ("Policy approved; training to be delivered once the system is installed.", "in_progress"),
    ("Draft policy to be finalised once the consultation closes.", "in_progress"),
])
def test_round13_to_be_done_once_an_event_is_planned(text, expected):
    assert one(text)[0] == expected, one(text)


@pytest.mark.parametrize("text, expected", [
    # evidence asked for and not given: the service may have said it is done, or nothing
    ("Evidence requested from Housing on 12/05 - not yet received.", "needs_review"),
    # an update asked for and not given says nothing new
    ("Update requested from Housing on 12/05 - not yet received.", "no_update"),
])
def test_round13_evidence_requested_and_not_received_is_left_for_a_person(text, expected):
    assert one(text)[0] == expected, one(text)


@pytest.mark.parametrize("text, expected", [
    # a restructure or a new post-holder, and nothing about the action
    ("New Fleet Manager started 1 May.", "needs_review"),
    ("Service restructure took place in April and the new Head of Service joined in June.", "needs_review"),
    # with a step on the action, the step decides
    ("New Fleet Manager started 1 May and has begun the vehicle audit.", "in_progress"),
])
def test_round13_staffing_news_alone_is_left_for_a_person(text, expected):
    assert one(text)[0] == expected, one(text)


@pytest.mark.parametrize("text, expected", [
    # some of a number still to do their part: the rest have, part done
    ("Schools finance: 4 schools still to return their SFVS, chased on 2/4.", "in_progress"),
])
def test_round13_some_still_to_do_their_part_is_part_done(text, expected):
    assert one(text)[0] == expected, one(text)


@pytest.mark.parametrize("text, expected", [
    # moved toward a target the figure has not reached: in progress
    ("Average days lost to sickness cut to 10.4 (target 9).", "in_progress"),
    ("Recycling rate increased to 43% (target 50%).", "in_progress"),
    # past the target, or too close for the whole numbers to say, is not read as short of it
    ("Sickness absence reduced to 7.9 days per FTE (target 8.5).", "needs_review"),
    ("Void turnaround cut to 22 days against a target of 25.", "needs_review"),
    ("Recycling rate increased to 52% (target 50%).", "needs_review"),
])
def test_round13_moved_toward_a_target_not_reached(text, expected):
    assert one(text)[0] == expected, one(text)


@pytest.mark.parametrize("text, expected", [
    # "compiled" is a step done, and a report "expected" a step to come
    ("Supplier list compiled; due diligence checks to follow.", "in_progress"),
    ("Valuation commissioned from the district valuer; report expected in March.", "in_progress"),
    # with a different party's next step sitting in its own with-clause
    ("Treasury strategy revised to add the new limits; with the S151 officer for comment.", "in_progress"),
])
def test_round13_a_step_done_then_one_to_come(text, expected):
    assert one(text)[0] == expected, one(text)


@pytest.mark.parametrize("text, expected", [
    # done (in note style too), then a bare "No further action": complete, not closed without the action
    ("All 300 staff laptops now encrypted. No further action required.", "complete"),
    ("Fraud awareness session for all members of the Licensing Committee - delivered on 4 March. No further action.",
     "complete"),
    # running now
    ("Starters and leavers checklist now in operation.", "complete"),
    ("Starters and leavers checklist not yet in operation.", "needs_review"),
    # an update awaited from a named manager says nothing new
    ("Awaiting update from the Estates Manager.", "no_update"),
])
def test_round13_done_running_and_awaited_in_other_words(text, expected):
    assert one(text)[0] == expected, one(text)


def test_round13_a_check_carried_out_every_time_does_not_contradict_a_stated_implemented():
    # a check "being carried out for every refund" is an arrangement running, not work still going on; a
    # system "being procured" still is
    out = classify(updates(("A1", "July 2010", "Refund checks are being carried out for every refund."),
                           ("A2", "July 2010", "A replacement system is being procured."),
                           stated=["Implemented", "Implemented"]))
    found = status_module.contradictions(out)
    assert found[0] is None, found[0]
    assert found[1] is not None and found[1][0].id == "contradicts.under_way"


# ------------------------------------------------------------ round 14: unseen set 10's misses, by class
# Each cue in words of its own, with the near misses it must leave alone.

@pytest.mark.parametrize("text, expected", [
    # an open status word and "no further action", nothing else: still going, or closed? a person decides
    ("In progress - NFA.", "needs_review"),
    ("Underway, but no further action needed.", "needs_review"),
    # done, then no further action, is done (NFA in note style too)
    ("Complete - NFA.", "complete"),
    ("Retention schedule published on the intranet. NFA.", "complete"),
])
def test_round14_an_open_word_and_no_further_action_is_left_for_a_person(text, expected):
    assert one(text)[0] == expected, one(text)


@pytest.mark.parametrize("text, expected", [
    # a leading status word and further work still needed: the words disagree, a person decides
    ("Closed, though further work is needed on the data cleanse.", "needs_review"),
    ("Implemented - further work required on the old records.", "needs_review"),
    # further work needed without a status word is part done, and "no further work" contradicts nothing
    ("Some progress, but further work needed.", "in_progress"),
    ("Closed. No further work needed.", "complete"),
    ("Complete. No further work is required.", "complete"),
])
def test_round14_a_status_word_then_further_work_needed_is_contradicted(text, expected):
    assert one(text)[0] == expected, one(text)


def test_round14_no_further_work_does_not_contradict_a_stated_complete():
    out = classify(updates(("A1", "July 2010", "The register is up to date. No further work needed."),
                           ("A2", "July 2010", "The register is up to date, though further work is needed."),
                           stated=["Complete", "Complete"]))
    found = status_module.contradictions(out)
    assert found[0] is None, found[0]
    assert found[1] is not None


@pytest.mark.parametrize("text, expected", [
    # some of a number signed, procured, let: part done, whatever the verb
    ("Tenancy agreement sent to all 12 tenants; 9 of 12 have signed.", "in_progress"),
    ("17 of 25 bus routes re-procured through the framework, the others go to tender in June.", "in_progress"),
    ("Fraud awareness e-learning: 140 of 210 staff enrolled, reminders sent.", "in_progress"),
    # all of them is not part done
    ("12 of 12 tenants have signed.", "complete"),
])
def test_round14_some_of_a_number_done_in_any_verb_is_part_done(text, expected):
    assert one(text)[0] == expected, one(text)


@pytest.mark.parametrize("text, expected", [
    # sent out for signature: a step, the signing still to come
    ("Lease circulated to the tenants for signature.", "in_progress"),
    ("Service level agreement sent to the academy trust for signing in May.", "in_progress"),
    # signed is done
    ("Lease signed by both parties.", "complete"),
])
def test_round14_sent_for_signature_is_a_step(text, expected):
    assert one(text)[0] == expected, one(text)


@pytest.mark.parametrize("text, expected", [
    # an outside body's score for a service, after the letter or report that gave it: not the action's position
    ("Annual inspection letter received in May - rated 3 (adequate) for housing management.", "needs_review"),
    ("Peer challenge report published 12/03: scored 2 (limited) on tenant engagement.", "needs_review"),
    # the action done after the letter is the action's position
    ("Inspection letter received in May and the action plan it asks for has been agreed.", "complete"),
])
def test_round14_an_outside_score_is_left_for_a_person(text, expected):
    assert one(text)[0] == expected, one(text)


@pytest.mark.parametrize("text, expected", [
    # in place, formal approval still to come: done, not yet signed off, open
    ("Revised scheme of delegation in place; to be formally approved by Council on 3 March.", "in_progress"),
    ("New gifts and hospitality register in use - to be formally signed off by the Monitoring Officer.",
     "in_progress"),
    # nothing done yet: planned
    ("Revised scheme of delegation to be formally approved by Council on 3 March.", "planned"),
])
def test_round14_in_place_with_formal_approval_to_come_is_open(text, expected):
    assert one(text)[0] == expected, one(text)


@pytest.mark.parametrize("text, expected", [
    # a step done (redrafted too), then a body to approve it later: in progress
    ("Lettings policy redrafted by the housing team; Cabinet to approve in May.", "in_progress"),
    ("Revised constitution agreed by the working group and is with the Leader; Council to adopt in July.",
     "in_progress"),
    # nothing done, only the decision to come: planned
    ("Cabinet to approve the lettings policy in May.", "planned"),
    # the body has approved it: done
    ("Lettings policy redrafted by the housing team and approved by Cabinet in May.", "complete"),
])
def test_round14_a_step_done_then_a_body_to_decide(text, expected):
    assert one(text)[0] == expected, one(text)


@pytest.mark.parametrize("text, expected", [
    # a draft still to be written is not a draft: nothing begun, planned
    ("No work yet; terms of reference to be drafted in Q2.", "planned"),
    ("Terms of reference to be drafted by the end of June.", "planned"),
    ("No work started on this yet.", "planned"),
    # a draft that exists is begun
    ("Terms of reference drafted; to be agreed in June.", "in_progress"),
    ("Draft terms of reference circulated.", "in_progress"),
])
def test_round14_to_be_drafted_is_not_a_draft(text, expected):
    assert one(text)[0] == expected, one(text)


@pytest.mark.parametrize("text, expected", [
    # agreed, and what it leads to is due at a meeting on a date: nothing begun, planned
    ("Agreed - review of the anti-bribery policy due for Standards Committee in May 2026.", "planned"),
    ("Agreed. Risk strategy refresh due at Audit Cttee March 2026.", "planned"),
    # agreed and then done
    ("Agreed - revised policy approved by Standards Committee in May 2026.", "complete"),
])
def test_round14_agreed_and_due_at_a_meeting_is_planned(text, expected):
    assert one(text, "December 2009")[0] == expected, one(text, "December 2009")


@pytest.mark.parametrize("text, expected", [
    # "not ... yet" alone, in either order: begun, planned or dropped is not said
    ("Not completed yet.", "needs_review"),
    ("Not finished yet", "needs_review"),
    # with a step or a date, the rest decides
    ("Not done yet; work starts in May.", "planned"),
])
def test_round14_not_done_yet_alone_is_left_for_a_person(text, expected):
    assert one(text)[0] == expected, one(text)


@pytest.mark.parametrize("text, expected", [
    # a share dealt with inside a time limit measures how an arrangement runs, it is not part of the work
    ("New repairs contract now in place and operating; 91% of urgent jobs attended within 24 hours in the first "
     "quarter.", "complete"),
    # a share of the work itself still is part done, and short of a stated target still is
    ("78% of invoices processed so far.", "in_progress"),
    ("64% of invoices paid within 30 days, target is 95%.", "in_progress"),
])
def test_round14_a_share_within_a_time_limit_is_a_measure(text, expected):
    assert one(text)[0] == expected, one(text)


@pytest.mark.parametrize("text, expected", [
    # reconciled, in note style: a step done
    ("Bank accounts reconciled to the ledger for March - all differences cleared.", "complete"),
    # not yet, or to come, is not
    ("Bank accounts to be reconciled monthly from April.", "planned"),
])
def test_round14_reconciled_is_a_step_done(text, expected):
    assert one(text)[0] == expected, one(text)


@pytest.mark.parametrize("text, expected", [
    # work said to have started, with one part running and another under way: begun
    ("Work has begun - the team now meets weekly; the new form is being tested.", "in_progress"),
    ("Agreed and implementation has started: managers now receive the report monthly; the dashboard being rebuilt.",
     "in_progress"),
    # started then closed is done, as before
    ("Work has started and the new form is now in place. Action complete.", "complete"),
])
def test_round14_work_said_to_have_started_is_begun(text, expected):
    assert one(text)[0] == expected, one(text)


@pytest.mark.parametrize("text, expected", [
    # a step done (misspelt too), then someone reviewing it: under way
    ("Provider has submited its improvement plan; the commissioner reviewing.", "in_progress"),
    ("Lease terms received from the landlord, Legal reviewing.", "in_progress"),
    # misspellings read as the word
    ("Action transfered to the Corporate Risk Register.", "no_action"),
    # submitted and nothing after it is a step done, as before
    ("Provider has submitted its improvement plan.", "complete"),
])
def test_round14_a_step_done_then_someone_reviewing(text, expected):
    assert one(text)[0] == expected, one(text)
