"""The demo seed runs through the services, and the incremental rollups equal a recount from the appeals."""

from collections import defaultdict

import pytest

from gongzhi.appeals import services
from gongzhi.appeals.demo import seed_appeals
from gongzhi.appeals.models import COUNTERS, Appeal, AppealStat

from .conftest import World, confirm_next_year

pytestmark = [pytest.mark.django_db, pytest.mark.clause("R14.3")]


def test_demo_seed_covers_the_stages_and_rollups_match_a_recount(world: World) -> None:
    confirm_next_year()
    seed_appeals(count=120)
    appeals = list(Appeal.objects.all())
    assert len(appeals) >= 100
    statuses = {a.status for a in appeals}
    assert {"received", "dispatched", "handling", "closed"} <= statuses, statuses
    recount: dict[tuple[object, ...], dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    for appeal in appeals:
        for key, value in services._contrib(appeal).items():
            recount[services._stat_key(appeal)][key] += value
    stored = {
        (s.day, s.appeal_type, s.category_id, s.street_path, s.unit_key): s.figures() for s in AppealStat.objects.all()
    }
    for counted_key, counted in recount.items():
        assert stored.get(counted_key) == counted, counted_key  # type: ignore[arg-type]
    for stored_key, figures in stored.items():
        if stored_key not in recount:
            assert not any(figures.values()), stored_key
    seed_appeals(count=10)  # idempotent: a second run adds nothing
    assert Appeal.objects.count() == len(appeals)


def test_month_rollups_match_a_recount_and_the_dashboard_equals_the_day_rows(world: World) -> None:
    """The month rows (type, category, unit) are moved with the day rows; a window with partial months at both edges
    (month rows in the middle, day rows at the edges) answers exactly what summing the day rows answers."""
    from datetime import date

    from gongzhi.appeals import selectors
    from gongzhi.appeals.models import AppealStatMonth

    confirm_next_year()
    seed_appeals(count=120)
    appeals = list(Appeal.objects.all())
    recount: dict[tuple[object, ...], dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    for appeal in appeals:
        day, kind, category_id, street, unit_key = services._stat_key(appeal)
        for dim, value_key in (("type", kind), ("category", category_id), ("unit", unit_key)):
            for name, value in services._contrib(appeal).items():
                recount[(day.replace(day=1), street, dim, str(value_key))][name] += value
    stored: dict[tuple[object, ...], dict[str, int]] = {
        (m.month, m.street_path, m.dim, m.key): {c: getattr(m, c) for c in COUNTERS}
        for m in AppealStatMonth.objects.all()
    }
    assert stored
    for month_key, counted in recount.items():
        assert stored.get(month_key) == counted, month_key
    for month_key, figures in stored.items():
        if month_key not in recount:
            assert not any(figures.values()), month_key

    days = sorted({s.day for s in AppealStat.objects.all()})
    start, end = days[0], days[-1]
    if start.day == 1:
        start = start.replace(day=2)  # make sure the first month is partial
    viewer = world.user("city_authority")
    columns = {"type": "appeal_type", "category": "category__name", "street": "street_path", "unit": "unit__name"}
    for by, column in columns.items():
        got = {r["key"]: r["received"] for r in selectors.stats(viewer=viewer, start=start, end=end, by=by)}
        expected: dict[object, int] = defaultdict(int)
        for row in AppealStat.objects.filter(day__gte=start, day__lte=end).values(column, "received"):
            expected[row[column]] += row["received"]
        assert got == {k: v for k, v in expected.items() if v}, by
    assert date(start.year, start.month, 1) < end
