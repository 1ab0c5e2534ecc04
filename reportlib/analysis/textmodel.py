"""A second reader of update text: a small model trained on the hand-labelled updates.

    model = textmodel.load()                  # the shipped rules/status_model.npz
    reading = model.read(["Implemented, awaiting sign-off by IA"])
    reading.best[0], reading.sure[0], reading.evidence[0]
    # 'in_progress', 0.81, ("awaiting", "sign off", "awaiting sign")

The rules decide a status and say which rule did; this model reads the same text the way
the labelled sets taught it and says how sure it is. ``status.classify`` uses it in two
ways only: where no rule reads a text, a reading it is sure of fills the gap; where a rule
decided a status the model is sure is another, the update goes to review. Each such
status says so in ``status_source``, with the words that weighed most.

The model is data: word (1-2) and character (2-5, inside words) n-gram TF-IDF features,
each block scaled to unit length, and a multinomial logistic regression over them. It is
trained by ``tools/train_status_model.py`` (which needs scikit-learn) and stored as plain
arrays; reading it needs numpy alone, so an install or a pack's kernel pays nothing for a
learning library. ``tests/analysis/test_textmodel.py`` checks that these features and
probabilities are scikit-learn's to rounding, and that the shipped file was trained on the
labelled sets as they are now.
"""
from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from reportlib.errors import Location, ReportlibError

DEFAULT_MODEL = Path(__file__).resolve().parents[1] / "rules" / "status_model.npz"

# The features, as the training tool gives them to scikit-learn's TfidfVectorizer.
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)
_TOKEN = re.compile(r"(?u)\b\w\w+\b")
_SPACES = re.compile(r"\s\s+")
_RICH_TAG = re.compile(r"</?(?:ul|ol|li|p|br|strong|em|b|i|a)\b[^>]*>", re.IGNORECASE)
_WRAPPED = re.compile(r"(?<=\w)([-/]) (?=\w)")
# Words that weigh in the model but say nothing to a reader on their own: not shown as evidence.
_PLAIN_WORDS = frozenset("a an and are as at be been by for from has have in is it of on or that the this to "
                         "was we were will with".split())


class ModelFileError(ReportlibError):
    """The model file cannot be read."""


@dataclass(frozen=True)
class Reading:
    """The model's reading of each text: its likeliest status, how sure, and the words that weighed most."""

    best: list[str]
    sure: np.ndarray
    evidence: list[tuple[str, ...]]


def plain(text: str) -> str:
    """The text the model reads: list and emphasis tags out, and a word wrapped at a hyphen or slash
    joined ("joined- up" as typed reads as a PDF gives it, "joined-up"), so one plan in any format
    gives the model the same words."""
    return _WRAPPED.sub(r"\1", _RICH_TAG.sub(" ", str(text)))


def word_grams(text: str) -> list[str]:
    """Lower-cased words of two or more letters or digits, then each pair of neighbours."""
    words = _TOKEN.findall(text.lower())
    grams = list(words)
    low, high = WORD_NGRAMS
    for n in range(max(low, 2), high + 1):
        grams += [" ".join(words[i:i + n]) for i in range(len(words) - n + 1)]
    return grams


def char_grams(text: str) -> list[str]:
    """Character n-grams inside each word, the word padded with a space either side."""
    grams: list[str] = []
    low, high = CHAR_NGRAMS
    for word in _SPACES.sub(" ", text.lower()).split():
        padded = f" {word} "
        for n in range(low, high + 1):
            if len(padded) <= n:  # a word shorter than n gives itself once
                grams.append(padded)
                break
            grams += [padded[i:i + n] for i in range(len(padded) - n + 1)]
    return grams


