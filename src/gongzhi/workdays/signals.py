"""Signals of the working calendar, for domains above it (workdays may not import them: the import layers).

- `calendar_changed(sender, actor, years)`: sent inside the writing transaction of `services.year_confirm`,
  `override_set` and `override_remove`. A domain that stores provisional deadlines (`WorkingCalendar.deadline(...,
  provisional_ok=True)`) recomputes them — after commit, in the background, and again on its periodic sweep.
- `provisional_waiting(sender, year)`: asked by the administrator's 我的待办 reminder; each receiver returns how many
  of its records hold a provisional deadline falling in `year` (an int).
"""

from django.dispatch import Signal

calendar_changed = Signal()
provisional_waiting = Signal()


def waiting_on(year: int) -> int:
    """Records of every domain whose provisional deadline falls in `year` (the reminder's figure)."""
    return sum(int(count or 0) for _receiver, count in provisional_waiting.send(sender=None, year=year))
