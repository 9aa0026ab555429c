"""Counting rules for votes, as pure functions so hand-worked cases can test them.

Chinese statutes read "以上" as including the figure itself (民法典 第一千二百五十九条) and "过半数" as strictly more
than half. All comparisons are done on integers and exact decimals (cross-multiplied), never on floats.

Owners' votes (民法典 第二百七十八条第二款): the matter is decided with participation of owners holding at least two
thirds of the 专有部分 area AND at least two thirds of the owners; items 6–8 of the first paragraph (筹集维修资金；
改建、重建建筑物及其附属设施；改变共有部分的用途或者利用共有部分从事经营活动) need the consent of at least three
quarters of the participating area AND of the participating owners; the other matters need more than half of both.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Counts:
    electorate: int
    electorate_area: Decimal
    participants: int
    participant_area: Decimal
    yes: int
    yes_area: Decimal


@dataclass(frozen=True)
class Evaluation:
    quorum_met: bool
    passed: bool


def at_least(part: Decimal | int, whole: Decimal | int, num: int, den: int) -> bool:
    """part / whole >= num / den (以上); an empty whole never satisfies a positive fraction."""
    if whole == 0:
        return False
    return part * den >= whole * num


def more_than_half(part: Decimal | int, whole: Decimal | int) -> bool:
    """过半数: part > whole / 2."""
    return whole != 0 and part * 2 > whole


def owners_278(c: Counts, *, major: bool) -> Evaluation:
    quorum = at_least(c.participant_area, c.electorate_area, 2, 3) and at_least(c.participants, c.electorate, 2, 3)
    if major:
        passed = at_least(c.yes_area, c.participant_area, 3, 4) and at_least(c.yes, c.participants, 3, 4)
    else:
        passed = more_than_half(c.yes_area, c.participant_area) and more_than_half(c.yes, c.participants)
    return Evaluation(quorum, quorum and passed)


def evaluate(vote: Any, c: Counts) -> Evaluation:
    """Quorum and outcome of a vote (a consult.Vote or anything with the same fields)."""
    if vote.method == "owners":
        return owners_278(c, major=bool(vote.major_278))
    if vote.quorum == "none":
        quorum = c.participants > 0
    elif vote.quorum == "half":
        quorum = more_than_half(c.participants, c.electorate)
    elif vote.quorum == "two_thirds":
        quorum = at_least(c.participants, c.electorate, 2, 3)
    else:
        quorum = at_least(c.participants, c.electorate, vote.quorum_num, vote.quorum_den)
    base = c.participants if vote.base == "cast" else c.electorate
    if vote.majority == "simple":
        passed = more_than_half(c.yes, base)
    elif vote.majority == "two_thirds":
        passed = at_least(c.yes, base, 2, 3)
    elif vote.majority == "three_quarters":
        passed = at_least(c.yes, base, 3, 4)
    else:
        passed = at_least(c.yes, base, vote.majority_num, vote.majority_den)
    return Evaluation(quorum, quorum and passed)
