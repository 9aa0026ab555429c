"""Who may do what with duty lists, admission, the task gate, certificates, violations and evaluations."""

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

policy = Policy(
    "duties",
    {
        "view": STAFF_VIEW,
        "manage_list": {Role.SYSTEM_ADMIN, Role.AUTHORITY},
        "apply": {Role.DEPARTMENT_OFFICIAL},
        "view_applications": {Role.AUTHORITY, Role.DEPARTMENT_OFFICIAL, Role.AUDITOR, Role.SYSTEM_ADMIN},
        "review": {Role.AUTHORITY},
        "send_task": {Role.DEPARTMENT_OFFICIAL, Role.STREET_OFFICIAL},
        "view_tasks": {
            Role.AUTHORITY,
            Role.DEPARTMENT_OFFICIAL,
            Role.STREET_OFFICIAL,
            Role.COMMUNITY_WORKER,
            Role.AUDITOR,
        },
        "receive_task": {Role.COMMUNITY_WORKER},
        "issue_certificate": {Role.COMMUNITY_WORKER},
        "view_certificates": {Role.COMMUNITY_WORKER, Role.STREET_OFFICIAL, Role.AUTHORITY, Role.AUDITOR},
        "view_violations": {Role.AUTHORITY, Role.DEPARTMENT_OFFICIAL, Role.STREET_OFFICIAL, Role.AUDITOR},
        "handle_violation": {Role.AUTHORITY},
        "view_corrections": {
            Role.AUTHORITY,
            Role.DEPARTMENT_OFFICIAL,
            Role.STREET_OFFICIAL,
            Role.COMMUNITY_WORKER,
            Role.SUPERVISION_MEMBER,
            Role.AUDITOR,
        },
        # R20.3: the street office orders a residents' committee; a 居民会议 decision is recorded by its members.
        "order_correction": {Role.AUTHORITY, Role.STREET_OFFICIAL, Role.COMMUNITY_WORKER, Role.SUPERVISION_MEMBER},
        "report_correction": {Role.COMMUNITY_WORKER, Role.DEPARTMENT_OFFICIAL, Role.STREET_OFFICIAL},
        "view_evaluation": {
            Role.AUTHORITY,
            Role.DEPARTMENT_OFFICIAL,
            Role.STREET_OFFICIAL,
            Role.COMMUNITY_WORKER,
            Role.AUDITOR,
        },
        "manage_evaluation": {Role.AUTHORITY},
        "give_opinion": {Role.COMMUNITY_WORKER},
        "street_score": {Role.STREET_OFFICIAL},
    },
)
