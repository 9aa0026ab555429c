"""Pure learning functions for appeal routing (R8.1): no database, no Django.

Features are the union of two TF-IDF views of the text — jieba word tokens (unigrams and bigrams) and character
1–3-grams inside word boundaries — so both whole words (井盖, 拖欠工资) and fragments of words jieba does not know
(place names, typos) count. One multinomial logistic regression per head (type, category, unit) over the shared
features gives calibrated-enough probabilities for a confidence figure and linear coefficients that explain a
decision: the words whose tf-idf weight times the class coefficient pushed the chosen label most.
"""

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import jieba
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupShuffleSplit, train_test_split
from sklearn.pipeline import FeatureUnion

from .corpus import Example

jieba.setLogLevel(logging.WARNING)

HEADS = ("type", "category", "unit")
MAX_TEXT = 4000  # longer texts are cut: the opening of an appeal carries its matter
_PUNCT = re.compile(r"^[\W_]+$")


def tokens(text: str) -> list[str]:
    """jieba word tokens without punctuation and whitespace (module-level so a fitted model pickles)."""
    return [t for t in jieba.lcut(text[:MAX_TEXT]) if t.strip() and not _PUNCT.match(t)]


def _features() -> FeatureUnion:
    return FeatureUnion(
        [
            (
                "w",
                TfidfVectorizer(
                    tokenizer=tokens,
                    token_pattern=None,
                    lowercase=False,
                    ngram_range=(1, 2),
                    min_df=1,
                    sublinear_tf=True,
                ),
            ),
            ("c", TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), min_df=2, sublinear_tf=True)),
        ]
    )


@dataclass(frozen=True)
class Reason:
    label: str
    confidence: float
    words: tuple[str, ...]


@dataclass
class Router:
    """A fitted router: shared features and one classifier per head."""

    features: FeatureUnion
    heads: dict[str, LogisticRegression]
    feature_names: np.ndarray = field(repr=False)

    def predict(self, text: str, *, top_words: int = 5) -> dict[str, Reason]:
        x = self.features.transform([text[:MAX_TEXT]])
        row = x.tocsr()
        out: dict[str, Reason] = {}
        for head, clf in self.heads.items():
            proba = clf.predict_proba(row)[0]
            best = int(np.argmax(proba))
            label = str(clf.classes_[best])
            coef = clf.coef_[best] if clf.coef_.shape[0] > 1 else clf.coef_[0] * (1 if best == 1 else -1)
            idx = row.indices
            contrib = row.data * coef[idx]
            order = np.argsort(-contrib)
            words: list[str] = []
            for i in order:
                if contrib[i] <= 0 or len(words) >= top_words:
                    break
                name = _readable(str(self.feature_names[idx[i]]))
                if name and not any(name in w or w in name for w in words):
                    words.append(name)
            out[head] = Reason(label=label, confidence=float(proba[best]), words=tuple(words))
        return out


def _readable(name: str) -> str:
    """`w__拖欠 工资` -> `拖欠工资`, `c__井盖` -> `井盖`; single characters and spaces alone explain nothing."""
    _, _, term = name.partition("__")
    term = term.replace(" ", "").strip()
    return term if len(term) >= 2 else ""


def fit(examples: Sequence[Example]) -> Router:
    """Fit a router on labelled examples (each head needs at least two distinct labels)."""
    if not examples:
        raise ValueError("no training examples")
    texts = [e.text[:MAX_TEXT] for e in examples]
    weights = np.array([e.weight for e in examples], dtype=float)
    features = _features()
    x = features.fit_transform(texts)
    heads: dict[str, LogisticRegression] = {}
    for head in HEADS:
        y = [getattr(e, head) for e in examples]
        if len(set(y)) < 2:
            raise ValueError(f"head {head!r} needs at least two labels")
        clf = LogisticRegression(C=10.0, solver="saga", tol=1e-3, max_iter=1000, random_state=0)
        clf.fit(x, y, sample_weight=weights)
        heads[head] = clf
    return Router(features=features, heads=heads, feature_names=features.get_feature_names_out())


@dataclass(frozen=True)
class Evaluation:
    """Accuracy per head on held-out splits.

    `accuracy` is a stratified random 80/20 split (the figure the suite reports). `unseen_templates` splits seed texts
    by the template they came from, so the held-out side holds phrasings the model never saw: a much harder test that
    says how far the small seed corpus generalises (low, see docs/routing.md) — real handled appeals raise it.
    """

    n_train: int
    n_test: int
    accuracy: dict[str, float]
    unseen_templates: dict[str, float]

    def as_dict(self) -> dict[str, Any]:
        return {
            "n_train": self.n_train,
            "n_test": self.n_test,
            "accuracy": self.accuracy,
            "unseen_templates": self.unseen_templates,
        }


def _accuracy(train: Sequence[Example], test: Sequence[Example]) -> dict[str, float]:
    router = fit(train)
    x = router.features.transform([e.text for e in test])
    accuracy = {}
    for head, clf in router.heads.items():
        truth = np.array([getattr(e, head) for e in test])
        accuracy[head] = round(float(np.mean(clf.predict(x) == truth)), 4)
    return accuracy


def evaluate(examples: Sequence[Example], *, test_size: float = 0.2, seed: int = 7) -> Evaluation:
    indices = list(range(len(examples)))
    strata = [examples[i].category for i in indices]
    counts = {c: strata.count(c) for c in set(strata)}
    stratify = strata if min(counts.values()) >= 2 else None
    train_idx, test_idx = train_test_split(indices, test_size=test_size, random_state=seed, stratify=stratify)
    accuracy = _accuracy([examples[i] for i in train_idx], [examples[i] for i in test_idx])
    groups = [e.group or f"#{i}" for i, e in enumerate(examples)]
    g_train, g_test = next(
        GroupShuffleSplit(n_splits=1, test_size=test_size, random_state=seed).split(indices, groups=groups)
    )
    unseen = _accuracy([examples[i] for i in g_train], [examples[i] for i in g_test])
    return Evaluation(n_train=len(train_idx), n_test=len(test_idx), accuracy=accuracy, unseen_templates=unseen)


def combine(*sources: Iterable[Example]) -> list[Example]:
    """Merge example sources; a later source's label for the same text wins (staff overrides come last)."""
    merged: dict[str, Example] = {}
    for source in sources:
        for e in source:
            text = e.text.strip()
            if text:
                merged[text] = e
    return list(merged.values())
