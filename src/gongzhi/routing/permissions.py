"""Who may see the routing models' metrics and the feedback statistics."""

from gongzhi.core.policy import Policy
from gongzhi.core.roles import Role

policy = Policy(
    "routing",
    {
        "view": {Role.SYSTEM_ADMIN, Role.AUTHORITY, Role.AUDITOR},
    },
)
