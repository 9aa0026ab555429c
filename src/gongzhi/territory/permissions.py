"""Who may see and change the administrative tree: the county authority designates communities (R3.2)."""

from gongzhi.core.policy import Policy
from gongzhi.core.roles import Role

policy = Policy(
    "territory",
    {
        "view": set(Role),
        "manage_divisions": {Role.SYSTEM_ADMIN, Role.AUTHORITY},
        "manage_complexes": {Role.SYSTEM_ADMIN, Role.AUTHORITY, Role.STREET_OFFICIAL, Role.COMMUNITY_WORKER},
        "export": {Role.SYSTEM_ADMIN, Role.AUTHORITY, Role.STREET_OFFICIAL, Role.COMMUNITY_WORKER, Role.AUDITOR},
        "import": {Role.SYSTEM_ADMIN, Role.AUTHORITY},
    },
)
