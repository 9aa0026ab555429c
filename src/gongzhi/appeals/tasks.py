"""Background work of the appeals domain; every task is idempotent."""

from django_tasks import task

from . import notify
from .services import deadlines_recompute, photo_orphans_sweep, sweep


@task()
def deliver_notice(notice_id: int) -> None:
    notify.deliver(notice_id)


@task()
def appeals_sweep() -> None:
    """催办 at 80 % of the time (yellow), 督办 when overdue (red), archive 30 days after 办结."""
    for _round in range(200):  # at most 200 batches of 500 per run; the next run continues
        if not any(sweep().values()):
            break


@task()
def appeals_photo_orphans() -> None:
    """Photo files of intakes that rolled back (see `services.photo_orphans_sweep`)."""
    photo_orphans_sweep()


@task()
def appeals_recompute_deadlines() -> None:
    """Provisional deadlines (暂定期限) under the working calendar as it now stands: after a calendar change, and
    periodically in case a run was lost (or the bundled calendar data was upgraded)."""
    deadlines_recompute()
