"""The status rules measured against hand labels: floors a rule change must not fall below.

Run ``.venv/bin/python benchmarks/bench_status_agreement.py --misses --holdout`` to see
the figures, the confusion tables and every disagreement.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from reportlib.analysis.status import STATUSES
from reportlib.analysis.status_check import LabelledFileError, measure, read_labelled

DATA = Path(__file__).resolve().parents[1] / "data"
FRESH = DATA / "labelled_fresh.csv"
OWN = DATA / "labelled_updates.csv"
OWN_SNAPSHOTS = {"December 2009": "2009-12-31", "March 2010": "2010-03-31",
                 "July 2010": "2010-07-31", "Action Plan 2010": "2010-01-01"}


def _plain(text: str) -> str:
    return " ".join(text.replace("[text missing in source]", " ").lower().split())


def test_fresh_set_floors():
    m = measure(read_labelled(FRESH))
    print("\n" + m.summary("fresh set"))
    assert m.total >= 60
    assert m.agreement >= 0.90, m.misses.to_string()
    assert m.review_share <= 0.10, m.misses.to_string()


def test_rules_own_set_does_not_fall():
    # 134 of 141 when the fresh set was added (128 before): a change may not lose any of them.
    m = measure(read_labelled(OWN, OWN_SNAPSHOTS))
    print("\n" + m.summary("rules' own set"))
    assert m.agreed >= 134, m.misses.to_string()
    assert m.review_share <= 0.10


@pytest.mark.parametrize("name, floor", [
    ("labelled_holdout.csv", 25),   # 25 of 25 after round 2 read its misses
    ("labelled_holdout2.csv", 32),  # 31 of 32 after round 3 read its misses; 32 after round 7 relabelled held2-01 to the conventions
    ("labelled_holdout3.csv", 27),  # 21 of 30 (70.0 %) measured once; 23 after rules written for any tracker; 27 after round 7 (misses never read)
    ("labelled_unseen.csv", 126),   # 104 of 130 (80.0 %) measured once; 126 after round 6 read its misses
    ("labelled_unseen2.csv", 147),  # 118 of 150 (78.7 %) measured once; 146 after round 6 read its misses; 147 after round 7
    ("labelled_unseen3.csv", 144),  # 105 of 150 (70.0 %) measured once after round 6; 144 after round 7 read its misses (11 rows relabelled to the conventions)
    ("labelled_unseen4.csv", 144),  # 96 of 150 (64.0 %) with round 6's rules; 117 (78.0 %) measured once after round 7; 143 after round 8 read its misses; 144 after round 11
    ("labelled_unseen5.csv", 145),  # 122 of 150 (81.3 %) after round 7, 125 (83.3 %) after round 8; 145 after round 9 read its misses
    ("labelled_unseen6.csv", 148),  # 134 of 150 (89.3 %) with round 8's rules, 135 (90.0 %) after round 9 (never tuned on); 148 after round 10 read its misses
    ("labelled_unseen7.csv", 147),  # 129 of 150 (86.0 %) with round 9's rules, 131 (87.3 %) after round 10 (never tuned on); 147 after round 11 read its misses
    ("labelled_unseen9.csv", 144),  # 130 of 150 (86.7 %) measured once with round 12's rules and the second reader; 144 after round 13 read its misses
    ("labelled_unseen10.csv", 146),  # 137 of 150 (91.3 %) measured once with round 13's rules and the model trained on sets 1-9; 146 after round 14 read its misses and the model was trained on it
])
def test_held_out_sets_do_not_fall(name, floor):
    m = measure(read_labelled(DATA / name))
    print("\n" + m.summary(name))
    assert m.agreed >= floor, m.misses.to_string()


def test_tracker_set_floors():
    # the set the tracker rules were tuned on: 77 of 80, and none given a wrong status with confidence
    m = measure(read_labelled(DATA / "labelled_tracker_tune.csv"))
    print("\n" + m.summary("tracker set"))
    assert m.agreed >= 77, m.misses.to_string()
    assert m.wrong == 0, m.misses.to_string()


def test_labelled_sets_are_kept_apart():
    """The fresh and held-out sets share no text with the rules' own set, nor with each other."""
    own = set(pd.read_csv(OWN, keep_default_na=False, dtype=str)["text"].map(_plain))
    seen: set[str] = set()
    tracker: set[str] = set()
    for name in ("labelled_fresh.csv", "labelled_holdout.csv", "labelled_holdout2.csv", "labelled_holdout3.csv",
                 "labelled_tracker_tune.csv", "labelled_unseen.csv", "labelled_unseen2.csv", "labelled_unseen3.csv",
                 "labelled_unseen4.csv", "labelled_unseen5.csv", "labelled_unseen6.csv",
                 "labelled_unseen7.csv"):
        texts = pd.read_csv(DATA / name, keep_default_na=False, dtype=str)["text"].map(_plain)
        assert not texts.duplicated().any(), name
        shared = (set(texts) & own) | (set(texts) & seen)
        if name.startswith(("labelled_tracker", "labelled_unseen")):
            # written by another person, who could not avoid the stock phrases ("As above.", "Complete.",
            # "No change"): only those may recur, and the tuning and first unseen sets share nothing; the
            # second unseen set, written later, repeats three of their stock cells ("-", "Complete.", "TBC")
            stock_only = name in ("labelled_unseen2.csv", "labelled_unseen3.csv", "labelled_unseen4.csv",
                                  "labelled_unseen5.csv", "labelled_unseen6.csv", "labelled_unseen7.csv")
            shared = {text for text in shared if len(text.split()) > 3 or (text in tracker and not stock_only)}
            if name == "labelled_unseen3.csv":  # the third labeller's brief quoted this cell as an example
                shared -= {"update requested from service – not received."}
            if name == "labelled_unseen4.csv":  # two common phrasings the fourth labeller wrote too
                shared -= {"deferred until the outcome of the comprehensive spending review is known.",
                           "no change since last report."}
            if name == "labelled_unseen5.csv":  # and two the fifth labeller wrote too
                shared -= {"not achieved by march 2010.", "nothing further to report this quarter."}
            if name == "labelled_unseen7.csv":  # two the seventh labeller, who saw no other set, wrote too
                shared -= {"deferred until the outcome of the lgr proposals is known.", "no change since last report."}
            if name == "labelled_unseen6.csv":  # three the sixth labeller, who saw no other set, wrote too
                shared -= {"agreed. will be implemented as part of the 2025/26 budget setting process.",
                           "no change since last report.", "nothing further to report this quarter."}
            tracker |= set(texts)
        assert not shared, (name, shared)
        seen |= set(texts)


