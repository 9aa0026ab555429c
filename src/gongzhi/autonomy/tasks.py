"""Background work of 居民自治; every task is idempotent."""

from django.utils import timezone
from django_tasks import task

from .services import (
    inquiries_mark_overdue,
    inquiry_deadlines_recompute,
    objection_deadlines_recompute,
    points_expire,
)


@task()
def autonomy_daily() -> None:
    """Inquiries past their reply deadline are flagged overdue (R5.3) every day; points past their one-year validity
    expire (D11) on the first day of each month — expiry scans every holder account, so it does not run daily."""
    objection_deadlines_recompute()  # in case a calendar change was missed (e.g. upgraded bundled calendar data)
    inquiry_deadlines_recompute()
    inquiries_mark_overdue()
    if timezone.localdate().day == 1:
        points_expire()
