"""Who keeps the working calendar: system administrators and the city authority."""

from gongzhi.core.policy import Policy
from gongzhi.core.roles import STAFF_ROLES, Role

policy = Policy(
    "workdays",
    {
        "view": STAFF_ROLES,
        "manage": {Role.SYSTEM_ADMIN, Role.AUTHORITY},
    },
)
