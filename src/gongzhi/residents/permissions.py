"""Who may see residents' records, reveal personal data, import, export and handle requests (deny by default).

Revealing plaintext is narrower than viewing: grid workers and the county authority see masked records only.
Platform administrators and auditors hold no residents' action at all (三员分立; the auditor reads the ledger).
"""

from gongzhi.core.policy import Policy
from gongzhi.core.roles import Role

STAFF_VIEW = {Role.COMMUNITY_WORKER, Role.GRID_WORKER, Role.STREET_OFFICIAL, Role.AUTHORITY}
STAFF_ROLES = frozenset(str(r) for r in STAFF_VIEW)  # who may hold a unit's 代办 consent

policy = Policy(
    "residents",
    {
        "view": STAFF_VIEW,
        "manage": {Role.COMMUNITY_WORKER, Role.GRID_WORKER},
        "reveal": {Role.COMMUNITY_WORKER, Role.STREET_OFFICIAL},
        "import": {Role.COMMUNITY_WORKER, Role.STREET_OFFICIAL},
        "export": {Role.COMMUNITY_WORKER, Role.STREET_OFFICIAL, Role.AUTHORITY},
        "handle_requests": {Role.COMMUNITY_WORKER, Role.STREET_OFFICIAL},
        "record_consent": {Role.COMMUNITY_WORKER, Role.GRID_WORKER},
        "self": {Role.RESIDENT, Role.HOUSEHOLD_HEAD},
    },
)
