import pytest

from .conftest import World, submit


@pytest.mark.django_db
def test_submit_smoke(world: World) -> None:
    appeal = submit(world)
    assert appeal.number.startswith("DY2026")
    assert len(appeal.pickup_code) == 6
