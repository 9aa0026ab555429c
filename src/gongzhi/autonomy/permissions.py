"""Who may do what in 居民自治 (R5.1, R5.3, R7.1, R7.2). Every grant is scoped to its node, so a supervision-committee
member elected in one community reads that community's decisions, finances and audit trail only (R5.3)."""

from gongzhi.core.policy import Policy
from gongzhi.core.roles import Role

RESIDENTS = {Role.RESIDENT, Role.HOUSEHOLD_HEAD}
WORKERS = {Role.COMMUNITY_WORKER}
SUPERVISORS = {Role.SUPERVISION_MEMBER}
OVERSIGHT = {Role.STREET_OFFICIAL, Role.AUTHORITY, Role.AUDITOR}
COMMUNITY = RESIDENTS | WORKERS | SUPERVISORS | {Role.GRID_WORKER, Role.VOLUNTEER, Role.SOCIAL_WORKER} | OVERSIGHT

policy = Policy(
    "autonomy",
    {
        # conventions and charters (R5.1)
        "view_conventions": COMMUNITY | {Role.LEGAL_ADVISOR},
        "draft_convention": WORKERS,
        "comment_convention": RESIDENTS,
        "acknowledge_convention": RESIDENTS,
        "review_filing": {Role.STREET_OFFICIAL},  # 备案 with the street office (组织法第十五条)
        # points (D11)
        "manage_points": WORKERS,
        "view_points": WORKERS | SUPERVISORS | OVERSIGHT,
        "my_points": RESIDENTS,
        "review_objection": WORKERS,
        "view_catalogue": COMMUNITY,
        "manage_catalogue": WORKERS,
        # supervision committee (R5.3)
        "view_supervision": WORKERS | SUPERVISORS | OVERSIGHT,
        "record_election": WORKERS | {Role.STREET_OFFICIAL},
        "supervise": SUPERVISORS,
        "answer_inquiry": WORKERS,
        "request_supervision": RESIDENTS,
        "view_finance": WORKERS | SUPERVISORS | OVERSIGHT,
        "record_finance": WORKERS,
        # culture and 文明家庭 (R7.1, R7.2)
        "view_culture": COMMUNITY,
        "manage_culture": WORKERS | {Role.SOCIAL_WORKER},
        "nominate_family": RESIDENTS | WORKERS,
        "object_family": RESIDENTS,
        # correction of the residents' committee (R20.3)
        "order_correction": SUPERVISORS | {Role.STREET_OFFICIAL},
    },
)