def test_labels_are_the_vocabulary_and_sources_are_both_councils():
    fresh = pd.read_csv(FRESH, keep_default_na=False, dtype=str)
    assert set(fresh["status"]) <= set(STATUSES)
    assert {"WDC", "SDDC", "own"} <= set(fresh["source"])


def test_confusion_table_counts_every_update():
    m = measure(read_labelled(FRESH))
    assert int(m.confusion.to_numpy().sum()) == m.total
    assert int(pd.Series(m.confusion.to_numpy().diagonal()).sum()) == m.agreed
    assert len(m.misses) == m.total - m.agreed


def test_bad_label_names_the_row_and_column(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("id,source,snapshot_date,text,status,reason\n"
                    "a,own,2010-09-30,Complete.,complete,\n"
                    "b,own,2010-09-30,Ongoing,ongoing,\n")
    with pytest.raises(LabelledFileError, match=re.escape("'ongoing' is not one of")) as info:
        read_labelled(path)
    assert (info.value.location.row, info.value.location.column) == (3, "status")


def test_missing_date_names_the_row(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("id,source,snapshot_date,text,status,reason\na,own,soon,Complete.,complete,\n")
    with pytest.raises(LabelledFileError, match="not a date") as info:
        read_labelled(path)
    assert info.value.location.row == 2


def test_confidently_wrong_counts_a_status_given_that_disagrees(tmp_path):
    path = tmp_path / "l.csv"
    path.write_text("id,source,snapshot_date,text,status,reason\n"
                    "a,own,2010-07-31,Completed.,complete,\n"           # agreed
                    "b,own,2010-07-31,Completed.,in_progress,\n"        # a status given, and wrong
                    "c,own,2010-07-31,Karen to check?,planned,\n")      # left for review: not confidently wrong
    m = measure(read_labelled(path))
    assert (m.agreed, m.needs_review, m.wrong) == (1, 1, 1)
    assert m.wrong_share == pytest.approx(1 / 3)
    assert "confidently wrong 33.3% (1/3)" in m.summary()


def test_rows_of_a_file_of_separate_updates_are_not_above_one_another(tmp_path):
    # each row of an id-keyed set is an update of its own: "As above" has nothing above it
    path = tmp_path / "l.csv"
    path.write_text("id,source,snapshot_date,text,status,reason\n"
                    "a,own,2010-07-31,Completed.,complete,\n"
                    "b,own,2010-07-31,As above.,needs_review,\n")
    m = measure(read_labelled(path))
    assert m.agreed == 2


def _agreement_bench():
    import importlib.util
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_status_agreement.py"
    spec = importlib.util.spec_from_file_location("bench_status_agreement", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


def test_the_agreement_bench_measures_the_eleventh_unseen_set_once_it_is_added(tmp_path, monkeypatch, capsys):
    # the set held out from the second reader (tools/train_status_model.py) is labelled later, by someone else:
    # --holdout measures it as soon as the file is there, and says it is missing until then
    bench = _agreement_bench()
    for labelled in DATA.glob("labelled_*.csv"):  # two rows of each set are enough to run the bench
        if labelled.name == "labelled_unseen11.csv":
            continue  # as before it was added
        (tmp_path / labelled.name).write_text("".join(labelled.read_text(encoding="utf-8").splitlines(True)[:3]),
                                              encoding="utf-8")
    newest = tmp_path / "labelled_unseen11.csv"
    monkeypatch.setattr(bench, "DATA", tmp_path)
    monkeypatch.setattr(bench, "NEWEST", newest)
    bench.main(["--holdout", "--rules-only"])
    said = capsys.readouterr().out
    assert "unseen set 11: labelled_unseen11.csv is not in tests/data yet" in said
    assert "unseen set 10 (" in said  # set 10's figures stay reachable
    newest.write_text("id,source,snapshot_date,text,status,reason\n"
                      "n-1,modern,2025-06-30,Implemented.,complete,done\n"
                      "n-2,modern,2025-06-30,No update this quarter.,no_update,nothing new\n", encoding="utf-8")
    bench.main(["--holdout", "--rules-only"])
    said = capsys.readouterr().out
    line = next(line for line in said.splitlines() if line.startswith("unseen set 11"))
    assert "agreement 100.0% (2/2)" in line, line
