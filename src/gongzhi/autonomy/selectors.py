"""Reads of 居民自治, always through the policy (out of scope reads as missing). Lists are ordered by indexed
columns and sliced by the pages (no COUNT over large tables)."""

import difflib
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.errors import NotFound
from gongzhi.residents.models import Resident

from . import services
from .models import (
    Activity,
    Convention,
    ConventionVersion,
    FamilyNomination,
    FamilySelection,
    FinanceRecord,
    Finding,
    Inquiry,
    PointsAccount,
    PointsEntry,
    PointsObjection,
    PointsRule,
    PointsTransaction,
    RedemptionItem,
    SupervisionItem,
    SupervisionMember,
    SupervisionRequest,
)
from .permissions import policy


def conventions(*, viewer: Any) -> QuerySet[Convention]:
    return policy.visible(viewer, "view_conventions", Convention.objects.select_related("community"))


def convention_get(*, viewer: Any, pk: int) -> Convention:
    return policy.get(viewer, "view_conventions", Convention.objects.select_related("community"), pk=pk)


def version_get(*, viewer: Any, pk: int) -> ConventionVersion:
    return policy.get(
        viewer,
        "view_conventions",
        ConventionVersion.objects.select_related("convention", "convention__community"),
        pk=pk,
    )


def in_force(convention: Convention) -> ConventionVersion | None:
    return convention.versions.filter(status=ConventionVersion.Status.IN_FORCE).first()


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed", "hunk"
    text: str


def version_diff(old: ConventionVersion | None, new: ConventionVersion) -> list[DiffLine]:
    """A line diff (difflib) of the full texts, body and points rules, between two versions."""
    before = services.version_text(old).splitlines() if old else []
    after = services.version_text(new).splitlines()
    lines: list[DiffLine] = []
    for raw in difflib.unified_diff(before, after, lineterm="", n=2):
        if raw.startswith(("---", "+++")):
            continue
        if raw.startswith("@@"):
            lines.append(DiffLine("hunk", raw))
        elif raw.startswith("+"):
            lines.append(DiffLine("added", raw[1:]))
        elif raw.startswith("-"):
            lines.append(DiffLine("removed", raw[1:]))
        else:
            lines.append(DiffLine("same", raw[1:]))
    return lines


def previous_version(version: ConventionVersion) -> ConventionVersion | None:
    return (
        ConventionVersion.objects.filter(convention_id=version.convention_id, number__lt=version.number)
        .order_by("-number")
        .first()
    )


def filings_to_review(*, viewer: Any) -> QuerySet[ConventionVersion]:
    return policy.visible(
        viewer,
        "review_filing",
        ConventionVersion.objects.filter(filing=ConventionVersion.Filing.SUBMITTED).select_related("convention"),
    ).order_by("filed_on", "id")


def rules_in_force(*, viewer: Any, action: str = "manage_points") -> QuerySet[PointsRule]:
    return policy.visible(
        viewer,
        action,
        PointsRule.objects.filter(version__status=ConventionVersion.Status.IN_FORCE).select_related(
            "version", "version__convention"
        ),
    ).order_by("scope_path", "kind", "code")


def rule_get(*, viewer: Any, pk: int) -> PointsRule:
    return policy.get(
        viewer, "manage_points", PointsRule.objects.select_related("version", "version__convention"), pk=pk
    )


def balance_of(account: PointsAccount) -> int:
    return services.balance(account)


def entries(account: PointsAccount, *, limit: int = 50, before_id: int | None = None) -> list[PointsEntry]:
    """Keyset-paged entries of one account, newest first, with the transaction, rule and recorder."""
    qs = account.entries.select_related("transaction", "transaction__rule", "transaction__recorder")
    if before_id:
        qs = qs.filter(id__lt=before_id)
    return list(qs.order_by("-id")[:limit])


@dataclass(frozen=True)
class MyPoints:
    resident: Resident
    account: PointsAccount
    balance: int
    household_account: PointsAccount | None
    household_balance: int | None


def my_points(*, viewer: Any) -> MyPoints:
    resident = services.my_resident(viewer)
    account = services.account_of_resident(resident)
    household_account = services.account_of_household(resident.household) if resident.household else None
    return MyPoints(
        resident=resident,
        account=account,
        balance=services.balance(account),
        household_account=household_account,
        household_balance=services.balance(household_account) if household_account else None,
    )


def my_transaction(*, viewer: Any, pk: int) -> PointsTransaction:
    """A transaction touching one of the viewer's own accounts (or the household's)."""
    mine = my_points(viewer=viewer)
    ids = [mine.account.pk] + ([mine.household_account.pk] if mine.household_account else [])
    tx = PointsTransaction.objects.filter(pk=pk, entries__account_id__in=ids).select_related("rule", "recorder").first()
    if tx is None:
        raise NotFound(_("未找到该记录，或您无权查看。"))
    return tx


def transactions(*, viewer: Any, limit: int = 50, before_id: int | None = None) -> list[PointsTransaction]:
    qs = policy.visible(
        viewer, "view_points", PointsTransaction.objects.select_related("rule", "recorder")
    ).prefetch_related("entries__account__resident", "entries__account__household")
    if before_id:
        qs = qs.filter(id__lt=before_id)
    return list(qs.order_by("-id")[:limit])


