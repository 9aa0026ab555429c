"""Who may do what with appeals (民生诉求, R14.3); residents act on their own appeals only (services check it)."""

from gongzhi.core.policy import Policy
from gongzhi.core.roles import Role

STAFF_VIEW = {
    Role.SYSTEM_ADMIN,
    Role.AUTHORITY,
    Role.DEPARTMENT_OFFICIAL,
    Role.STREET_OFFICIAL,
    Role.COMMUNITY_WORKER,
    Role.GRID_WORKER,
    Role.SUPERVISION_MEMBER,
    Role.AUDITOR,
}
HANDLERS = {Role.DEPARTMENT_OFFICIAL, Role.STREET_OFFICIAL, Role.COMMUNITY_WORKER, Role.GRID_WORKER}
DISPATCHERS = {Role.AUTHORITY, Role.STREET_OFFICIAL}

policy = Policy(
    "appeals",
    {
        "view": STAFF_VIEW,
        # 电话受理/代办: staff take an appeal down on a resident's behalf, with the resident's consent recorded.
        "intake": {Role.COMMUNITY_WORKER, Role.GRID_WORKER, Role.STREET_OFFICIAL, Role.AUTHORITY},
        "dispatch": DISPATCHERS,
        "handle": HANDLERS,
        "supervise": {Role.AUTHORITY, Role.STREET_OFFICIAL, Role.SUPERVISION_MEMBER},
        "view_overdue": {Role.AUTHORITY, Role.STREET_OFFICIAL, Role.SUPERVISION_MEMBER, Role.AUDITOR},
        "exclude": {Role.AUTHORITY},
        "import": {Role.AUTHORITY, Role.SYSTEM_ADMIN},
        "manage_catalog": {Role.AUTHORITY, Role.SYSTEM_ADMIN},
        "view_stats": {
            Role.AUTHORITY,
            Role.STREET_OFFICIAL,
            Role.DEPARTMENT_OFFICIAL,
            Role.SUPERVISION_MEMBER,
            Role.AUDITOR,
        },
        "submit": {Role.RESIDENT, Role.HOUSEHOLD_HEAD},
    },
)
