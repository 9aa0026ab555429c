"""Pages of 居民自治: conventions (versions, diff, comments, acknowledgement), points (mine, administration,
objections, catalogue), the supervision committee's workspace and residents' requests, culture and 文明家庭."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gongzhi.core.access import allowed, signed_in
from gongzhi.core.errors import NotFound, ServiceError
from gongzhi.core.policy import grants_of
from gongzhi.core.scope import subtree_q
from gongzhi.residents import selectors as residents
from gongzhi.residents.models import Household, Resident
from gongzhi.territory.models import Division, Level

from . import forms, selectors, services
from .models import (
    ConventionVersion,
    FamilyNomination,
    FamilyObjection,
    FamilySelection,
    Finding,
    Inquiry,
    PointsObjection,
    PointsTransaction,
    SupervisionItem,
    SupervisionRequest,
)
from .permissions import policy


def communities(user: Any, action: str) -> list[Division]:
    """The communities in which the user may perform `action` (their own, or those under their street/county)."""
    found: dict[int, Division] = {}
    for root in policy.roots(user, action):
        qs = Division.objects.filter(subtree_q("path", root), level=Level.COMMUNITY, is_active=True)
        for d in qs.order_by("path")[:200]:
            found[d.pk] = d
    if not found:  # a grant at a grid: its community
        for grant in policy.grants_for(user, action):
            grid = Division.objects.filter(pk=grant.division_id).select_related("parent").first()
            if grid is not None and grid.level == Level.GRID and grid.parent is not None:
                found[grid.parent.pk] = grid.parent
    return list(found.values())


def _community_from(form: Form, user: Any, action: str) -> Division:
    pk = int(form.cleaned_data["community"])
    for c in communities(user, action):
        if c.pk == pk:
            return c
    raise NotFound(_("未找到该记录，或您无权查看。"))


def _search_residents(request: HttpRequest) -> list[Resident]:
    q = (request.POST.get("q") or request.GET.get("q") or "").strip()
    found: dict[int, Resident] = {}
    for name in q.replace("，", " ").replace(",", " ").split()[:5]:
        for r in residents.resident_list(viewer=request.user, search=name)[:20]:
            found[r.pk] = r
    return list(found.values())


def _resident(request: HttpRequest, public_id: str) -> Resident:
    return residents.resident_get(viewer=request.user, public_id=public_id)


def _run(form: Form, action: Callable[[], Any]) -> Any:
    """Call a service; a refusal is shown on the form (None is returned)."""
    try:
        return action()
    except ServiceError as exc:
        exc.to_form(form)
        return None


def _form_page(request: HttpRequest, form: Form, title: str, lead: str = "", **extra: Any) -> HttpResponse:
    return render(
        request,
        "autonomy/form.html",
        {"form": form, "title": title, "lead": lead, **extra},
        status=400 if form.errors else 200,
    )


# ---- conventions (R5.1) --------------------------------------------------------------------------------------------


@allowed(policy, "view_conventions")
def conventions(request: HttpRequest) -> HttpResponse:
    rows = []
    for c in selectors.conventions(viewer=request.user).order_by("scope_path", "kind", "id")[:100]:
        rows.append((c, selectors.in_force(c), c.versions.order_by("-number").first()))
    return render(
        request,
        "autonomy/conventions.html",
        {"rows": rows, "can_draft": policy.allows(request.user, "draft_convention")},
    )


@allowed(policy, "draft_convention")
@require_http_methods(["GET", "POST"])
def convention_new(request: HttpRequest) -> HttpResponse:
    form = forms.ConventionForm(request.POST or None, communities=communities(request.user, "draft_convention"))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        version = _run(
            form,
            lambda: services.convention_create(
                actor=request.user,
                community=_community_from(form, request.user, "draft_convention"),
                kind=d["kind"],
                title=d["title"],
                body=d["body"],
            ),
        )
        if version is not None:
            return redirect("autonomy:version", pk=version.pk)
    return _form_page(
        request,
        form,
        _("起草居民公约/自治章程"),
        _("居民公约由居民会议讨论制定，报街道办事处备案（居委会组织法第十五条）。"),
    )


@allowed(policy, "view_conventions")
@require_http_methods(["GET", "POST"])
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.version_get(viewer=request.user, pk=pk)
    user = request.user
    can_draft = policy.can(user, "draft_convention", version)
    posted = request.POST if request.method == "POST" else None
    which = request.POST.get("action", "") if posted else ""
    rule_form = forms.RuleForm(posted if which == "rule" else None)
    comment_form = forms.CommentForm(posted if which == "comment" else None)
    period_form = forms.CommentPeriodForm(posted if which == "comment_open" else None)
    from gongzhi.consult.models import Meeting

    meetings = list(
        Meeting.objects.filter(
            community_id=version.convention.community_id, status__in=[Meeting.Status.NOTICED, Meeting.Status.HELD]
        ).order_by("-starts_at")[:20]
    )
    vote_form = forms.PutToVoteForm(posted if which == "vote" else None, meetings=meetings)
    filing_form = forms.FilingReviewForm(posted if which == "filing_review" else None)
    edit_form = forms.VersionForm(
        posted if which == "new_version" else None,
        initial={"body": version.body},
    )
    done = None
    if posted:
        if which == "rule" and rule_form.is_valid():
            d = rule_form.cleaned_data
            done = _run(
                rule_form,
                lambda: services.rule_add(
                    actor=user,
                    version=version,
                    code=d["code"],
                    kind=d["kind"],
                    title=d["title"],
                    points=d["points"],
                    text=d["text"],
                ),
            )
        elif which == "comment" and comment_form.is_valid():
            done = _run(
                comment_form,
                lambda: services.comment_add(actor=user, version=version, body=comment_form.cleaned_data["body"]),
            )
        elif which == "comment_open" and period_form.is_valid():
            done = _run(
                period_form,
                lambda: services.comment_open(
                    actor=user, version=version, working_days=period_form.cleaned_data["working_days"]
                ),
            )
        elif which == "vote" and vote_form.is_valid():
            meeting = next((m for m in meetings if str(m.pk) == vote_form.cleaned_data["meeting"]), None)
            done = _run(
                vote_form,
                lambda: services.version_put_to_vote(
                    actor=user,
                    version=version,
                    closes_at=vote_form.cleaned_data["closes_at"],
                    meeting=meeting,
                    representatives=vote_form.cleaned_data["representatives"],
                ),
            )
        elif which == "filing_review" and filing_form.is_valid():
            done = _run(
                filing_form,
                lambda: services.filing_review(
                    actor=user,
                    version=version,
                    accepted=filing_form.cleaned_data["accepted"],
                    note=filing_form.cleaned_data["note"],
                ),
            )
        elif which == "new_version" and edit_form.is_valid():
            new = _run(
                edit_form,
                lambda: services.version_draft(
                    actor=user,
                    convention=version.convention,
                    body=edit_form.cleaned_data["body"],
                    change_note=edit_form.cleaned_data["change_note"],
                ),
            )
            if new is not None:
                return redirect("autonomy:version", pk=new.pk)
        elif which in ("take_result", "file", "publish", "acknowledge"):
            simple: Callable[[], Any] = {
                "take_result": lambda: services.version_take_vote_result(actor=user, version=version),
                "file": lambda: services.filing_submit(actor=user, version=version),
                "publish": lambda: services.version_publish(actor=user, version=version),
                "acknowledge": lambda: services.acknowledge(actor=user, version=version),
            }[which]
            try:
                done = simple()
            except ServiceError as exc:
                messages.error(request, str(exc.message))
                return redirect("autonomy:version", pk=pk)
        if done is not None:
            messages.success(request, _("已保存。"))
            return redirect("autonomy:version", pk=pk)
    vote = services.linked_vote(version)
    has_errors = any(f.errors for f in (rule_form, comment_form, period_form, vote_form, filing_form, edit_form))
    status = ConventionVersion.Status
    return render(
        request,
        "autonomy/version.html",
        {
            "version": version,
            "convention": version.convention,
            "versions": version.convention.versions.order_by("-number"),
            "rules": version.rules.all(),
            "comments": version.comments.select_related("author").order_by("id")[:200],
            "vote": vote,
            "previous": selectors.previous_version(version),
            "acknowledged": version.acknowledgements.filter(user=user).exists() if user.is_authenticated else False,
            "can_draft": can_draft,
            "draft": version.status == status.DRAFT,
            "commenting": version.status == status.COMMENTING,
            "voting": version.status == status.VOTING,
            "adopted": version.status == status.ADOPTED,
            "in_force": version.status == status.IN_FORCE,
            "can_comment": version.status == status.COMMENTING and policy.can(user, "comment_convention", version),
            "can_acknowledge": version.status == status.IN_FORCE
            and policy.can(user, "acknowledge_convention", version),
            "can_review_filing": version.filing == ConventionVersion.Filing.SUBMITTED
            and policy.can(user, "review_filing", version),
            "rule_form": rule_form,
            "comment_form": comment_form,
            "period_form": period_form,
            "vote_form": vote_form,
            "filing_form": filing_form,
            "edit_form": edit_form,
        },
        status=400 if has_errors else 200,
    )


@allowed(policy, "view_conventions")
def version_diff(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.version_get(viewer=request.user, pk=pk)
    other_pk = request.GET.get("against")
    other: ConventionVersion | None
    if other_pk and other_pk.isdigit():
        other = selectors.version_get(viewer=request.user, pk=int(other_pk))
        if other.convention_id != version.convention_id:
            raise NotFound(_("未找到该记录，或您无权查看。"))
    else:
        other = selectors.previous_version(version)
    return render(
        request,
        "autonomy/diff.html",
        {"version": version, "other": other, "lines": selectors.version_diff(other, version)},
    )


# ---- points (D11) --------------------------------------------------------------------------------------------------


@allowed(policy, "my_points")
@require_http_methods(["GET", "POST"])
def my_points(request: HttpRequest) -> HttpResponse:
    mine = selectors.my_points(viewer=request.user)
    transfer_form = forms.TransferForm(request.POST or None)
    if request.method == "POST" and mine.household_account is not None and transfer_form.is_valid():
        household_account = mine.household_account
        if _run(
            transfer_form,
            lambda: services.transfer(
                actor=request.user,
                source=mine.account,
                target=household_account,
                amount=transfer_form.cleaned_data["amount"],
            ),
        ):
            messages.success(request, _("已转入家庭账户。"))
            return redirect("autonomy:my_points")
    entries = selectors.entries(mine.account)
    reversed_ids = set(
        PointsTransaction.objects.filter(reverses_id__in=[e.transaction_id for e in entries]).values_list(
            "reverses_id", flat=True
        )
    )
    open_ids = set(
        PointsObjection.objects.filter(
            deduction_id__in=[e.transaction_id for e in entries], status=PointsObjection.Status.OPEN
        ).values_list("deduction_id", flat=True)
    )
    return render(
        request,
        "autonomy/my_points.html",
        {
            "mine": mine,
            "entries": entries,
            "household_entries": selectors.entries(mine.household_account, limit=20) if mine.household_account else [],
            "reversed_ids": reversed_ids,
            "open_ids": open_ids,
            "transfer_form": transfer_form,
            "objections": PointsObjection.objects.filter(filed_by_id=request.user.pk).order_by("-id")[:20],
        },
        status=400 if transfer_form.errors else 200,
    )


@allowed(policy, "my_points")
@require_http_methods(["GET", "POST"])
def objection_new(request: HttpRequest, pk: int) -> HttpResponse:
    tx = selectors.my_transaction(viewer=request.user, pk=pk)
    form = forms.ObjectionForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            form, lambda: services.objection_file(actor=request.user, deduction=tx, reason=form.cleaned_data["reason"])
        )
    ):
        messages.success(request, _("异议已提交，社区将在期限内复核。"))
        return redirect("autonomy:my_points")
    return _form_page(
        request,
        form,
        _("对扣分提出异议"),
        _("扣分 %(n)s 分，依据：%(basis)s。事实：%(note)s")
        % {"n": tx.rule.points if tx.rule else "", "basis": tx.basis, "note": tx.note},
    )


@allowed(policy, "manage_points")
@require_http_methods(["GET", "POST"])
def points_admin(request: HttpRequest) -> HttpResponse:
    search = forms.ResidentSearchForm(request.GET or request.POST or None)
    found = _search_residents(request)
    rules = list(selectors.rules_in_force(viewer=request.user))
    form = forms.ApplyRuleForm(request.POST or None, rules=rules, residents=found)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def apply() -> Any:
            rule = selectors.rule_get(viewer=request.user, pk=int(d["rule"]))
            household = None
            resident = _resident(request, d["resident"]) if d["resident"] else None
            if resident is None and d["household_no"].strip():
                household = Household.objects.filter(
                    community_id=rule.version.convention.community_id, household_no=d["household_no"].strip()
                ).first()
                if household is None:
                    raise ServiceError(_("本社区没有这个户号。"), fields={"household_no": _("户号不存在")})
            return services.points_apply(
                actor=request.user, rule=rule, resident=resident, household=household, note=d["note"]
            )

        tx = _run(form, apply)
        if tx is not None:
            messages.success(request, _("已记录：%(basis)s") % {"basis": tx.basis})
            return redirect("autonomy:points_admin")
    return render(
        request,
        "autonomy/points_admin.html",
        {
            "search": search,
            "q": request.GET.get("q") or request.POST.get("q", ""),
            "form": form,
            "rules": rules,
            "transactions": selectors.transactions(viewer=request.user, limit=30),
            "objections": selectors.objections(viewer=request.user)[:30],
        },
        status=400 if form.errors else 200,
    )


@allowed(policy, "review_objection")
@require_http_methods(["GET", "POST"])
def objection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    objection = selectors.objection_get(viewer=request.user, pk=pk)
    form = forms.DecideForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            form,
            lambda: services.objection_decide(
                actor=request.user,
                objection=objection,
                upheld=form.cleaned_data["upheld"],
                decision=form.cleaned_data["decision"],
            ),
        )
    ):
        messages.success(request, _("复核完成。"))
        return redirect("autonomy:objection", pk=pk)
    today = timezone.localdate()
    return render(
        request,
        "autonomy/objection.html",
        {
            "objection": objection,
            "form": form,
            "open": objection.status == PointsObjection.Status.OPEN,
            "late": objection.status == PointsObjection.Status.OPEN and today > objection.due_on,
            "reversal": PointsTransaction.objects.filter(reverses=objection.deduction).first(),
        },
        status=400 if form.errors else 200,
    )


@allowed(policy, "view_catalogue")
@require_http_methods(["GET", "POST"])
def catalogue(request: HttpRequest) -> HttpResponse:
    can_manage = policy.allows(request.user, "manage_catalogue")
    form = forms.CatalogueForm(
        request.POST if request.method == "POST" and can_manage else None,
        communities=communities(request.user, "manage_catalogue") if can_manage else [],
    )
    if request.method == "POST" and can_manage and form.is_valid():
        d = form.cleaned_data
        if _run(
            form,
            lambda: services.catalogue_save(
                actor=request.user,
                community=_community_from(form, request.user, "manage_catalogue"),
                name=d["name"],
                cost=d["cost"],
                funding_source=d["funding_source"],
                stock=d["stock"],
            ),
        ):
            return redirect("autonomy:catalogue")
    balance = None
    if policy.allows(request.user, "my_points"):
        try:
            balance = selectors.my_points(viewer=request.user).balance
        except NotFound:
            balance = None
    return render(
        request,
        "autonomy/catalogue.html",
        {
            "items": selectors.catalogue(viewer=request.user)[:100],
            "form": form,
            "can_manage": can_manage,
            "balance": balance,
        },
        status=400 if form.errors else 200,
    )


@allowed(policy, "my_points")
@require_POST
def redeem(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.catalogue_item(viewer=request.user, pk=pk)
    try:
        services.redeem(actor=request.user, item=item)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("兑换成功：%(name)s") % {"name": item.name})
    return redirect("autonomy:catalogue")


# ---- supervision (R5.3) --------------------------------------------------------------------------------------------


@allowed(policy, "view_supervision")
@require_http_methods(["GET", "POST"])
def supervision(request: HttpRequest) -> HttpResponse:
    user = request.user
    can_supervise = policy.allows(user, "supervise")
    can_finance = policy.allows(user, "record_finance")
    which = request.POST.get("action", "") if request.method == "POST" else ""
    mine = communities(user, "supervise") if can_supervise else []
    item_form = forms.ItemForm(request.POST if which == "item" else None, communities=mine)
    inquiry_form = forms.InquiryForm(request.POST if which == "inquiry" else None)
    finance_form = forms.FinanceForm(
        request.POST if which == "finance" else None,
        communities=communities(user, "record_finance") if can_finance else [],
    )
    if which == "item" and item_form.is_valid():
        d = item_form.cleaned_data
        item = _run(
            item_form,
            lambda: services.item_open(
                actor=user,
                community=_community_from(item_form, user, "supervise"),
                area=d["area"],
                title=d["title"],
                description=d["description"],
            ),
        )
        if item is not None:
            return redirect("autonomy:item", pk=item.pk)
    if which == "inquiry" and inquiry_form.is_valid() and mine:
        inquiry = _run(
            inquiry_form,
            lambda: services.inquiry_ask(
                actor=user,
                community=mine[0],
                question=inquiry_form.cleaned_data["question"],
                working_days=inquiry_form.cleaned_data["working_days"],
            ),
        )
        if inquiry is not None:
            return redirect("autonomy:inquiry", pk=inquiry.pk)
    if which == "finance" and finance_form.is_valid():
        d = finance_form.cleaned_data
        if _run(
            finance_form,
            lambda: services.finance_record(
                actor=user,
                community=_community_from(finance_form, user, "record_finance"),
                occurred_on=d["occurred_on"],
                direction=d["direction"],
                amount_yuan=d["amount_yuan"],
                purpose=d["purpose"],
                counterparty=d["counterparty"],
                voucher_no=d["voucher_no"],
            ),
        ):
            return redirect("autonomy:supervision")
    decisions: list[Any] = []
    from gongzhi.consult import selectors as consult_selectors

    decisions = list(consult_selectors.decision_list(viewer=user)[:10])
    audit: list[Any] = []
    if policy.allows(user, "supervise"):
        from gongzhi.ledger.selectors import event_list

        audit = list(event_list(viewer=user)[:15])
    has_errors = any(f.errors for f in (item_form, inquiry_form, finance_form))
    return render(
        request,
        "autonomy/supervision.html",
        {
            "members": [
                (m, services.supervision_conflict(m.resident, m.community, on=timezone.localdate()))
                for m in selectors.members(viewer=user)[:50]
            ],
            "items": selectors.items(viewer=user)[:30],
            "inquiries": selectors.inquiries(viewer=user)[:50],
            "requests": selectors.requests(viewer=user)[:30],
            "finance": selectors.finance(viewer=user)[:30] if policy.allows(user, "view_finance") else [],
            "decisions": decisions,
            "audit": audit,
            "today": timezone.localdate(),
            "can_supervise": can_supervise and bool(mine),
            "can_finance": can_finance,
            "can_elect": policy.allows(user, "record_election"),
            "item_form": item_form,
            "inquiry_form": inquiry_form,
            "finance_form": finance_form,
        },
        status=400 if has_errors else 200,
    )


@allowed(policy, "record_election")
@require_http_methods(["GET", "POST"])
def election_new(request: HttpRequest) -> HttpResponse:
    search = forms.ResidentSearchForm(request.GET or request.POST or None)
    found = _search_residents(request)
    form = forms.ElectionForm(
        request.POST if request.method == "POST" else None,
        communities=communities(request.user, "record_election"),
        residents=found,
    )
    relative_form = forms.RelativeForm(
        request.POST if request.POST.get("action") == "relative" else None, residents=found
    )
    if request.method == "POST" and request.POST.get("action") == "relative":
        form = forms.ElectionForm(communities=communities(request.user, "record_election"), residents=found)
        if relative_form.is_valid():
            d = relative_form.cleaned_data
            if _run(
                relative_form,
                lambda: services.relative_declare(
                    actor=request.user,
                    person=_resident(request, d["person"]),
                    relative=_resident(request, d["relative"]),
                    kind=d["kind"],
                ),
            ):
                messages.success(request, _("已登记近亲属关系。"))
                return redirect(f"{request.path}?q={request.POST.get('q', '')}")
    elif request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        election = _run(
            form,
            lambda: services.election_record(
                actor=request.user,
                community=_community_from(form, request.user, "record_election"),
                body=d["body"],
                held_on=d["held_on"],
                term_start=d["term_start"],
                term_end=d["term_end"],
                minutes=d["minutes"],
                members=[services.Candidate(resident=_resident(request, pid)) for pid in d["members"]],
            ),
        )
        if election is not None:
            messages.success(request, _("选举结果已登记。"))
            return redirect("autonomy:supervision")
    return render(
        request,
        "autonomy/election.html",
        {
            "search": search,
            "q": request.GET.get("q") or request.POST.get("q", ""),
            "form": form,
            "relative_form": relative_form,
            "found": found,
        },
        status=400 if form.errors or relative_form.errors else 200,
    )


@allowed(policy, "view_supervision")
@require_http_methods(["GET", "POST"])
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_get(viewer=request.user, pk=pk)
    which = request.POST.get("action", "") if request.method == "POST" else ""
    finding_form = forms.FindingForm(request.POST if which == "finding" else None)
    inquiry_form = forms.InquiryForm(request.POST if which == "inquiry" else None)
    correction_form = forms.CorrectionForm(request.POST if which == "correction" else None)
    if (
        which == "finding"
        and finding_form.is_valid()
        and _run(
            finding_form,
            lambda: services.finding_record(
                actor=request.user,
                item=item,
                conclusion=finding_form.cleaned_data["conclusion"],
                text=finding_form.cleaned_data["text"],
            ),
        )
    ):
        return redirect("autonomy:item", pk=pk)
    if (
        which == "inquiry"
        and inquiry_form.is_valid()
        and _run(
            inquiry_form,
            lambda: services.inquiry_ask(
                actor=request.user,
                community=item.community,
                question=inquiry_form.cleaned_data["question"],
                working_days=inquiry_form.cleaned_data["working_days"],
                item=item,
            ),
        )
    ):
        return redirect("autonomy:item", pk=pk)
    if which == "correction" and correction_form.is_valid():
        finding = Finding.objects.filter(item=item, pk=request.POST.get("finding") or 0).first()
        if finding is None:
            raise NotFound(_("未找到该记录，或您无权查看。"))
        d = correction_form.cleaned_data
        order = _run(
            correction_form,
            lambda: services.correction_from_finding(
                actor=request.user,
                finding=finding,
                issuer=d["issuer"],
                requirement=d["requirement"],
                working_days=d["working_days"],
            ),
        )
        if order is not None:
            return redirect("duties:correction", pk=order.pk)
    findings = list(item.findings.order_by("id"))
    return render(
        request,
        "autonomy/item.html",
        {
            "item": item,
            "findings": findings,
            "issue_findings": [
                f for f in findings if f.conclusion == Finding.Conclusion.ISSUE and not f.correction_order_id
            ],
            "inquiries": item.inquiries.order_by("due_on", "id"),
            "can_supervise": policy.can(request.user, "supervise", item),
            "can_correct": policy.can(request.user, "order_correction", item),
            "open": item.status == SupervisionItem.Status.OPEN,
            "finding_form": finding_form,
            "inquiry_form": inquiry_form,
            "correction_form": correction_form,
        },
        status=400 if finding_form.errors or inquiry_form.errors or correction_form.errors else 200,
    )


@allowed(policy, "view_supervision")
@require_http_methods(["GET", "POST"])
def inquiry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = selectors.inquiry_get(viewer=request.user, pk=pk)
    form = forms.AnswerForm(request.POST or None)
    can_answer = inquiry.status == Inquiry.Status.OPEN and policy.can(request.user, "answer_inquiry", inquiry)
    if (
        request.method == "POST"
        and can_answer
        and form.is_valid()
        and _run(
            form,
            lambda: services.inquiry_answer(actor=request.user, inquiry=inquiry, answer=form.cleaned_data["answer"]),
        )
    ):
        return redirect("autonomy:inquiry", pk=pk)
    return render(
        request,
        "autonomy/inquiry.html",
        {
            "inquiry": inquiry,
            "form": form,
            "can_answer": can_answer,
            "late_now": inquiry.status == Inquiry.Status.OPEN and timezone.localdate() > inquiry.due_on,
        },
        status=400 if form.errors else 200,
    )


@allowed(policy, "request_supervision")
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    form = forms.RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        filed = _run(
            form,
            lambda: services.request_file(
                actor=request.user, subject=form.cleaned_data["subject"], details=form.cleaned_data["details"]
            ),
        )
        if filed is not None:
            messages.success(request, _("已提交居务监督委员会。"))
            return redirect("autonomy:request", pk=filed.pk)
    return render(
        request,
        "autonomy/request_new.html",
        {"form": form, "mine": selectors.my_requests(viewer=request.user)[:20]},
        status=400 if form.errors else 200,
    )


@signed_in
@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The resident who filed the request, or the committee and staff in scope (anyone else: 404)."""
    filed = selectors.request_get(viewer=request.user, pk=pk)
    can_handle = filed.status == SupervisionRequest.Status.OPEN and policy.can(request.user, "supervise", filed)
    form = forms.HandleRequestForm(request.POST if can_handle and request.method == "POST" else None)
    if can_handle and request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if _run(
            form,
            lambda: services.request_handle(
                actor=request.user, request=filed, accept=d["accept"], response=d["response"], area=d["area"]
            ),
        ):
            return redirect("autonomy:request", pk=pk)
    item = SupervisionItem.objects.filter(request=filed).first()
    return render(
        request,
        "autonomy/request.html",
        {"filed": filed, "form": form, "can_handle": can_handle, "item": item},
        status=400 if form.errors else 200,
    )


