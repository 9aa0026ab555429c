"""Who may read the compliance matrix."""

from gongzhi.core.policy import Policy
from gongzhi.core.roles import Role

policy = Policy(
    "regulation",
    {"view_compliance": {Role.AUTHORITY, Role.STREET_OFFICIAL, Role.AUDITOR, Role.SYSTEM_ADMIN}},
)
