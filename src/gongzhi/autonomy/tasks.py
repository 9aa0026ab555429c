"""Background work of 居民自治; every task is idempotent."""

from django_tasks import task

from .services import inquiries_mark_overdue, points_expire


@task()
def autonomy_daily() -> None:
    """Inquiries past their reply deadline are flagged overdue (R5.3); points past their validity expire (D11)."""
    inquiries_mark_overdue()
    points_expire()
