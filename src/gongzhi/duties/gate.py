"""The task gate (R10.2): one decision for every task sent to a community, read from the list in force that day."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _

from gongzhi.people.models import Unit
from gongzhi.territory.models import Division, Level

from .models import AdmissionApplication, Category, DutyItem, DutyListVersion, Task

DELIVER = "deliver"
REFUSE = "refuse"
VIOLATION = "violation"

# Which list categories a kind of task may rest on; 负面清单 is checked before this.
KIND_CATEGORIES: dict[str, frozenset[str]] = {
    Task.Kind.PLAQUE: frozenset({Category.PLAQUE}),
    Task.Kind.CERTIFICATE_REQUEST: frozenset({Category.CERTIFICATE}),
}
WORK_CATEGORIES = frozenset({Category.PERFORMANCE, Category.ASSISTANCE, Category.GRID})


@dataclass(frozen=True)
class Decision:
    """The gate's answer: `outcome` is deliver/refuse/violation, `code` a stable machine reason, `reason` the
    sentence shown to the sender."""

    outcome: str
    code: str
    reason: str
    item: DutyItem | None = None
    version: DutyListVersion | None = None

    @property
    def allowed(self) -> bool:
        return self.outcome == DELIVER


def county_of(division: Division) -> Division:
    """The county (县级) a node lies in; the list is compiled per county (R10.1)."""
    if division.level == Level.COUNTY:
        return division
    return Division.objects.get(path=division.path[:6], level=Level.COUNTY)


def version_in_force(*, county: Division, on: date) -> DutyListVersion | None:
    """The published version whose effective dates cover `on`; an expired or future version never answers."""
    return (
        DutyListVersion.objects.filter(county=county, status=DutyListVersion.Status.PUBLISHED, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .order_by("-effective_from", "-number")
        .first()
    )


def admitted_items(*, county: Division, on: date) -> "list[DutyItem]":
    """Admitted off-list items (准入事项) valid on `on`: they join the list for their validity period."""
    return list(
        DutyItem.objects.filter(
            county=county,
            admission__status=AdmissionApplication.Status.ADMITTED,
            valid_from__lte=on,
            valid_to__gte=on,
        )
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on))
        .select_related("department", "admission")
    )


def decide(
    *, matter_code: str, community: Division, on: date, kind: str = Task.Kind.WORK_ITEM, sender_kind: str = ""
) -> Decision:
    """The decision table of docs/duties.md, in order: no list → negative/own duty → listed → admitted → refused."""
    if community.level not in (Level.COMMUNITY, Level.GRID):
        return Decision(REFUSE, "not_a_community", _("任务只能派给社区（村）或其网格。"))
    county = county_of(community)
    version = version_in_force(county=county, on=on)
    code = matter_code.strip()
    if version is None:
        return Decision(
            REFUSE,
            "no_list",
            _("%(county)s在 %(on)s 没有生效的社区权责事项清单，任何任务都不能派给社区。")
            % {"county": county.name, "on": on.isoformat()},
        )
    if not code:
        return Decision(REFUSE, "no_matter_code", _("未注明清单事项编码；清单外事项须先经准入审批。"), version=version)
    listed = DutyItem.objects.filter(version=version, code=code).select_related("department").first()
    if listed is not None and listed.category == Category.NEGATIVE:
        return Decision(
            VIOLATION,
            "negative_list",
            _("“%(name)s”（%(code)s）在负面清单上，属于部门自身职责，不得交由社区办理（条例第十条第二款）；已立案。")
            % {"name": listed.name, "code": code},
            item=listed,
            version=version,
        )
    own_duty = AdmissionApplication.objects.filter(
        county=county, code=code, refusal_ground=AdmissionApplication.RefusalGround.OWN_DUTY
    ).first()
    if listed is None and own_duty is not None:
        return Decision(
            VIOLATION,
            "own_duty",
            _("“%(name)s”（%(code)s）经准入审查认定为%(dept)s自身职责，不得交由社区办理（条例第十条第二款）；已立案。")
            % {"name": own_duty.name, "code": code, "dept": own_duty.department.name},
            version=version,
        )
    item = listed
    if item is None:
        item = next((i for i in admitted_items(county=county, on=on) if i.code == code), None)
    if item is None:
        pending = AdmissionApplication.objects.filter(
            county=county, code=code, status=AdmissionApplication.Status.SUBMITTED
        ).exists()
        message = (
            _("事项 %(code)s 不在%(county)s权责清单（%(version)s）上，准入申请尚在审批中；审批通过前社区有权拒绝。")
            if pending
            else _("事项 %(code)s 不在%(county)s权责清单（%(version)s）上，也未经准入审批，不能派给社区。")
        )
        return Decision(
            REFUSE,
            "not_on_list",
            message % {"code": code, "county": county.name, "version": version.title},
            version=version,
        )
    allowed_categories = KIND_CATEGORIES.get(kind, WORK_CATEGORIES)
    if item.category not in allowed_categories:
        return Decision(
            REFUSE,
            "wrong_kind",
            _("事项 %(code)s 属于“%(category)s”，不能以“%(kind)s”的形式派发。")
            % {"code": code, "category": item.get_category_display(), "kind": Task.Kind(kind).label},
            item=item,
            version=version,
        )
    if kind == Task.Kind.INSPECTION and sender_kind == Unit.Kind.DEPARTMENT:
        return Decision(
            REFUSE,
            "department_inspection",
            _("职能部门不得单独对社区考核、检查、评比；“%(name)s”的考核由街道办事处统一组织。") % {"name": item.name},
            item=item,
            version=version,
        )
    if item.admission_id is not None:
        return Decision(
            DELIVER,
            "admitted",
            _("准入事项（%(ref)s，有效期至 %(to)s），随附配套资源送达。")
            % {"ref": item.admission.meeting_reference if item.admission else "", "to": item.valid_to},
            item=item,
            version=version,
        )
    return Decision(
        DELIVER,
        "on_list",
        _("清单事项（%(version)s · %(category)s），随附配套资源送达。")
        % {"version": version.title, "category": item.get_category_display()},
        item=item,
        version=version,
    )
