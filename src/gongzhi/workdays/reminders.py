"""The administrator's 我的待办 entry for the working calendar: a missing year, and how many records wait on it."""

from datetime import date

from django.utils.translation import gettext as _

from gongzhi.regulation.registry import WorkItem

from .calendar import missing_years
from .signals import waiting_on


def calendar_reminders(today: date) -> list[WorkItem]:
    """One item per missing year (this one, or from November the next): until it is entered and confirmed, deadlines
    in it are provisional (暂定期限), and the item says how many records hold one."""
    items = []
    for year in missing_years(today):
        title = _("%(y)s 年法定节假日安排尚未录入工作日历") % {"y": year}
        waiting = waiting_on(year)
        if waiting:
            title += _("（%(n)s 条记录的期限为暂定，确认后将重新计算）") % {"n": waiting}
        due = _("12 月底前") if year > today.year else _("尽快")
        items.append(WorkItem(title=title, url=f"/workdays/?year={year}", due=due))
    return items
