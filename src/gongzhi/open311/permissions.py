"""Who may issue and revoke Open311 keys (reads of the public GeoReport endpoints need no account)."""

from gongzhi.core.policy import Policy
from gongzhi.core.roles import Role

policy = Policy(
    "open311",
    {
        "manage_keys": {Role.SYSTEM_ADMIN},
    },
)
