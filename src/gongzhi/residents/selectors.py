"""Reads of the residents' registry, always through the viewer's scope; values come out masked."""

import uuid
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from gongzhi.core.errors import NotFound
from gongzhi.core.scope import subtree_q, union_q
from gongzhi.territory.models import Division, Level, ResidentialComplex

from . import vault
from .models import AccessLog, GroupFlag, Household, Resident, SpecialGroup, SubjectRequest
from .permissions import policy
from .services import group_labels, plaintext


def as_uuid(value: Any) -> uuid.UUID:
    """Opaque ids from URLs; a malformed one answers like a missing record."""
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise NotFound("未找到该记录，或您无权查看。") from None


def group_indexes(group: str) -> list[str]:
    return vault.blind_indexes("group", group)


def resident_list(
    *,
    viewer: Any,
    under: str | None = None,
    complex_code: str | None = None,
    group: str | None = None,
    search: str | None = None,
    id_number: str | None = None,
) -> QuerySet[Resident]:
    qs = policy.visible(viewer, "view", Resident.objects.select_related("household", "household__complex"))
    if under:
        qs = qs.filter(subtree_q("scope_path", under)) if under.isdigit() else qs.none()
    if complex_code:
        qs = qs.filter(household__complex__code=complex_code)
    if group:
        qs = qs.filter(flags__group_index__in=group_indexes(group)) if group in SpecialGroup.values else qs.none()
    if search:
        qs = qs.filter(name__startswith=search.strip())
    if id_number:
        qs = qs.filter(id_index__in=vault.blind_indexes("id_number", id_number.strip().upper()))
    return qs.order_by("scope_path", "name", "id")


def resident_get(*, viewer: Any, public_id: Any) -> Resident:
    qs = Resident.objects.select_related("household", "household__complex", "household__building", "community", "grid")
    return policy.get(viewer, "view", qs, public_id=as_uuid(public_id))


def resident_by_id_number(*, viewer: Any, id_number: str) -> Resident:
    """Exact lookup by ID number through the blind index (one unique-index probe; one per key while an index-key
    rotation is under way)."""
    qs = Resident.objects.select_related("household")
    return policy.get(viewer, "view", qs, id_index__in=vault.blind_indexes("id_number", id_number.strip().upper()))


def household_list(*, viewer: Any, under: str | None = None, complex_code: str | None = None) -> QuerySet[Household]:
    qs = policy.visible(viewer, "view", Household.objects.select_related("complex", "building"))
    if under:
        qs = qs.filter(subtree_q("scope_path", under)) if under.isdigit() else qs.none()
    if complex_code:
        qs = qs.filter(complex__code=complex_code)
    return qs.annotate(size=Count("members")).order_by("scope_path", "household_no")


def household_get(*, viewer: Any, public_id: Any) -> Household:
    qs = Household.objects.select_related("complex", "building", "community", "grid").prefetch_related(
        Prefetch("members", queryset=Resident.objects.order_by("relation", "birth_date"))
    )
    return policy.get(viewer, "view", qs, public_id=as_uuid(public_id))


def flags_of(resident: Resident) -> list[dict[str, Any]]:
    """Decrypted flags, for staff who may view the record (the care work needs the group) and for the resident."""
    flags = list(resident.flags.all())
    return [
        {
            "label": label,
            "since": f.since,
            "source": f.source,
            "purpose": f.get_purpose_display(),
            "destroy_on": f.destroy_on,
        }
        for f, label in zip(flags, group_labels(flags), strict=True)
    ]


def care_list(*, viewer: Any, group: str, under: str | None = None) -> QuerySet[Resident]:
    """关爱名单: residents in scope carrying one special-group flag."""
    return resident_list(viewer=viewer, under=under, group=group)


