"""Who may do what in consultations, votes, decisions and legal questions (R5.2, R6.1, R6.2)."""

from gongzhi.core.policy import Policy
from gongzhi.core.roles import Role

RESIDENTS = {Role.RESIDENT, Role.HOUSEHOLD_HEAD}
COMMITTEE = {Role.COMMUNITY_WORKER}
OVERSIGHT = {Role.SUPERVISION_MEMBER, Role.STREET_OFFICIAL, Role.AUTHORITY, Role.AUDITOR, Role.SYSTEM_ADMIN}
EVERYONE_LOCAL = (
    RESIDENTS
    | COMMITTEE
    | OVERSIGHT
    | {
        Role.GRID_WORKER,
        Role.LEGAL_ADVISOR,
        Role.VOLUNTEER,
        Role.SOCIAL_WORKER,
        Role.OWNERS_COMMITTEE,
        Role.PROPERTY_PROVIDER,
        Role.RESIDENT_UNIT,
        Role.MEDIATOR,
    }
)

policy = Policy(
    "consult",
    {
        # Topics, meetings, votes, results and decisions are open to everyone who lives or works in the community.
        "view": EVERYONE_LOCAL,
        "raise_topic": RESIDENTS | COMMITTEE | {Role.GRID_WORKER, Role.OWNERS_COMMITTEE, Role.SOCIAL_WORKER},
        "support_topic": RESIDENTS,
        "screen_topic": COMMITTEE,
        "convene": COMMITTEE,
        "record_meeting": COMMITTEE,
        "manage_gathering": COMMITTEE | {Role.SOCIAL_WORKER, Role.LEGAL_ADVISOR, Role.GRID_WORKER},
        "register": RESIDENTS | {Role.VOLUNTEER},
        "open_vote": COMMITTEE | {Role.OWNERS_COMMITTEE},
        "vote": RESIDENTS,
        "record_on_site": COMMITTEE | {Role.OWNERS_COMMITTEE},
        "close_vote": COMMITTEE | {Role.OWNERS_COMMITTEE},
        # Who voted (never how) — for the committee, the supervision committee and the street office.
        "view_participation": COMMITTEE | OVERSIGHT | {Role.OWNERS_COMMITTEE},
        "manage_owners": COMMITTEE | {Role.OWNERS_COMMITTEE},
        "draft_decision": COMMITTEE,
        "adopt_decision": COMMITTEE,
        "track_decision": COMMITTEE,
        "give_opinion": {Role.LEGAL_ADVISOR},
        "view_alerts": {Role.STREET_OFFICIAL, Role.AUTHORITY, Role.AUDITOR},
        "handle_alert": {Role.STREET_OFFICIAL},
        "ask_legal": RESIDENTS,
        "view_questions": {Role.LEGAL_ADVISOR, Role.COMMUNITY_WORKER, Role.SUPERVISION_MEMBER, Role.AUDITOR},
        "answer_legal": {Role.LEGAL_ADVISOR},
    },
)
