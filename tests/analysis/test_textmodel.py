"""The second reader of update text (reportlib.analysis.textmodel) and how classify uses it.

The model is stored as arrays and read with numpy alone; these tests check that reading against
scikit-learn, which trains it, and that the shipped file was trained on the labelled sets as they
are now."""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reportlib.analysis import status, textmodel
from reportlib.analysis.textmodel import ModelFileError

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
sys.path.insert(0, str(ROOT / "tools"))
import train_status_model as training  # noqa: E402

AWKWARD = ["Implemented – see IA follow-up (Q3 24/25).", "  Ongoing  ", "OK", "a", "", "Über-complex: £1.2m; 3 of 5 done",
           "<ul><li>Policy drafted</li><li>To Cabinet in May</li></ul>", "Joined- up working now in place",
           "x" * 7, "No  update\treceived\nfrom Housing"]


def _updates(texts, snapshot_date="2010-07-31", stated=None):
    n = len(texts)
    return pd.DataFrame({"action_id": [f"A{i}" for i in range(n)], "snapshot": "July 2010",
                         "snapshot_date": pd.Timestamp(snapshot_date), "text": texts,
                         "stated_status": pd.Series(stated if stated is not None else [pd.NA] * n, dtype="string")})


# ------------------------------------------------------------------ the numpy reading is scikit-learn's

@pytest.mark.parametrize("text", AWKWARD)
def test_words_and_characters_are_the_n_grams_scikit_learn_counts(text):
    sklearn_text = pytest.importorskip("sklearn.feature_extraction.text")  # in the test extra
    words = sklearn_text.TfidfVectorizer(analyzer="word", ngram_range=textmodel.WORD_NGRAMS).build_analyzer()
    chars = sklearn_text.TfidfVectorizer(analyzer="char_wb", ngram_range=textmodel.CHAR_NGRAMS).build_analyzer()
    assert textmodel.word_grams(text) == words(text)
    assert textmodel.char_grams(text) == chars(text)


def test_a_model_written_by_the_training_tool_gives_scikit_learns_probabilities(tmp_path):
    pytest.importorskip("sklearn")  # in the test extra
    texts, labels, digests = training.labelled_texts(["labelled_holdout.csv", "labelled_holdout2.csv",
                                                      "labelled_holdout3.csv"])
    pipeline = training.fit(texts, labels)
    training.export(pipeline, tmp_path / "model.npz", digests)
    model = textmodel.load(tmp_path / "model.npz")
    probe = texts + AWKWARD
    plain = [textmodel.plain(t) for t in probe]  # what the model reads, and what it was trained on
    assert model.classes == list(pipeline.classes_)
    assert np.abs(model.probabilities(probe) - pipeline.predict_proba(plain)).max() < 1e-5
    assert model.read(probe).best == list(pipeline.predict(plain))


def test_the_shipped_model_was_trained_on_the_labelled_sets_as_they_are_now():
    meta = textmodel.load().meta
    now = {name: hashlib.sha256((DATA / name).read_bytes()).hexdigest() for name in training.TRAINED_ON}
    assert meta["trained_on"] == now, "a labelled set changed: run tools/train_status_model.py"
    # the newest unseen set is kept out, for the honest measurement of rules and model together
    assert set(meta["held_out"]) == set(training.HELD_OUT) and not set(meta["held_out"]) & set(meta["trained_on"])
    # the held-out set may not be labelled yet; once it is here, none of its text was trained on
    trained = set(meta["trained_on"].values())
    for name in training.HELD_OUT:
        if (DATA / name).exists():
            assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() not in trained, name


def test_the_training_tool_says_a_held_out_set_is_not_labelled_yet_and_trains_on_the_rest(tmp_path, monkeypatch, capsys):
    pytest.importorskip("sklearn")  # in the test extra
    monkeypatch.setattr(training, "TRAINED_ON", ("labelled_holdout.csv", "labelled_holdout2.csv"))
    monkeypatch.setattr(training, "HELD_OUT", ("labelled_unseen_not_here.csv",))
    assert training.main(["--out", str(tmp_path / "model.npz")]) == 0
    said = capsys.readouterr().out
    assert "labelled_unseen_not_here.csv" in said and "not in tests/data yet" in said
    meta = textmodel.load(tmp_path / "model.npz").meta
    assert sorted(meta["trained_on"]) == ["labelled_holdout.csv", "labelled_holdout2.csv"]
    assert meta["held_out"] == ["labelled_unseen_not_here.csv"]