def filter_choices(*, viewer: Any) -> dict[str, Any]:
    q = union_q("path", policy.roots(viewer, "view"))
    divisions = (
        Division.objects.none()
        if q is None
        else Division.objects.filter(q, level__in=[Level.COMMUNITY, Level.GRID], is_active=True)
    )
    complexes = policy.visible(viewer, "view", ResidentialComplex.objects.all())
    return {
        "divisions": list(divisions.order_by("path")[:300]),
        "complexes": list(complexes.order_by("code")[:300]),
        "groups": SpecialGroup.choices,
    }


def my_record(*, viewer: Any) -> Resident:
    record = (
        Resident.objects.select_related("household", "household__complex", "household__building", "community", "grid")
        .filter(account_id=getattr(viewer, "pk", None), erased_at__isnull=True)
        .first()
    )
    if record is None:
        raise NotFound("未找到与您的账号关联的居民信息，请联系所在社区。")
    return record


def access_history(*, resident: Resident) -> QuerySet[AccessLog]:
    return resident.accesses.select_related("viewer").order_by("-at")


def open_requests(*, viewer: Any) -> QuerySet[SubjectRequest]:
    qs = policy.visible(viewer, "handle_requests", SubjectRequest.objects.select_related("resident"))
    return qs.filter(status=SubjectRequest.Status.OPEN).order_by("due_on")


def request_get(*, viewer: Any, public_id: Any) -> SubjectRequest:
    return policy.get(
        viewer, "handle_requests", SubjectRequest.objects.select_related("resident"), public_id=as_uuid(public_id)
    )


def request_details(request: SubjectRequest) -> str:
    return vault.decrypt("request", request.details_enc)


def subject_data(*, resident: Resident) -> dict[str, Any]:
    """Everything held about one resident (个人信息保护法 art. 45), decrypted for the resident alone."""
    household = resident.household
    return {
        "resident": {
            "name": resident.name,
            "id_number": plaintext(resident, "id_number"),
            "birth_date": resident.birth_date.isoformat(),
            "sex": resident.get_sex_display(),
            "phone": plaintext(resident, "phone"),
            "residence_status": resident.get_residence_status_display(),
            "relation": resident.get_relation_display(),
            "community": resident.community.name,
            "grid": resident.grid.name if resident.grid else "",
            "registered_at": resident.created_at.isoformat(),
            "updated_at": resident.updated_at.isoformat(),
        },
        "household": {
            "household_no": household.household_no,
            "complex": household.complex.name if household.complex else "",
            "building": household.building.number if household.building else "",
            "address": plaintext(resident, "address"),
            "members": [
                {"name": m.name, "relation": m.get_relation_display()} for m in household.members.order_by("relation")
            ],
        }
        if household
        else None,
        "special_groups": [
            {k: (v.isoformat() if isinstance(v, date) else str(v) if v is not None else "") for k, v in f.items()}
            for f in flags_of(resident)
        ],
        "accesses": [
            {"at": a.at.isoformat(), "viewer": str(a.viewer), "field": a.field, "purpose": a.purpose}
            for a in access_history(resident=resident)
        ],
        "consents": [
            {
                "agent": str(c.agent) if c.agent else "",
                "unit": c.unit.name if c.unit else "",
                "purpose": c.get_purpose_display(),
                "matters": c.matters,
                "method": c.get_method_display(),
                "evidence": c.evidence,
                "given_on": c.given_on.isoformat(),
                "expires_on": c.expires_on.isoformat(),
                "revoked_at": c.revoked_at.isoformat() if c.revoked_at else "",
            }
            for c in resident.consents.select_related("agent", "unit")
        ],
        "requests": [
            {
                "kind": r.get_kind_display(),
                "status": r.get_status_display(),
                "filed": r.created_at.isoformat(),
                "response": r.response,
            }
            for r in resident.requests.all()
        ],
        "generated_at": timezone.now().isoformat(),
    }


def count_in_scope(*, viewer: Any) -> int:
    return policy.visible(viewer, "view", Resident.objects.all()).count()


def care_count(*, viewer: Any) -> int:
    qs = policy.visible(viewer, "view", GroupFlag.objects.all())
    return qs.filter(group_index__in=group_indexes(SpecialGroup.ELDERLY_ALONE)).count()
