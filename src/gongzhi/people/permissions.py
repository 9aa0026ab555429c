"""Who may manage accounts, roles and security: 三员分立 (等保 2.0 L3) keeps the three admin duties apart."""

from gongzhi.core.policy import Policy
from gongzhi.core.roles import Role

policy = Policy(
    "people",
    {
        "view_accounts": {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUTHORITY, Role.STREET_OFFICIAL, Role.AUDITOR},
        "manage_accounts": {Role.SYSTEM_ADMIN},
        "assign_roles": {Role.SYSTEM_ADMIN},
        "manage_security": {Role.SECURITY_ADMIN},
        "view_units": set(Role) - {Role.RESIDENT},
        "manage_units": {Role.SYSTEM_ADMIN, Role.AUTHORITY},
    },
)