def test_the_training_tool_will_not_train_on_a_held_out_set(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(training, "TRAINED_ON", ("labelled_holdout.csv", "labelled_holdout2.csv"))
    monkeypatch.setattr(training, "HELD_OUT", ("labelled_holdout2.csv",))
    assert training.main(["--out", str(tmp_path / "model.npz")]) == 2
    assert "labelled_holdout2.csv" in capsys.readouterr().out
    assert not (tmp_path / "model.npz").exists()


@pytest.mark.slow
def test_training_again_gives_the_shipped_model():
    pytest.importorskip("sklearn")  # in the test extra
    assert training.main(["--check"]) == 0


# ------------------------------------------------------------------ how classify uses it

def _sure_of(reading: str, words=("closed", "procedure", "notes", "march", "awaiting", "update")) -> textmodel.TextModel:
    """A model that reads every text as ``reading``, 99% sure, and names ``words`` as its evidence where they are."""
    classes = list(status.STATUSES)
    coef = np.zeros((len(classes), len(words) + 1))
    coef[classes.index(reading), :len(words)] = 3.0
    intercept = np.where(np.array(classes) == reading, 10.0, 0.0)
    return textmodel.TextModel(classes, list(words), [1.0] * len(words), ["xx"], [1.0], coef, intercept, {})


def test_a_reading_that_cannot_name_the_words_it_rests_on_does_not_stand():
    texts = ["Procedure notes circulated to all staff.", "Webiste updated"]
    alone = status.classify(_updates(texts), model=None)
    wordless = status.classify(_updates(texts), model=_sure_of("planned", words=()))
    assert list(wordless["status"]) == list(alone["status"])
    assert list(wordless["status_source"]) == list(alone["status_source"])
    named = status.classify(_updates(texts), model=_sure_of("planned")).iloc[0]
    assert named["status"] == "planned" and "'procedure'" in named["status_source"]


def test_a_text_no_rule_reads_takes_the_models_reading_with_the_words_that_weighed():
    text = "The update is missing."
    alone = status.classify(_updates([text]), model=None).iloc[0]
    both = status.classify(_updates([text])).iloc[0]
    assert (alone["status"], alone["status_source"]) == ("needs_review", "unmatched")
    assert both["status"] == "no_update"
    assert both["status_source"].startswith("text model, ") and "% sure" in both["status_source"]
    assert "'update'" in both["status_source"]


def test_a_rule_the_model_is_sure_is_wrong_is_overruled_and_the_status_says_which_rule_read_what():
    text = "Awaiting update from Housing."   # an update asked for and not received: nothing new (the conventions)
    alone = status.classify(_updates([text]), model=None).iloc[0]
    both = status.classify(_updates([text])).iloc[0]
    assert alone["status"] == "in_progress"
    assert both["status"] == "no_update"
    assert f"rule {alone['status_source']} read in_progress" in both["status_source"]


def test_where_the_model_is_unsure_or_agrees_the_rules_reading_stands():
    texts = ["Implemented.", "Risk accepted by Cabinet; no further action."]
    alone = status.classify(_updates(texts), model=None)
    both = status.classify(_updates(texts))
    assert list(both["status"]) == list(alone["status"]) == ["complete", "no_action"]
    assert list(both["status_source"]) == list(alone["status_source"])


def test_a_rule_that_sends_a_text_to_review_on_purpose_is_not_overruled():
    # a leading status word the rest contradicts: the conventions leave it to a person, whatever a model leans to
    texts = ["Closed. Work continues with the remaining schools.", "Procedure notes circulated to all staff."]
    alone = status.classify(_updates(texts), model=None)
    both = status.classify(_updates(texts), model=_sure_of("in_progress"))
    assert alone.at[0, "status_source"].startswith("needs_review.")
    assert (both.at[0, "status"], both.at[0, "status_source"]) == ("needs_review", alone.at[0, "status_source"])
    assert both.at[1, "status"] == "in_progress" and alone.at[1, "status"] != "in_progress"  # a rule's reading is


def test_a_text_whose_reading_turns_on_the_snapshots_date_is_left_to_the_rules():
    # a bare date already passed says nothing; the model, which sees no dates, is not asked
    got = status.classify(_updates(["March 2010"], snapshot_date="2010-07-31"), model=_sure_of("planned")).iloc[0]
    assert (got["status"], got["status_source"]) == ("needs_review", "unmatched")


def test_stated_blank_and_referring_updates_are_not_read_by_the_model():
    out = status.classify(_updates(["Awaiting update from Housing.", "", "As above."], stated=["Achieved", pd.NA, pd.NA]),
                          model=_sure_of("in_progress"))
    assert list(out["status_source"]) == ["stated", "blank", "reference"]
    assert list(out["status"]) == ["complete", "no_update", "no_update"]  # "As above" carries the blank row's


def test_the_same_words_in_any_format_give_the_same_reading():
    typed = "Record numbers of online payments; review of the cash office now that joined- up card machines are in place."
    printed = "Record numbers of online payments; review of the cash office now that joined-up card machines are in place."
    listed = f"<ul><li>{printed}</li></ul>"
    model = textmodel.load()
    assert np.allclose(model.probabilities([typed]), model.probabilities([printed]))
    assert np.allclose(model.probabilities([listed]), model.probabilities([printed]))


def test_evidence_leaves_out_words_that_say_nothing_alone():
    reading = textmodel.load().read(["Awaiting an update from the service and the owner."])
    assert reading.evidence[0] and not any(word in {"an", "the", "and", "from the"} for word in reading.evidence[0])


# ------------------------------------------------------------------ a broken model file

def test_a_missing_or_incomplete_model_file_is_an_error_naming_it(tmp_path):
    with pytest.raises(ModelFileError) as missing:
        textmodel.load(tmp_path / "none.npz")
    assert "none.npz" in str(missing.value.location)
    np.savez(tmp_path / "half.npz", classes=np.array(["complete"]))
    with pytest.raises(ModelFileError, match="has no words, word_idf"):
        textmodel.load(tmp_path / "half.npz")
