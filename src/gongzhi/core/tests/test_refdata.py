"""Reference data cached per process (`core.refdata`): served without queries while unchanged, never stale after a
write (whoever makes it), never from a rolled-back transaction, and never shared mutable between callers."""

from datetime import date, timedelta

import chinese_calendar
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from gongzhi.core import refdata
from gongzhi.core.actors import SYSTEM
from gongzhi.core.models import RefVersion
from gongzhi.territory.models import Division
from gongzhi.territory.selectors import division_by_code
from gongzhi.workdays import services as workdays
from gongzhi.workdays.calendar import WorkingCalendar, _bundled_workday, _bundled_years

pytestmark = pytest.mark.django_db

STREET = "510603001000"  # 旌阳街道


def tables_read(queries: CaptureQueriesContext) -> str:
    return " ".join(q["sql"] for q in queries.captured_queries)


def test_unchanged_data_costs_only_the_token_read(deyang: None) -> None:
    assert division_by_code(STREET) is not None  # fills the cache
    with CaptureQueriesContext(connection) as queries:
        found = division_by_code(STREET)
    assert found is not None and found.name == "旌阳街道"
    assert len(queries) == 1 and "core_refversion" in tables_read(queries)


def test_a_save_anywhere_is_seen_at_once(deyang: None) -> None:
    assert division_by_code(STREET).name == "旌阳街道"  # type: ignore[union-attr]
    row = Division.objects.get(code=STREET)  # a write outside the services (admin site, shell) moves the token too
    row.name = "旌阳街道（更名）"
    row.save()
    assert division_by_code(STREET).name == "旌阳街道（更名）"  # type: ignore[union-attr]


def test_a_rolled_back_write_is_never_served(deyang: None) -> None:
    before = RefVersion.objects.filter(name="territory").values_list("token", flat=True).first()
    with pytest.raises(RuntimeError), transaction.atomic():
        row = Division.objects.get(code=STREET)
        row.name = "撤回的名称"
        row.save()
        assert division_by_code(STREET).name == "撤回的名称"  # type: ignore[union-attr]  # its own write
        raise RuntimeError("roll back")
    assert RefVersion.objects.filter(name="territory").values_list("token", flat=True).first() == before
    assert division_by_code(STREET).name == "旌阳街道"  # type: ignore[union-attr]


def test_callers_get_their_own_instances(deyang: None) -> None:
    first = division_by_code(STREET)
    assert first is not None
    first.name = "改了不保存"
    second = division_by_code(STREET)
    assert second is not None and second is not first and second.name == "旌阳街道"
    assert second._state.adding is False  # a stored row: usable as a foreign key, saved as an update


def test_not_found_is_not_cached(deyang: None) -> None:
    assert division_by_code("510603999999") is None
    Division.objects.create(
        code="510603999999", path="510603999999", name="新社区", level="community", kind="community"
    )
    assert division_by_code("510603999999") is not None


def test_a_snapshot_reads_the_tokens_once_and_sees_its_own_writes(deyang: None) -> None:
    division_by_code(STREET)
    WorkingCalendar().deadline(date(2026, 3, 2), 15)
    with CaptureQueriesContext(connection) as queries, refdata.snapshot():
        division_by_code(STREET)
        division_by_code(STREET)
        WorkingCalendar().deadline(date(2026, 3, 2), 15)
    assert len(queries) == 1  # one token read for the block, nothing else
    with refdata.snapshot():
        before = WorkingCalendar().deadline(date(2026, 3, 2), 1).day
        workdays.override_set(actor=SYSTEM, day=date(2026, 3, 3), kind="holiday", name="测试")
        assert WorkingCalendar().deadline(date(2026, 3, 2), 1).day == before + timedelta(days=1)


def test_bundled_working_days_agree_with_chinese_calendar() -> None:
    """The calendar reads the bundled data directly (its per-call range check scans every holiday): same answers."""
    for year in _bundled_years():
        day = date(year, 1, 1)
        while day.year == year:
            assert _bundled_workday(day) == chinese_calendar.is_workday(day), day
            day += timedelta(days=1)
