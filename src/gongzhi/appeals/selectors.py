"""Reads of the appeals domain, through the viewer's scope. Hot lists walk `(scope_path, status, due_at, id)` or
`(handling_unit, status, due_at, id)` with keyset pagination (`after=` the last row's due_at and id): no COUNT, no
OFFSET over millions of rows."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.db import HotQuery
from gongzhi.core.errors import NotFound
from gongzhi.core.policy import grants_of
from gongzhi.core.roles import Role
from gongzhi.core.scope import minimal_roots
from gongzhi.people.models import Unit

from .models import COUNTERS, OPEN_STATUSES, Appeal, AppealEvent, AppealStat, AppealStatMonth, Category, Status
from .permissions import HANDLERS, policy
from .services import pickup_digest

RED, YELLOW, GREEN = "red", "yellow", "green"


def colour(appeal: Appeal, now: datetime | None = None) -> str:
    """Deadline colour: red when overdue, yellow from the warning point (80 % of the time), green before."""
    moment = now or timezone.now()
    if appeal.status not in OPEN_STATUSES:
        return RED if appeal.overdue else GREEN
    if appeal.overdue or moment > appeal.due_at:
        return RED
    if moment >= appeal.warn_at or appeal.urge_level >= 1:
        return YELLOW
    return GREEN


def _base() -> QuerySet[Appeal]:
    return Appeal.objects.select_related("category", "place", "handling_unit")


def handler_units(viewer: Any) -> tuple[set[int], set[int]]:
    """(unit ids, division ids) the viewer handles for; see services._acts_for."""
    units: set[int] = set()
    divisions: set[int] = set()
    for grant in grants_of(viewer):
        if grant.role in HANDLERS:
            if grant.unit_id:
                units.add(grant.unit_id)
            else:
                divisions.add(grant.division_id)
    return units, divisions


def _department_only(viewer: Any) -> set[int] | None:
    grants = list(grants_of(viewer))
    if grants and all(g.role == Role.DEPARTMENT_OFFICIAL for g in grants):
        return {g.unit_id for g in grants if g.unit_id}
    return None


def appeal_list(*, viewer: Any) -> QuerySet[Appeal]:
    """Appeals in the viewer's scope; a department official sees only those handled by their department."""
    qs = policy.visible(viewer, "view", _base())
    own = _department_only(viewer)
    if own is not None:
        qs = qs.filter(handling_unit_id__in=own)
    return qs


def appeal_get(*, viewer: Any, pk: int) -> Appeal:
    """Staff within scope, or the resident who owns it; anything else is the same NotFound."""
    appeal = _base().filter(pk=pk).first() if isinstance(pk, int) else None
    if appeal is None:
        raise NotFound(_("未找到该记录，或您无权查看。"))
    if getattr(viewer, "is_authenticated", False) and appeal.resident_id == viewer.pk:
        return appeal
    return policy.get(viewer, "view", appeal_list(viewer=viewer), pk=pk)


def appeal_by_number(*, viewer: Any, number: str) -> Appeal:
    appeal = _base().filter(number=number.strip().upper()[:20]).first()
    if appeal is None:
        raise NotFound(_("未找到该记录，或您无权查看。"))
    return appeal_get(viewer=viewer, pk=appeal.pk)


def appeal_track(*, number: str, code: str) -> Appeal | None:
    """Public follow-up by number and 提取码 (no account); a wrong pair answers None, the same as a missing number."""
    number = number.strip().upper()
    if not number or len(number) > 20 or not number.isalnum():
        return None
    appeal = _base().filter(number=number).first()
    if appeal is None or not code.strip():
        return None
    import hmac

    if not hmac.compare_digest(appeal.pickup_hash, pickup_digest(appeal.number, code)):
        return None
    return appeal


def timeline(*, appeal: Appeal, public_only: bool) -> list[AppealEvent]:
    qs = appeal.events.select_related("unit")
    if public_only:
        qs = qs.filter(public=True)
    return list(qs)


@dataclass(frozen=True)
class Cursor:
    due_at: datetime
    pk: int

    def token(self) -> str:
        return f"{self.due_at.timestamp():.6f}_{self.pk}"

    @classmethod
    def parse(cls, token: str) -> "Cursor | None":
        try:
            stamp, pk = token.split("_", 1)
            return cls(datetime.fromtimestamp(float(stamp), tz=timezone.get_current_timezone()), int(pk))
        except (ValueError, OverflowError, OSError):
            return None


