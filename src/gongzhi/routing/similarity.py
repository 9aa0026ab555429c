"""Near-duplicates and 共性问题 clustering (R8.1, R14.3): pure functions over texts, no database.

`similar` compares one text with candidate texts by cosine similarity of character 1–2-gram TF-IDF vectors (robust
to word segmentation, typos and reordering); the caller pre-filters candidates to something small and relevant —
open appeals of the same street and category in recent weeks — so the cost is bounded by that slice, not by history.
Place words weigh as much as topic words in character n-grams, so two different matters at the same address also
score fairly high (≈0.5): filter by category, or show the scores and let staff judge, as the intake page does.

`cluster` groups recent texts by place and topic: texts are first bucketed by the caller's place key (a community
path, a road), then inside a bucket linked when their similarity reaches a threshold and grouped by connected
components (single-linkage over a bounded bucket). Each group carries the words that characterise it.
"""

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from .learn import MAX_TEXT, tokens

DUPLICATE_THRESHOLD = 0.45
CLUSTER_THRESHOLD = 0.3
STOPWORDS = frozenset(
    [
        "请问",
        "希望",
        "一下",
        "我们",
        "你们",
        "他们",
        "这个",
        "那个",
        "现在",
        "已经",
        "还是",
        "没有",
        "什么",
        "怎么",
        "因为",
        "所以",
        "问题",
        "反映",
        "处理",
        "解决",
        "相关",
        "部门",
        "尽快",
        "帮忙",
        "谢谢",
        "非常",
        "严重",
        "居民",
        "小区",
        "社区",
        "附近",
        "门口",
        "一直",
        "这边",
        "那边",
        "每天",
        "最近",
    ]
)


@dataclass(frozen=True)
class Match:
    key: Hashable
    score: float


def _vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True)


def similar(
    text: str,
    candidates: Iterable[tuple[Hashable, str]],
    *,
    threshold: float = DUPLICATE_THRESHOLD,
    limit: int = 5,
) -> list[Match]:
    """Candidates whose text is near `text`, best first (score = cosine similarity, 0..1)."""
    pairs = [(key, body[:MAX_TEXT]) for key, body in candidates if body and body.strip()]
    if not pairs or not text.strip():
        return []
    vectorizer = _vectorizer()
    try:
        matrix = vectorizer.fit_transform([text[:MAX_TEXT]] + [body for _, body in pairs])
    except ValueError:  # nothing but one-character texts: no n-gram vocabulary
        return []
    scores = cosine_similarity(matrix[0], matrix[1:])[0]
    order = np.argsort(-scores)
    out = []
    for i in order[:limit]:
        if scores[i] < threshold:
            break
        out.append(Match(key=pairs[i][0], score=round(float(scores[i]), 4)))
    return out


@dataclass(frozen=True)
class Item:
    key: Hashable
    text: str
    place: str  # the caller's place key: texts in different places never share a group


@dataclass(frozen=True)
class Group:
    place: str
    keys: tuple[Hashable, ...]
    words: tuple[str, ...]  # the most frequent meaningful words across the group's texts


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def cluster(
    items: Sequence[Item],
    *,
    threshold: float = CLUSTER_THRESHOLD,
    min_size: int = 2,
    top_words: int = 5,
) -> list[Group]:
    """Groups of at least `min_size` texts on one topic in one place, largest first."""
    by_place: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        if item.text.strip():
            by_place[item.place].append(item)
    groups: list[Group] = []
    for place, bucket in by_place.items():
        if len(bucket) < min_size:
            continue
        try:
            matrix = _vectorizer().fit_transform([i.text[:MAX_TEXT] for i in bucket])
        except ValueError:
            continue
        sims = cosine_similarity(matrix)
        parent = list(range(len(bucket)))

        rows, cols = np.nonzero(np.triu(sims >= threshold, k=1))
        for a, b in zip(rows.tolist(), cols.tolist(), strict=True):
            ra, rb = _find(parent, a), _find(parent, b)
            if ra != rb:
                parent[rb] = ra
        members: dict[int, list[int]] = defaultdict(list)
        for i in range(len(bucket)):
            members[_find(parent, i)].append(i)
        for idx in members.values():
            if len(idx) < min_size:
                continue
            counts: Counter[str] = Counter()
            for i in idx:
                counts.update({t for t in tokens(bucket[i].text) if len(t) >= 2 and t not in STOPWORDS})
            words = tuple(w for w, n in counts.most_common(top_words) if n >= 2)
            groups.append(Group(place=place, keys=tuple(bucket[i].key for i in idx), words=words))
    groups.sort(key=lambda g: (-len(g.keys), g.place))
    return groups