# ---- culture and 文明家庭 (R7.1, R7.2) -----------------------------------------------------------------------------


@allowed(policy, "view_culture")
@require_http_methods(["GET", "POST"])
def culture(request: HttpRequest) -> HttpResponse:
    user = request.user
    can_manage = policy.allows(user, "manage_culture")
    mine = communities(user, "manage_culture") if can_manage else []
    which = request.POST.get("action", "") if request.method == "POST" else ""
    activity_form = forms.ActivityForm(request.POST if which == "activity" else None, communities=mine)
    selection_form = forms.SelectionForm(
        request.POST if which == "selection" else None, communities=mine, initial={"year": timezone.localdate().year}
    )
    if which == "activity" and activity_form.is_valid():
        d = activity_form.cleaned_data
        activity = _run(
            activity_form,
            lambda: services.activity_create(
                actor=user,
                community=_community_from(activity_form, user, "manage_culture"),
                kind=d["kind"],
                title=d["title"],
                description=d["description"],
                place=d["place"],
                starts_at=d["starts_at"],
                capacity=d["capacity"],
            ),
        )
        if activity is not None:
            return redirect("autonomy:activity", pk=activity.pk)
    if which == "selection" and selection_form.is_valid():
        d = selection_form.cleaned_data
        selection = _run(
            selection_form,
            lambda: services.selection_create(
                actor=user,
                community=_community_from(selection_form, user, "manage_culture"),
                year=d["year"],
                title=d["title"],
                criteria=d["criteria"],
            ),
        )
        if selection is not None:
            return redirect("autonomy:selection", pk=selection.pk)
    return render(
        request,
        "autonomy/culture.html",
        {
            "activities": selectors.activities(viewer=user)[:30],
            "selections": selectors.selections(viewer=user)[:10],
            "can_manage": can_manage and bool(mine),
            "activity_form": activity_form,
            "selection_form": selection_form,
        },
        status=400 if activity_form.errors or selection_form.errors else 200,
    )


