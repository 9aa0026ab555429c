"""`core.db.HotQuery`: a hot-path query compiled once per shape answers exactly what the ORM answers for every call's
values, goes through Django's cursor wrappers, refuses values it cannot keep out of the SQL's text, and on PostgreSQL
runs as a prepared statement whose generic plan is used."""

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from gongzhi.core.db import HotQuery
from gongzhi.people.models import User
from gongzhi.territory.models import Division

pytestmark = pytest.mark.django_db

FIELDS = ("code", "name", "level", "is_active", "population", "area_km2", "effective_from", "parent__code")


def divisions(slot: dict[str, Any]) -> "QuerySet[Any]":
    return (
        Division.objects.filter(parent__code=slot["parent"], is_active=True).order_by("path").values_list(*FIELDS)[:50]
    )


def test_rows_are_the_orm_rows_for_each_call_and_the_query_is_built_once(deyang: None) -> None:
    hot = HotQuery("test.divisions")
    built = []

    def build(slot: dict[str, Any]) -> "QuerySet[Any]":
        built.append(slot)
        return divisions(slot)

    county, other = "510603000000", "510681000000"  # 旌阳区, 广汉市
    Division.objects.filter(code__startswith="510603001").update(area_km2="12.345", effective_from=date(2025, 12, 1))
    for parent in (county, other, county):
        expected = list(divisions({"parent": parent}))
        assert expected, parent
        assert hot.rows((), build, parent=parent) == expected  # booleans, decimals, dates through the ORM's converters
    assert len(built) == 1  # compiled once; each call ran with its own value


def test_datetime_and_integer_values_fill_the_same_statement(deyang: None, user_named: Any) -> None:
    hot = HotQuery("test.users")
    users = list(User.objects.order_by("pk"))
    assert len(users) >= 3
    pivot = users[1]

    def build(slot: dict[str, Any]) -> "QuerySet[Any]":
        return (
            User.objects.filter(date_joined__gte=slot["since"], pk__gt=slot["after"])
            .order_by("pk")
            .values_list("pk", "date_joined", "is_active")
        )

    def orm(since: Any, after: int) -> list[tuple[Any, ...]]:
        return list(
            User.objects.filter(date_joined__gte=since, pk__gt=after)
            .order_by("pk")
            .values_list("pk", "date_joined", "is_active")
        )

    for since, after in (
        (pivot.date_joined, 0),
        (users[0].date_joined, pivot.pk),
        (users[-1].date_joined, users[-1].pk),
    ):
        assert hot.rows((), build, since=since, after=after) == orm(since, after)


def test_it_runs_through_djangos_cursor_wrappers(deyang: None) -> None:
    hot = HotQuery("test.capture")
    with CaptureQueriesContext(connection) as queries:
        hot.rows((), divisions, parent="510603000000")
    assert len(queries) == 1 and "territory_division" in queries.captured_queries[0]["sql"]


def test_values_that_would_change_the_sql_are_refused(deyang: None) -> None:
    hot = HotQuery("test.refused")
    with pytest.raises(ValueError, match="plain parameters"):  # startswith rewrites the value into a LIKE pattern
        hot.rows((), lambda slot: Division.objects.filter(code__startswith=slot["code"]).values_list("code"), code="51")
    with pytest.raises(TypeError, match="shape"):
        hot.rows((), lambda slot: Division.objects.filter(is_active=slot["on"]).values_list("code"), on=True)


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_on_postgresql_it_is_a_prepared_statement_with_its_constants_in_the_text(deyang: None) -> None:
    hot = HotQuery("test.prepared")

    def build(slot: dict[str, Any]) -> "QuerySet[Any]":
        return Division.objects.filter(parent__code=slot["parent"], level__in=("community", "village")).values_list(
            "code"
        )

    for _ in range(7):
        rows = hot.rows((), build, parent="510603001000")
    assert rows
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%territory_division%'community'%"],
        )
        prepared = cursor.fetchall()
    assert prepared, "the statement is prepared after prepare_threshold runs"
    statement, runs = prepared[0]
    assert "'village'" in statement and "$1" in statement and runs >= 1


def test_a_query_that_can_match_nothing_answers_empty(deyang: None) -> None:
    hot = HotQuery("test.empty")
    for _ in range(2):
        assert (
            hot.rows(
                (), lambda slot: Division.objects.filter(pk__in=[], code=slot["code"]).values_list("code"), code="x"
            )
            == []
        )


def test_a_value_used_both_plainly_and_transformed_is_refused(deyang: None) -> None:
    from django.db.models import Q

    hot = HotQuery("test.mixed")
    with pytest.raises(ValueError, match="plain parameters"):
        hot.rows(
            (),
            lambda slot: Division.objects.filter(Q(code=slot["c"]) | Q(name__startswith=slot["c"])).values_list("code"),
            c="510603",
        )