class TextModel:
    """A trained model: vocabularies with their idf weights, and one weight a feature for each status."""

    def __init__(self, classes, words, word_idf, chars, char_idf, coef, intercept, meta: dict):
        self.classes = [str(c) for c in classes]
        self.meta = meta
        self._words = {w: i for i, w in enumerate(words)}
        self._chars = {c: i for i, c in enumerate(chars)}
        self._word_list = [str(w) for w in words]
        self._idf = np.concatenate([np.asarray(word_idf, float), np.asarray(char_idf, float)])
        self._n_words = len(self._words)
        self.coef = np.asarray(coef, dtype=float)
        self.intercept = np.asarray(intercept, dtype=float)
        self._mean = self.coef.mean(axis=0)
        if self.coef.shape != (len(self.classes), len(self._idf)):
            raise ModelFileError(f"the model's weights are {self.coef.shape}, expected "
                                 f"({len(self.classes)}, {len(self._idf)})")

    def features(self, text: str) -> dict[int, float]:
        """The ``plain`` text's TF-IDF features as {column: value}: sublinear counts times idf, each block of unit length."""
        row: dict[int, float] = {}
        text = plain(text)
        for grams, index, offset in ((word_grams(text), self._words, 0),
                                     (char_grams(text), self._chars, self._n_words)):
            block = {offset + index[g]: (1.0 + math.log(n)) * self._idf[offset + index[g]]
                     for g, n in Counter(grams).items() if g in index}
            norm = math.sqrt(sum(v * v for v in block.values()))
            row.update({k: v / norm for k, v in block.items()} if norm else {})
        return row

    def probabilities(self, texts) -> np.ndarray:
        """One row a text, one column a status (``classes``): the model's probabilities."""
        return self._probabilities([self.features(str(t)) for t in texts])

    def _probabilities(self, rows: list[dict[int, float]]) -> np.ndarray:
        scores = np.tile(self.intercept, (len(rows), 1))
        for i, row in enumerate(rows):
            if row:
                cols = np.fromiter(row.keys(), dtype=np.int64, count=len(row))
                vals = np.fromiter(row.values(), dtype=float, count=len(row))
                scores[i] += self.coef[:, cols] @ vals
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def read(self, texts, evidence: int = 3) -> Reading:
        """The likeliest status of each text, how sure the model is of it, and up to ``evidence`` of the
        text's words (or pairs of words) that weighed most for it against the other statuses."""
        rows = [self.features(str(t)) for t in texts]
        proba = self._probabilities(rows)
        picks = proba.argmax(axis=1)
        said = []
        for row, pick in zip(rows, picks):
            # How far each word pushes this status above the average status: "weighed most for it".
            weights = sorted(((v * (self.coef[pick, k] - self._mean[k]), self._word_list[k])
                              for k, v in row.items() if k < self._n_words), reverse=True)
            telling = [word for weight, word in weights if weight > 0 and not _PLAIN_WORDS.issuperset(word.split())]
            said.append(tuple(telling[:evidence]))
        return Reading([self.classes[p] for p in picks], proba.max(axis=1), said)


def load(path=None) -> TextModel:
    """The model in ``path`` (default: the shipped ``rules/status_model.npz``), read once a process."""
    return _load(str(Path(path) if path is not None else DEFAULT_MODEL))


@lru_cache(maxsize=4)
def _load(path: str) -> TextModel:
    try:
        with np.load(path, allow_pickle=False) as data:
            parts = {name: data[name] for name in data.files}
    except (OSError, ValueError) as exc:
        raise ModelFileError(f"cannot read the status model: {exc}", Location(file=path)) from None
    needed = ("classes", "words", "word_idf", "chars", "char_idf", "coef", "intercept", "meta")
    missing = [name for name in needed if name not in parts]
    if missing:
        raise ModelFileError(f"the status model has no {', '.join(missing)}", Location(file=path))
    return TextModel(parts["classes"], parts["words"], parts["word_idf"], parts["chars"], parts["char_idf"],
                     parts["coef"], parts["intercept"], json.loads(str(parts["meta"])))


def save(path, classes, words, word_idf, chars, char_idf, coef, intercept, meta: dict) -> None:
    """Write a model file ``load`` reads (the training tool's half)."""
    np.savez_compressed(path, classes=np.asarray(classes, dtype=str), words=np.asarray(words, dtype=str),
                        word_idf=np.asarray(word_idf, dtype=np.float32), chars=np.asarray(chars, dtype=str),
                        char_idf=np.asarray(char_idf, dtype=np.float32), coef=np.asarray(coef, dtype=np.float32),
                        intercept=np.asarray(intercept, dtype=np.float32),
                        meta=np.asarray(json.dumps(meta, sort_keys=True)))