@allowed(policy, "view_culture")
@require_http_methods(["GET", "POST"])
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from gongzhi.consult import services as consult
    from gongzhi.consult.models import Participant

    activity = selectors.activity_get(viewer=request.user, pk=pk)
    gathering = selectors.gathering_of(activity)
    if gathering is None:
        raise NotFound(_("未找到该记录，或您无权查看。"))
    can_manage = policy.can(request.user, "manage_culture", activity)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "register":
                consult.gathering_register(actor=request.user, gathering=gathering)
                messages.success(request, _("报名成功。"))
            elif request.POST.get("action") == "attend" and can_manage:
                participant = Participant.objects.filter(
                    gathering=gathering, pk=request.POST.get("participant") or 0
                ).first()
                if participant is None:
                    raise NotFound(_("未找到该记录，或您无权查看。"))
                consult.gathering_attend(actor=request.user, gathering=gathering, participant=participant)
                messages.success(request, _("已签到：%(name)s") % {"name": participant.name})
        except ServiceError as exc:
            messages.error(request, str(exc.message))
        return redirect("autonomy:activity", pk=pk)
    participants = list(gathering.participants.order_by("id")[:500]) if can_manage else []
    mine = gathering.participants.filter(user=request.user).exclude(status=Participant.Status.CANCELLED).first()
    return render(
        request,
        "autonomy/activity.html",
        {
            "activity": activity,
            "gathering": gathering,
            "participants": participants,
            "mine": mine,
            "can_manage": can_manage,
            "can_register": mine is None
            and policy.allows(request.user, "view_culture")
            and any(g.role in ("resident", "household_head", "volunteer") for g in grants_of(request.user)),
            "taken": gathering.participants.exclude(status=Participant.Status.CANCELLED).count(),
            "attended": gathering.participants.filter(status=Participant.Status.ATTENDED).count(),
        },
    )


