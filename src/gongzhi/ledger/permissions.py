"""Who may read the audit trail: auditors and supervision-committee members, in their own subtree (R5.3)."""

from gongzhi.core.policy import Policy
from gongzhi.core.roles import Role

policy = Policy(
    "ledger",
    {
        "view_events": {Role.AUDITOR, Role.SUPERVISION_MEMBER, Role.SECURITY_ADMIN},
        "export_events": {Role.AUDITOR},
    },
)
