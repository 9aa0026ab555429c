"""Hand-worked counting cases, including Civil Code art. 278's double count (area and head count)."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from gongzhi.consult.tally import Counts, evaluate, owners_278

D = Decimal


def c(electorate: int, area: str, participants: int, p_area: str, yes: int, y_area: str) -> Counts:
    return Counts(electorate, D(area), participants, D(p_area), yes, D(y_area))


@pytest.mark.clause("R5.2")
@pytest.mark.parametrize(
    ("counts", "major", "quorum", "passed"),
    [
        # 9 owners, 900 m²; 6 owners with 600 m² take part: exactly 2/3 of both → quorum (以上 includes 2/3).
        (c(9, "900", 6, "600", 4, "400.01"), False, True, True),
        # Same, but 5 owners with 600 m²: heads 5/9 < 2/3 → no quorum even though the area is enough.
        (c(9, "900", 5, "600", 5, "600"), False, False, False),
        # 6 owners but only 599.99 m² → area below 2/3 → no quorum.
        (c(9, "900", 6, "599.99", 6, "599.99"), False, False, False),
        # Ordinary matter: 3 of 6 heads is not 过半数 (strictly more than half) although area is 400/600.
        (c(9, "900", 6, "600", 3, "400"), False, True, False),
        # Ordinary matter: 4 of 6 heads but only 300/600 m² (exactly half) → not passed.
        (c(9, "900", 6, "600", 4, "300"), False, True, False),
        # Major matter (items 6–8): 3/4 of participating area and heads: 6 of 8 heads, 450 of 600 m² → passed.
        (c(10, "800", 8, "600", 6, "450"), True, True, True),
        # Major: 6 of 8 heads but 449.99 of 600 m² → failed.
        (c(10, "800", 8, "600", 6, "449.99"), True, True, False),
        # Major: 5 of 8 heads with 500 of 600 m² → failed on heads.
        (c(10, "800", 8, "600", 5, "500"), True, True, False),
    ],
)
def test_civil_code_278_double_count(counts: Counts, major: bool, quorum: bool, passed: bool) -> None:
    result = owners_278(counts, major=major)
    assert (result.quorum_met, result.passed) == (quorum, passed)


@dataclass
class V:
    method: str = "person"
    quorum: str = "none"
    quorum_num: int = 1
    quorum_den: int = 2
    majority: str = "simple"
    majority_num: int = 1
    majority_den: int = 2
    base: str = "cast"
    major_278: bool = False


@pytest.mark.clause("R5.2")
@pytest.mark.parametrize(
    ("vote", "counts", "quorum", "passed"),
    [
        # 居民会议 (组织法 第十二条): more than half must attend, decision by more than half of those present.
        (V(quorum="half"), c(100, "0", 50, "0", 40, "0"), False, False),
        (V(quorum="half"), c(100, "0", 51, "0", 26, "0"), True, True),
        (V(quorum="half"), c(100, "0", 51, "0", 25, "0"), True, False),
        # Two thirds of votes cast: 20 of 30 is exactly 2/3 → passed; 19 is not.
        (V(majority="two_thirds"), c(40, "0", 30, "0", 20, "0"), True, True),
        (V(majority="two_thirds"), c(40, "0", 30, "0", 19, "0"), True, False),
        # Custom 3/5 of the whole electorate.
        (
            V(majority="custom", majority_num=3, majority_den=5, base="electorate"),
            c(50, "0", 40, "0", 30, "0"),
            True,
            True,
        ),
        (
            V(majority="custom", majority_num=3, majority_den=5, base="electorate"),
            c(50, "0", 40, "0", 29, "0"),
            True,
            False,
        ),
        # Custom quorum 2/3 of 9 = 6.
        (V(quorum="custom", quorum_num=2, quorum_den=3), c(9, "0", 5, "0", 5, "0"), False, False),
        # Nobody voted: no quorum even without a quorum rule.
        (V(), c(9, "0", 0, "0", 0, "0"), False, False),
    ],
)
def test_majorities_and_quorum(vote: V, counts: Counts, quorum: bool, passed: bool) -> None:
    result = evaluate(vote, counts)
    assert (result.quorum_met, result.passed) == (quorum, passed)