def transaction_sum(tx: PointsTransaction) -> int:
    return int(tx.entries.aggregate(t=Sum("amount"))["t"] or 0)


def objections(*, viewer: Any, open_only: bool = False) -> QuerySet[PointsObjection]:
    qs = policy.visible(
        viewer, "review_objection", PointsObjection.objects.select_related("deduction", "deduction__rule", "filed_by")
    )
    if open_only:
        qs = qs.filter(status=PointsObjection.Status.OPEN)
    return qs.order_by("due_on", "id")


def objection_get(*, viewer: Any, pk: int) -> PointsObjection:
    return policy.get(
        viewer,
        "review_objection",
        PointsObjection.objects.select_related("deduction", "deduction__rule", "deduction__recorder", "filed_by"),
        pk=pk,
    )


def catalogue(*, viewer: Any, action: str = "view_catalogue") -> QuerySet[RedemptionItem]:
    return policy.visible(viewer, action, RedemptionItem.objects.all()).order_by("scope_path", "cost", "id")


def catalogue_item(*, viewer: Any, pk: int, action: str = "view_catalogue") -> RedemptionItem:
    return policy.get(viewer, action, RedemptionItem.objects.all(), pk=pk)


# ---- supervision ---------------------------------------------------------------------------------------------------


def members(*, viewer: Any, current_only: bool = True) -> QuerySet[SupervisionMember]:
    qs = policy.visible(
        viewer, "view_supervision", SupervisionMember.objects.select_related("resident", "election", "community")
    )
    if current_only:
        today = timezone.localdate()
        qs = qs.filter(term_start__lte=today, term_end__gte=today)
    return qs


def items(*, viewer: Any) -> QuerySet[SupervisionItem]:
    return policy.visible(viewer, "view_supervision", SupervisionItem.objects.select_related("community")).order_by(
        "-id"
    )


def item_get(*, viewer: Any, pk: int) -> SupervisionItem:
    return policy.get(viewer, "view_supervision", SupervisionItem.objects.select_related("community", "request"), pk=pk)


def findings(*, viewer: Any) -> QuerySet[Finding]:
    return policy.visible(viewer, "view_supervision", Finding.objects.select_related("item")).order_by("-id")


def finding_get(*, viewer: Any, pk: int) -> Finding:
    return policy.get(viewer, "view_supervision", Finding.objects.select_related("item", "item__community"), pk=pk)


def inquiries(*, viewer: Any, action: str = "view_supervision", open_only: bool = False) -> QuerySet[Inquiry]:
    qs = policy.visible(viewer, action, Inquiry.objects.select_related("asked_by", "answered_by"))
    if open_only:
        qs = qs.filter(status=Inquiry.Status.OPEN)
    return qs.order_by("due_on", "id")


def inquiry_get(*, viewer: Any, pk: int) -> Inquiry:
    return policy.get(
        viewer, "view_supervision", Inquiry.objects.select_related("item", "asked_by", "answered_by"), pk=pk
    )


def requests(*, viewer: Any, open_only: bool = False) -> QuerySet[SupervisionRequest]:
    qs = policy.visible(viewer, "view_supervision", SupervisionRequest.objects.select_related("filed_by"))
    if open_only:
        qs = qs.filter(status=SupervisionRequest.Status.OPEN)
    return qs.order_by("-id")


def request_get(*, viewer: Any, pk: int) -> SupervisionRequest:
    """A supervision request: the committee and staff in scope, or the resident who filed it."""
    found = SupervisionRequest.objects.filter(pk=pk).select_related("filed_by").first()
    if found is not None and found.filed_by_id == getattr(viewer, "pk", None):
        return found
    return policy.get(viewer, "view_supervision", SupervisionRequest.objects.select_related("filed_by"), pk=pk)


def my_requests(*, viewer: Any) -> QuerySet[SupervisionRequest]:
    return SupervisionRequest.objects.filter(filed_by=viewer).order_by("-id")


def finance(*, viewer: Any) -> QuerySet[FinanceRecord]:
    return policy.visible(viewer, "view_finance", FinanceRecord.objects.all()).order_by("-occurred_on", "-id")


# ---- culture -------------------------------------------------------------------------------------------------------


def activities(*, viewer: Any) -> QuerySet[Activity]:
    return policy.visible(viewer, "view_culture", Activity.objects.all()).order_by("-starts_at", "-id")


def activity_get(*, viewer: Any, pk: int) -> Activity:
    return policy.get(viewer, "view_culture", Activity.objects.select_related("community"), pk=pk)


def gathering_of(activity: Activity) -> Any:
    from gongzhi.consult.models import Gathering

    return Gathering.objects.filter(pk=int(activity.registration_ref)).first() if activity.registration_ref else None


def selections(*, viewer: Any) -> QuerySet[FamilySelection]:
    return policy.visible(viewer, "view_culture", FamilySelection.objects.all()).order_by("-year", "-id")


def selection_get(*, viewer: Any, pk: int) -> FamilySelection:
    return policy.get(viewer, "view_culture", FamilySelection.objects.select_related("community"), pk=pk)


def nomination_get(*, viewer: Any, pk: int) -> FamilyNomination:
    return policy.get(viewer, "view_culture", FamilyNomination.objects.select_related("selection"), pk=pk)