def _after(qs: QuerySet[Appeal], due_at: Any, pk: Any) -> QuerySet[Appeal]:
    """Rows after the keyset position (due_at, pk) in deadline order."""
    return qs.filter(Q(due_at__gt=due_at) | Q(due_at=due_at, pk__gt=pk))


def _keyset(qs: QuerySet[Appeal], after: str | None, limit: int) -> tuple[list[Appeal], str | None]:
    cursor = Cursor.parse(after) if after else None
    if cursor is not None:
        qs = _after(qs, cursor.due_at, cursor.pk)
    rows = list(qs.order_by("due_at", "pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (Cursor(rows[-1].due_at, rows[-1].pk).token() if more and rows else None)


LEVEL_COLUMN = {6: "county_path", 9: "street_path", 12: "community_path", 15: "scope_path"}
OPEN_VALUES = [str(v) for v in OPEN_STATUSES]  # the same list as the partial indexes' predicate (models.OPEN_Q)


def _one_subtree(viewer: Any, action: str) -> tuple[str, str] | None:
    """(column, root) when the viewer's scope for `action` is one subtree — an equality on that level's stored path,
    which the partial `appeal_open_*` indexes answer in deadline order; ("", "") for the whole city; None for several
    subtrees or none (then `policy.visible`)."""
    roots = minimal_roots(policy.roots(viewer, action))
    if len(roots) == 1:
        root = roots[0]
        if root == str(getattr(settings, "GONGZHI_CITY_CODE", "5106")):
            return "", ""
        column = LEVEL_COLUMN.get(len(root))
        if column is not None:
            return column, root
    return None


def _under(column: str, root: Any) -> QuerySet[Appeal]:
    return _base().filter(**{column: root}) if column else _base()


def in_scope(viewer: Any, action: str) -> QuerySet[Appeal]:
    """Appeals under the viewer's roots for `action`."""
    subtree = _one_subtree(viewer, action)
    if subtree is None:
        return policy.visible(viewer, action, _base())
    return _under(*subtree)


def _open_in_queue(qs: QuerySet[Appeal], units: Any, status: str | None) -> QuerySet[Appeal]:
    """The queue's filters on top of the viewer's scope: their department's units (None: any unit) and one open
    status (a value of OPEN_VALUES), else every open status."""
    if units is not None:
        qs = qs.filter(handling_unit_id__in=units)
    return qs.filter(status=status) if status is not None else qs.filter(status__in=OPEN_VALUES)


def _queue_qs(*, viewer: Any, status: str | None, mine: bool) -> QuerySet[Appeal]:
    if mine:
        units, divisions = handler_units(viewer)
        if divisions:
            units |= set(Unit.objects.filter(division_id__in=divisions).values_list("pk", flat=True))
        qs, own = policy.visible(viewer, "view", _base().filter(handling_unit_id__in=sorted(units))), None
    else:
        qs, own = in_scope(viewer, "view"), _department_only(viewer)
    return _open_in_queue(qs, own, status if status in OPEN_VALUES else None)


def queue(
    *, viewer: Any, status: str | None = None, mine: bool = False, after: str | None = None, limit: int = 20
) -> tuple[list[Appeal], str | None]:
    """Staff queue ordered by deadline (the reddest first): open appeals in scope, or those of the viewer's units."""
    return _keyset(_queue_qs(viewer=viewer, status=status, mine=mine), after, max(1, min(limit, 100)))


# The columns a queue row shows (never `text` or `reply`): one query on the partial `appeal_open_*` index, joined to
# the three small catalog tables by primary key, materialised as tuples rather than model instances.
QUEUE_FIELDS = (
    "id",
    "number",
    "appeal_type",
    "category__code",
    "title",
    "place__code",
    "status",
    "handling_unit__name",
    "accepted_at",
    "due_at",
    "warn_at",
    "overdue",
    "urge_level",
    "deadline_basis",
)
QUEUE_QUERY = HotQuery("appeals.queue")
QUEUE_FETCH = (21, 51, 101)  # rows read per page: the page size rounded up, plus one to know whether a next page exists


def colour_of(
    *, status: str, overdue: bool, due_at: datetime, warn_at: datetime, urge_level: int, now: datetime
) -> str:
    """`colour` for a row read as values (the same rule)."""
    if status not in OPEN_VALUES:
        return RED if overdue else GREEN
    if overdue or now > due_at:
        return RED
    if now >= warn_at or urge_level >= 1:
        return YELLOW
    return GREEN


def queue_rows(
    *, viewer: Any, status: str | None = None, mine: bool = False, after: str | None = None, limit: int = 20
) -> tuple[list[dict[str, Any]], str | None]:
    """`queue` as plain rows of the listed fields (the API's hot path): the same filter, order and keyset."""
    limit = max(1, min(limit, 100))
    cursor = Cursor.parse(after) if after else None
    subtree = None if mine else _one_subtree(viewer, "view")
    if subtree is None:  # the viewer's own units, or several subtrees: composed per call
        qs = _queue_qs(viewer=viewer, status=status, mine=mine)
        if cursor is not None:
            qs = _after(qs, cursor.due_at, cursor.pk)
        raw = list(qs.order_by("due_at", "pk").values_list(*QUEUE_FIELDS)[: limit + 1])
    else:  # one subtree (nearly every staff member): the same query, compiled once per shape
        column, root = subtree
        own = _department_only(viewer)
        units = tuple(sorted(own)) if own is not None else None
        # The status is a constant of the shape (written into the SQL), so the generic plan keeps the partial index.
        one_status = status if status in OPEN_VALUES else None
        fetch = next(size for size in QUEUE_FETCH if size > limit)  # a few LIMITs, not a hundred statements
        values: dict[str, Any] = {"root": root} if column else {}
        if cursor is not None:
            values.update(due=cursor.due_at, pk=cursor.pk)

        def build(slot: dict[str, Any]) -> QuerySet[Any]:
            qs = _open_in_queue(_under(column, slot.get("root")), units, one_status)
            if "due" in slot:
                qs = _after(qs, slot["due"], slot["pk"])
            return qs.order_by("due_at", "pk").values_list(*QUEUE_FIELDS)[:fetch]

        raw = QUEUE_QUERY.rows((column, units, one_status, fetch), build, **values)
    more = len(raw) > limit
    raw = raw[:limit]
    now = timezone.now()
    rows = []
    for pk, number, kind, cat, title, place, st, unit, accepted, due, warn, late, urge, basis in raw:
        rows.append(
            {
                "id": pk,
                "number": number,
                "appeal_type": kind,
                "category": cat,
                "title": title,
                "place": place,
                "status": st,
                "colour": colour_of(status=st, overdue=late, due_at=due, warn_at=warn, urge_level=urge, now=now),
                "handling_unit": unit,
                "accepted_at": accepted,
                "due_at": due,
                "due_provisional": "due" in (basis or {}),
            }
        )
    return rows, (Cursor(raw[-1][9], raw[-1][0]).token() if more and raw else None)


def dispatch_desk(*, viewer: Any, after: str | None = None, limit: int = 20) -> tuple[list[Appeal], str | None]:
    """The dispatcher's desk: received, returned and disputed appeals in scope, plus pending extension requests."""
    qs = policy.visible(viewer, "dispatch", _base()).filter(
        Q(status__in=(Status.RECEIVED, Status.RETURNED, Status.DISPUTED, Status.DISSATISFIED))
    )
    return _keyset(qs, after, max(1, min(limit, 100)))


def extension_requests(*, viewer: Any, limit: int = 50) -> list[Appeal]:
    qs = policy.visible(viewer, "dispatch", _base()).filter(
        status=Status.HANDLING, extension_requested_days__isnull=False
    )
    return list(qs.order_by("due_at", "pk")[:limit])


def overdue_board(*, viewer: Any, after: str | None = None, limit: int = 50) -> tuple[list[Appeal], str | None]:
    """Supervisors: open appeals past their deadline, oldest deadline first."""
    qs = in_scope(viewer, "view_overdue").filter(status__in=OPEN_VALUES, due_at__lt=timezone.now())
    return _keyset(qs, after, max(1, min(limit, 100)))


def my_appeals(*, viewer: Any, limit: int = 50) -> list[Appeal]:
    if not getattr(viewer, "is_authenticated", False):
        return []
    return list(_base().filter(resident=viewer).order_by("-pk")[:limit])


# ---- statistics from the rollups ----------------------------------------------------------------------------------


def _stat_scope(roots: list[str]) -> Q | None:
    """Rows under the viewer's roots, by equality on the stored county or street path (a `LIKE` prefix cannot use the
    b-tree under the C.UTF-8 collation); a city-level root reads everything. None: no scope at all."""
    city = str(getattr(settings, "GONGZHI_CITY_CODE", "5106"))
    q: Q | None = None
    for root in minimal_roots(roots):
        if root == city:
            return Q()
        if len(root) < 6:
            part = Q(county_path__startswith=root)
        elif len(root) == 6:
            part = Q(county_path=root)
        else:
            part = Q(street_path=root[:9])
        q = part if q is None else q | part
    return q


DAY_GROUP = {"type": "appeal_type", "category": "category_id", "street": "street_path", "unit": "unit_key"}
MONTH_DIM = {"type": "type", "category": "category", "street": "type", "unit": "unit"}


def _month_after(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def _sum_into(totals: dict[Any, dict[str, int]], rows: Any, key: str) -> None:
    for row in rows:
        figures = totals.setdefault(row[key], dict.fromkeys(COUNTERS, 0))
        for c in COUNTERS:
            figures[c] += int(row[c] or 0)


def stats(*, viewer: Any, start: date, end: date, by: str, county: str | None = None) -> list[dict[str, Any]]:
    """Figures grouped by type, category, street or unit in the viewer's scope, never from the appeals table: whole
    months from `AppealStatMonth` (bounded by the window, flat as history grows), the partial months at the window's
    edges from the day rows of `AppealStat`. A department-only viewer reads the day rows of its units."""
    scope = _stat_scope(policy.roots(viewer, "view_stats"))
    if scope is None or start > end:
        return []
    if by not in DAY_GROUP:
        by = "type"
    group = DAY_GROUP[by]
    totals: dict[Any, dict[str, int]] = {}
    sums = {c: Sum(c) for c in COUNTERS}
    own = _department_only(viewer)
    first_full = start if start.day == 1 else _month_after(start)
    after_full = _month_after(end) if _month_after(end) - timedelta(days=1) == end else end.replace(day=1)
    if own is not None or first_full >= after_full:
        day_ranges = [(start, end)]
    else:
        months = AppealStatMonth.objects.filter(scope, dim=MONTH_DIM[by], month__gte=first_full, month__lt=after_full)
        if county:
            months = months.filter(county_path=county)
        column = "street_path" if by == "street" else "key"
        _sum_into(totals, months.values(column).annotate(**sums).order_by(), column)
        if by in ("category", "unit"):  # month keys are text; the day rows' are integers
            totals = {int(k): v for k, v in totals.items()}
        day_ranges = [(start, first_full - timedelta(days=1)), (after_full, end)]
    for low, high in day_ranges:
        if low > high:
            continue
        qs = AppealStat.objects.filter(scope, day__gte=low, day__lte=high)
        if county:
            qs = qs.filter(county_path=county)
        if own is not None:
            qs = qs.filter(unit_id__in=own)
        _sum_into(totals, qs.values(group).annotate(**sums).order_by(), group)
    names: dict[Any, Any] = {}
    if by == "category":
        names = dict(Category.objects.filter(pk__in=list(totals)).values_list("pk", "name"))
    elif by == "unit":
        names = dict(Unit.objects.filter(pk__in=[k for k in totals if k]).values_list("pk", "name"))
    out: list[dict[str, Any]] = []
    for raw_key, figures in totals.items():
        if not any(figures.values()):
            continue
        scored = figures["received"] - figures["excluded"]
        out.append(
            {
                "key": names.get(raw_key) if by in ("category", "unit") else raw_key,
                **figures,
                "signoff_rate": _rate(figures["signed_on_time"], figures["signed"]),
                "ontime_rate": _rate(figures["replied_on_time"], figures["replied"]),
                "satisfaction": round(figures["satisfaction_sum"] / figures["satisfaction_count"], 2)
                if figures["satisfaction_count"]
                else None,
                "scored": scored,
            }
        )
    out.sort(key=lambda r: (r["key"] is None, str(r["key"] or "")))
    return out


def _rate(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def categories() -> list[Category]:
    return list(Category.objects.filter(is_active=True).order_by("path"))