@allowed(policy, "view_culture")
@require_http_methods(["GET", "POST"])
def selection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    selection = selectors.selection_get(viewer=request.user, pk=pk)
    user = request.user
    can_manage = policy.can(user, "manage_culture", selection)
    which = request.POST.get("action", "") if request.method == "POST" else ""
    nominate_form = forms.NominationForm(request.POST if which == "nominate" else None)
    publicity_form = forms.PublicityForm(request.POST if which == "publicity" else None)
    review_form = forms.ReviewForm(request.POST if which == "review" else None)
    object_form = forms.FamilyObjectionForm(request.POST if which == "object" else None)
    decide_form = forms.FamilyDecideForm(request.POST if which == "decide" else None)

    def nomination() -> FamilyNomination:
        found = FamilyNomination.objects.filter(selection=selection, pk=request.POST.get("nomination") or 0).first()
        if found is None:
            raise NotFound(_("未找到该记录，或您无权查看。"))
        return found

    done: Any = None
    if which == "nominate" and nominate_form.is_valid():
        d = nominate_form.cleaned_data

        def add() -> Any:
            household = Household.objects.filter(
                community_id=selection.community_id, household_no=d["household_no"].strip()
            ).first()
            if household is None:
                raise ServiceError(_("本社区没有这个户号。"), fields={"household_no": _("户号不存在")})
            return services.nominate(
                actor=user, selection=selection, household=household, family_name=d["family_name"], deeds=d["deeds"]
            )

        done = _run(nominate_form, add)
    elif which == "review" and review_form.is_valid():
        done = _run(
            review_form,
            lambda: services.nomination_review(
                actor=user,
                nomination=nomination(),
                shortlist=review_form.cleaned_data["shortlist"],
                note=review_form.cleaned_data["note"],
            ),
        )
    elif which == "publicity" and publicity_form.is_valid():
        done = _run(
            publicity_form,
            lambda: services.publicity_start(
                actor=user, selection=selection, working_days=publicity_form.cleaned_data["working_days"]
            ),
        )
    elif which == "object" and object_form.is_valid():
        done = _run(
            object_form,
            lambda: services.family_object(
                actor=user, nomination=nomination(), reason=object_form.cleaned_data["reason"]
            ),
        )
    elif which == "decide" and decide_form.is_valid():
        objection = FamilyObjection.objects.filter(
            nomination__selection=selection, pk=request.POST.get("objection") or 0
        ).first()
        if objection is None:
            raise NotFound(_("未找到该记录，或您无权查看。"))
        done = _run(
            decide_form,
            lambda: services.family_objection_decide(
                actor=user,
                objection=objection,
                upheld=decide_form.cleaned_data["upheld"],
                finding=decide_form.cleaned_data["finding"],
            ),
        )
    elif which in ("close", "conclude"):
        try:
            done = (
                services.selection_close_nominations(actor=user, selection=selection)
                if which == "close"
                else services.selection_conclude(actor=user, selection=selection)
            )
        except ServiceError as exc:
            messages.error(request, str(exc.message))
            return redirect("autonomy:selection", pk=pk)
    if done is not None:
        messages.success(request, _("已保存。"))
        return redirect("autonomy:selection", pk=pk)
    status = FamilySelection.Status
    forms_ = (nominate_form, publicity_form, review_form, object_form, decide_form)
    return render(
        request,
        "autonomy/selection.html",
        {
            "selection": selection,
            "nominations": selection.nominations.select_related("household")
            .prefetch_related("objections")
            .order_by("id"),
            "can_manage": can_manage,
            "can_nominate": selection.status == status.NOMINATING and policy.can(user, "nominate_family", selection),
            "can_object": selection.status == status.PUBLICITY and policy.can(user, "object_family", selection),
            "nominating": selection.status == status.NOMINATING,
            "reviewing": selection.status == status.REVIEWING,
            "publicity": selection.status == status.PUBLICITY,
            "concluded": selection.status == status.CONCLUDED,
            "nominate_form": nominate_form,
            "publicity_form": publicity_form,
            "review_form": review_form,
            "object_form": object_form,
            "decide_form": decide_form,
            "inline_errors": [f for f in (review_form, object_form, decide_form) if f.errors],
        },
        status=400 if any(f.errors for f in forms_) else 200,
    )
