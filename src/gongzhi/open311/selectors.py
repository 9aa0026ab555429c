"""Reads for Open311 GeoReport v2: the service catalog (the appeals category catalog's leaves) and service requests
reduced to public fields only.

What a request exposes: its number, status, category, the community (or grid) it is in, the handling unit, and the
times. Never the text, the free address, the contact or the photos — an appeal may name people, and 12345 appeals are
not published by default; the resident follows their own with number + 提取码 on `/appeals/track/`. 举报 (reports) are
not listed at all, so nobody learns that a report was filed about a place (whistle-blower protection).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.appeals.models import DONE_STATUSES, Appeal, AppealType, Category
from gongzhi.core.errors import NotFound, ServiceError
from gongzhi.territory.models import Division
from gongzhi.territory.selectors import division_by_code

MAX_RANGE = timedelta(days=90)  # GeoReport v2: a date range may not span more than 90 days; the default is the last 90
MAX_PAGE = 200
DEFAULT_PAGE = 50
MAX_IDS = 100


def leaf_categories() -> list[Category]:
    parents = set(Category.objects.filter(parent__isnull=False, is_active=True).values_list("parent_id", flat=True))
    return [
        c
        for c in Category.objects.filter(is_active=True).select_related("parent").order_by("path")
        if c.pk not in parents
    ]


def service_get(code: str) -> Category:
    for category in leaf_categories():
        if category.code == code:
            return category
    raise NotFound(_("没有这项服务（service_code）。"), code="unknown_service")


def jurisdiction(code: str | None) -> Division | None:
    if not code:
        return None
    division = division_by_code(code)
    if division is None or not division.is_active:
        raise NotFound(_("没有这个区划代码（jurisdiction_id）。"), code="unknown_jurisdiction")
    return division


def _public() -> QuerySet[Appeal]:
    return (
        Appeal.objects.exclude(appeal_type=AppealType.REPORT)
        .select_related("category", "place", "handling_unit")
        .only(
            "id",
            "number",
            "status",
            "appeal_type",
            "category__code",
            "category__name",
            "place__code",
            "place__name",
            "handling_unit__name",
            "accepted_at",
            "dispatched_at",
            "signed_at",
            "replied_at",
            "closed_at",
            "due_at",
            "deadline_basis",
            "scope_path",
        )
    )


def _parse(value: str, field: str) -> datetime:
    from django.utils.dateparse import parse_datetime

    parsed = parse_datetime(value.strip().replace(" ", "+"))  # a "+08:00" offset arrives as " 08:00" unless encoded
    if parsed is None:
        raise ServiceError(
            _("%(field)s 应为 W3C 日期时间，例如 2026-11-01T00:00:00+08:00。") % {"field": field}, code="bad_date"
        )
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


@dataclass(frozen=True)
class RequestQuery:
    ids: Sequence[str] = ()
    service_codes: Sequence[str] = ()
    start: str = ""
    end: str = ""
    statuses: Sequence[str] = ()
    jurisdiction: Division | None = None
    page_size: int = DEFAULT_PAGE
    after: str = ""  # the last service_request_id of the previous page


def request_list(query: RequestQuery) -> tuple[list[Appeal], str | None]:
    """One page, newest first (keyset on id, no COUNT); returns the rows and the cursor for the next page."""
    qs = _public()
    if query.jurisdiction is not None:
        qs = qs.filter(scope_path__startswith=query.jurisdiction.path)
    if query.ids:
        if len(query.ids) > MAX_IDS:
            raise ServiceError(_("service_request_id 最多 %(n)s 个。") % {"n": MAX_IDS}, code="too_many_ids")
        return list(qs.filter(number__in=[i.strip().upper() for i in query.ids]).order_by("-id")), None
    now = timezone.now()
    end = _parse(query.end, "end_date") if query.end else None
    start = _parse(query.start, "start_date") if query.start else None
    if start is None:
        start = (end or now) - MAX_RANGE
    if end is None:
        end = start + MAX_RANGE if query.start else now
    if end < start:
        raise ServiceError(_("end_date 早于 start_date。"), code="bad_date_range")
    if end - start > MAX_RANGE:
        raise ServiceError(_("时间范围不能超过 90 天。"), code="bad_date_range")
    qs = qs.filter(accepted_at__gte=start, accepted_at__lte=end)
    if query.service_codes:
        qs = qs.filter(category__code__in=list(query.service_codes))
    statuses = {s.strip() for s in query.statuses if s.strip()}
    if statuses - {"open", "closed"}:
        raise ServiceError(_("status 只能是 open 或 closed。"), code="bad_status")
    if statuses == {"open"}:
        qs = qs.exclude(status__in=DONE_STATUSES)
    elif statuses == {"closed"}:
        qs = qs.filter(status__in=DONE_STATUSES)
    if query.after:
        anchor = Appeal.objects.filter(number=query.after.strip().upper()).values_list("id", flat=True).first()
        if anchor is None:
            raise ServiceError(_("page_after 无效。"), code="bad_cursor")
        qs = qs.filter(id__lt=anchor)
    size = max(1, min(query.page_size, MAX_PAGE))
    rows = list(qs.order_by("-id")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, (rows[-1].number if more and rows else None)


def request_get(number: str, *, within: Division | None = None) -> Appeal:
    qs = _public().filter(number=number.strip().upper())
    if within is not None:
        qs = qs.filter(scope_path__startswith=within.path)
    appeal = qs.first()
    if appeal is None:
        raise NotFound(_("没有这条诉求，或它不公开。"), code="unknown_request")
    return appeal


def is_closed(appeal: Appeal) -> bool:
    return appeal.status in DONE_STATUSES


def updated_at(appeal: Appeal) -> datetime:
    moments: list[datetime | None] = [
        appeal.closed_at,
        appeal.replied_at,
        appeal.signed_at,
        appeal.dispatched_at,
        appeal.accepted_at,
    ]
    return max(m for m in moments if m is not None)
