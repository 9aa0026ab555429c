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
