"""Concurrent redemptions on two database connections: the account row lock keeps the balance from going negative."""

import threading
from typing import Any

import pytest
from django.db import connection, connections

from gongzhi.autonomy import services
from gongzhi.autonomy.models import PointsTransaction, Redemption
from gongzhi.core.errors import Conflict
from gongzhi.people.models import User

from .conftest import World


@pytest.mark.postgres
@pytest.mark.clause("D11")
@pytest.mark.django_db(transaction=True)
def test_concurrent_redemptions_never_overdraw_the_balance(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks across connections need PostgreSQL")
    worker = world.user("worker")
    for _i in range(7):
        services.points_apply(actor=worker, rule=world.award, resident=world.granny, note="志愿服务 1 小时")
    item = services.catalogue_save(
        actor=worker,
        community=world.community,
        name="洗衣液一瓶",
        cost=5,
        funding_source="共建单位德阳市某超市捐赠",
        stock=10,
    )
    account = services.account_of_resident(world.granny)
    threads_count = 4
    barrier = threading.Barrier(threads_count)
    outcomes: list[Any] = []

    def redeem() -> None:
        try:
            actor = User.objects.get(username="resident")
            barrier.wait(timeout=10)
            outcomes.append(services.redeem(actor=actor, item=item))
        except Conflict as exc:
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=redeem) for _i in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    wins = [o for o in outcomes if isinstance(o, Redemption)]
    refusals = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(wins) == 1 and len(refusals) == threads_count - 1, outcomes
    assert all(r.code == "insufficient_points" for r in refusals)
    assert services.balance(account) == 2
    assert PointsTransaction.objects.filter(kind="redemption").count() == 1
    item.refresh_from_db()
    assert item.stock == 9
