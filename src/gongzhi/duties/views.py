"""Pages of the duties domain: the public list and certificate check, admission, the task gate, certificates,
violations, correction orders and evaluations."""

import base64
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gongzhi.core.access import allowed, public
from gongzhi.core.errors import NotFound, ServiceError
from gongzhi.core.policy import grants_of
from gongzhi.core.spreadsheets import error_report, template
from gongzhi.people.models import Unit
from gongzhi.territory.models import Division, Level
from gongzhi.territory.selectors import division_by_code

from . import forms, selectors, services, spreadsheets
from .models import AdmissionApplication, Category, CorrectionOrder, EvaluationRound, Indicator, Task, ViolationCase
from .permissions import policy

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _division(code: str, level: str | None = None) -> Division:
    division = division_by_code(code)
    if division is None or not division.is_active or (level and division.level != level):
        raise ServiceError(_("区划代码无效。"), fields={"community": _("区划代码无效"), "county": _("区划代码无效")})
    return division


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, 30).get_page(request.GET.get("page"))


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


# ---- public ---------------------------------------------------------------------------------------------------------


@public
def home(request: HttpRequest) -> HttpResponse:
    """居民公开页: the list in force in a county today, with its admitted items."""
    counties = list(selectors.counties())
    code = request.GET.get("county") or "510603000000"
    county = next((c for c in counties if c.code == code), counties[0] if counties else None)
    today = timezone.localdate()
    version, items = selectors.list_in_force(county=county, on=today) if county else (None, [])
    groups = [(c.label, [i for i in items if i.category == c.value]) for c in Category]
    return render(
        request,
        "duties/home.html",
        {
            "counties": counties,
            "county": county,
            "version": version,
            "groups": [g for g in groups if g[1]],
            "today": today,
            "staff": policy.allows(request.user, "view"),
        },
    )


@public
def certificate_check(request: HttpRequest) -> HttpResponse:
    """公开核验: anyone holding a certificate's verification code can check it."""
    form = forms.VerifyForm(request.GET or None)
    certificate = None
    looked_up = False
    if form.is_valid():
        looked_up = True
        certificate = selectors.certificate_verify(code=form.cleaned_data["code"])
    return render(
        request,
        "duties/certificate_check.html",
        {"form": form, "certificate": certificate, "looked_up": looked_up},
        status=404 if looked_up and certificate is None else 200,
    )


# ---- lists ----------------------------------------------------------------------------------------------------------


@allowed(policy, "view")
def versions(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "duties/versions.html",
        {
            "page": _page(request, selectors.version_list(viewer=request.user)),
            "can_manage": policy.allows(request.user, "manage_list"),
        },
    )


@allowed(policy, "manage_list")
@require_http_methods(["GET", "POST"])
def version_new(request: HttpRequest) -> HttpResponse:
    form = forms.VersionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = services.list_version_create(
                actor=request.user,
                county=_division(data["county"], Level.COUNTY),
                title=data["title"],
                document=data["document"],
                effective_from=data["effective_from"],
            )
        except ServiceError as exc:
            exc.to_form(form)
        else:
            return redirect("duties:version", pk=version.pk)
    return render(
        request, "duties/form.html", {"form": form, "title": _("新建清单版本")}, status=400 if form.errors else 200
    )


@allowed(policy, "view")
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.version_get(viewer=request.user, pk=pk)
    return render(
        request,
        "duties/version.html",
        {
            "version": version,
            "items": version.items.select_related("department"),
            "can_manage": policy.can(request.user, "manage_list", version),
        },
    )


@allowed(policy, "view")
def version_export(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.version_get(viewer=request.user, pk=pk)
    return _xlsx(spreadsheets.items_export(version=version), f"duty-list-{version.county.code}-v{version.number}.xlsx")


@allowed(policy, "manage_list")
def import_template(request: HttpRequest) -> HttpResponse:
    return _xlsx(template(spreadsheets.COLUMNS), "duty-list-template.xlsx")


@allowed(policy, "manage_list")
@require_http_methods(["GET", "POST"])
def version_import(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.version_get(viewer=request.user, pk=pk)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    result, report = None, None
    if request.method == "POST" and form.is_valid():
        try:
            result = spreadsheets.items_import(actor=request.user, version=version, upload=form.cleaned_data["file"])
        except ServiceError as exc:
            form.add_error("file", str(exc.message))
        else:
            if result.errors:
                report = base64.b64encode(error_report(result.errors)).decode()
            else:
                messages.success(request, _("导入成功：新增 %(n)s 个事项。") % {"n": result.created})
                return redirect("duties:version", pk=version.pk)
    status = 400 if form.errors or (result and result.errors) else 200
    return render(
        request,
        "duties/import.html",
        {"form": form, "result": result, "report": report, "version": version},
        status=status,
    )


@allowed(policy, "manage_list")
@require_POST
def version_publish(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.version_get(viewer=request.user, pk=pk)
    try:
        services.list_version_publish(actor=request.user, version=version)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("清单已发布。"))
    return redirect("duties:version", pk=version.pk)


# ---- admission ------------------------------------------------------------------------------------------------------


@allowed(policy, "view_applications")
def applications(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "duties/applications.html",
        {
            "page": _page(request, selectors.application_list(viewer=request.user, status=request.GET.get("status"))),
            "can_apply": policy.allows(request.user, "apply"),
        },
    )


@allowed(policy, "apply")
@require_http_methods(["GET", "POST"])
def application_new(request: HttpRequest) -> HttpResponse:
    form = forms.ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_submit(actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            exc.to_form(form)
        else:
            messages.success(request, _("准入申请已提交，审批期限 %(d)s。") % {"d": application.review_due_on})
            return redirect("duties:application", pk=application.pk)
    return render(request, "duties/application_form.html", {"form": form}, status=400 if form.errors else 200)


@allowed(policy, "view_applications")
@require_http_methods(["GET", "POST"])
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get(viewer=request.user, pk=pk)
    can_review = policy.can(request.user, "review", application)
    decision_form = forms.DecisionForm(request.POST if "decide" in request.POST else None)
    exit_form = forms.ExitForm(request.POST if "exit" in request.POST else None)
    review_form = forms.AnnualReviewForm(
        request.POST if "review" in request.POST else None, initial={"year": timezone.localdate().year}
    )
    if request.method == "POST" and can_review:
        if "decide" in request.POST and decision_form.is_valid():
            data = decision_form.cleaned_data
            try:
                services.application_decide(
                    actor=request.user,
                    application=application,
                    admit=data["admit"],
                    meeting_reference=data["meeting_reference"],
                    meeting_date=data["meeting_date"],
                    note=data["note"],
                    refusal_ground=data["refusal_ground"],
                )
            except ServiceError as exc:
                exc.to_form(decision_form)
            else:
                messages.success(request, _("审批结果已记录并公示。"))
                return redirect("duties:application", pk=pk)
        elif "exit" in request.POST and exit_form.is_valid():
            try:
                services.application_exit(
                    actor=request.user,
                    application=application,
                    reason=exit_form.cleaned_data["reason"],
                    note=exit_form.cleaned_data["note"],
                )
            except ServiceError as exc:
                exc.to_form(exit_form)
            else:
                messages.success(request, _("事项已退出清单。"))
                return redirect("duties:application", pk=pk)
        elif "review" in request.POST and review_form.is_valid():
            try:
                services.application_annual_review(
                    actor=request.user, application=application, **review_form.cleaned_data
                )
            except ServiceError as exc:
                exc.to_form(review_form)
            else:
                messages.success(request, _("年度评估已记录。"))
                return redirect("duties:application", pk=pk)
    errors = decision_form.errors or exit_form.errors or review_form.errors
    return render(
        request,
        "duties/application.html",
        {
            "application": application,
            "can_review": can_review,
            "decision_form": decision_form,
            "exit_form": exit_form,
            "review_form": review_form,
            "pending": application.status == AdmissionApplication.Status.SUBMITTED,
            "admitted": application.status == AdmissionApplication.Status.ADMITTED,
        },
        status=400 if errors else 200,
    )


# ---- the task gate --------------------------------------------------------------------------------------------------


@allowed(policy, "view_tasks")
def tasks(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "duties/tasks.html",
        {
            "page": _page(request, selectors.task_list(viewer=request.user, status=request.GET.get("status"))),
            "can_send": policy.allows(request.user, "send_task"),
            "can_report": policy.allows(request.user, "receive_task"),
        },
    )


@allowed(policy, "send_task")
@require_http_methods(["GET", "POST"])
def task_new(request: HttpRequest) -> HttpResponse:
    form = forms.TaskForm(request.POST or None, initial={"matter_code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = services.task_send(
                actor=request.user,
                community=_division(data["community"]),
                kind=data["kind"],
                matter_code=data["matter_code"],
                title=data["title"],
                body=data["body"],
                due_on=data["due_on"],
            )
        except ServiceError as exc:
            exc.to_form(form)
        else:
            return redirect("duties:task", pk=task.pk)
    communities = Division.objects.none()
    roots = policy.roots(request.user, "send_task")
    if roots:
        communities = Division.objects.filter(level=Level.COMMUNITY, is_active=True, path__startswith=roots[0])[:200]
    return render(
        request,
        "duties/task_form.html",
        {"form": form, "communities": communities},
        status=400 if form.errors else 200,
    )


@allowed(policy, "view_tasks")
@require_http_methods(["GET", "POST"])
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get(viewer=request.user, pk=pk)
    can_refuse = task.status == Task.Status.DELIVERED and policy.can(request.user, "receive_task", task)
    form = forms.NoteForm(request.POST or None)
    if request.method == "POST" and can_refuse and form.is_valid():
        try:
            services.task_refuse(actor=request.user, task=task, note=form.cleaned_data["note"])
        except ServiceError as exc:
            exc.to_form(form)
        else:
            messages.success(request, _("已拒收。"))
            return redirect("duties:task", pk=pk)
    violation = ViolationCase.objects.filter(task=task).first()
    return render(
        request,
        "duties/task.html",
        {"task": task, "can_refuse": can_refuse, "form": form, "violation": violation},
        status=400 if form.errors else 200,
    )


def _community_of(request: HttpRequest, action: str) -> Division:
    for grant in grants_of(request.user):
        if grant.role in policy.rules[action]:
            division = Division.objects.get(pk=grant.division_id)
            if division.level == Level.COMMUNITY:
                return division
    raise NotFound(_("您的账号没有登记所在社区。"))


@allowed(policy, "receive_task")
@require_http_methods(["GET", "POST"])
def task_report(request: HttpRequest) -> HttpResponse:
    """举报平台外派发并一步拒收."""
    community = _community_of(request, "receive_task")
    form = forms.ReportForm(request.POST or None)
    form.fields["sender_unit"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
        kind__in=(Unit.Kind.DEPARTMENT, Unit.Kind.STREET_OFFICE), scope_path__startswith=community.path[:6]
    ).order_by("kind", "name")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = services.task_report(
                actor=request.user,
                community=community,
                sender_unit=data["sender_unit"],
                kind=data["kind"],
                title=data["title"],
                body=data["body"],
                matter_code=data["matter_code"],
            )
        except ServiceError as exc:
            exc.to_form(form)
        else:
            messages.success(request, _("已记录、拒收并立案。"))
            return redirect("duties:task", pk=task.pk)
    return render(
        request,
        "duties/form.html",
        {
            "form": form,
            "title": _("举报平台外派发的任务"),
            "lead": _("未经平台派发的任务一律拒收，并作为违规转嫁立案。"),
        },
        status=400 if form.errors else 200,
    )


# ---- certificates ---------------------------------------------------------------------------------------------------


@allowed(policy, "view_certificates")
@require_http_methods(["GET", "POST"])
def certificates(request: HttpRequest) -> HttpResponse:
    can_issue = policy.allows(request.user, "issue_certificate")
    form = forms.CertificateForm(request.POST or None)
    allowed_items: list[Any] = []
    community = None
    if can_issue:
        community = _community_of(request, "issue_certificate")
        allowed_items = selectors.certificate_items(community=community, on=timezone.localdate())
    if request.method == "POST" and can_issue and community is not None and form.is_valid():
        try:
            certificate = services.certificate_issue(actor=request.user, community=community, **form.cleaned_data)
        except ServiceError as exc:
            exc.to_form(form)
        else:
            messages.success(
                request,
                _("已出具证明 %(n)s，核验码 %(c)s。") % {"n": certificate.number, "c": certificate.verification_code},
            )
            return redirect("duties:certificates")
    return render(
        request,
        "duties/certificates.html",
        {
            "form": form,
            "can_issue": can_issue,
            "allowed_items": allowed_items,
            "page": _page(request, selectors.certificate_list(viewer=request.user)),
        },
        status=400 if form.errors else 200,
    )


# ---- violations and corrections -------------------------------------------------------------------------------------


@allowed(policy, "view_violations")
def violations(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "duties/violations.html",
        {
            "page": _page(request, selectors.violation_list(viewer=request.user)),
            "stats": selectors.violation_stats(viewer=request.user),
        },
    )


@allowed(policy, "view_violations")
@require_http_methods(["GET", "POST"])
def violation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.violation_get(viewer=request.user, pk=pk)
    can_handle = policy.can(request.user, "handle_violation", case)
    step = request.POST.get("step", "")
    findings = forms.FindingsForm(request.POST if step == "investigate" else None)
    order = forms.OrderForm(request.POST if step == "order" else None)
    notice = forms.NoticeForm(
        request.POST if step == "notice" else None,
        initial={
            "title": _("关于%(o)s向社区转嫁职责事项的通报") % {"o": case.offender.name},
            "body": f"{case.summary}\n{case.findings}",
        },
    )
    referral = forms.NoteForm(request.POST if step == "refer" else None)
    actions: dict[str, tuple[Form, Callable[[dict[str, Any]], object]]] = {
        "investigate": (
            findings,
            lambda d: services.violation_investigate(
                actor=request.user, case=case, findings=d["findings"], dismiss=d["dismiss"]
            ),
        ),
        "order": (
            order,
            lambda d: services.violation_order_correction(
                actor=request.user, case=case, requirement=d["requirement"], working_days=d["working_days"]
            ),
        ),
        "notice": (
            notice,
            lambda d: services.violation_publish_notice(
                actor=request.user, case=case, title=d["title"], body=d["body"]
            ),
        ),
        "refer": (referral, lambda d: services.violation_refer(actor=request.user, case=case, note=d["note"])),
    }
    if request.method == "POST" and can_handle and step in actions:
        form, run = actions[step]
        if form.is_valid():
            try:
                run(form.cleaned_data)
            except ServiceError as exc:
                exc.to_form(form)
            else:
                messages.success(request, _("已保存。"))
                return redirect("duties:violation", pk=pk)
    return render(
        request,
        "duties/violation.html",
        {
            "case": case,
            "can_handle": can_handle,
            "findings_form": findings,
            "order_form": order,
            "notice_form": notice,
            "refer_form": referral,
        },
        status=400 if any(f.errors for f, _r in actions.values()) else 200,
    )


@allowed(policy, "view_corrections")
def corrections(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "duties/corrections.html",
        {
            "page": _page(request, selectors.correction_list(viewer=request.user)),
            "can_order": policy.allows(request.user, "order_correction"),
        },
    )


@allowed(policy, "order_correction")
@require_http_methods(["GET", "POST"])
def correction_new(request: HttpRequest) -> HttpResponse:
    form = forms.CorrectionForm(request.POST or None)
    roots = policy.roots(request.user, "order_correction")
    committees = Unit.objects.filter(kind=Unit.Kind.RESIDENTS_COMMITTEE, is_active=True)
    form.fields["target_unit"].queryset = (  # type: ignore[attr-defined]
        policy.visible(request.user, "order_correction", committees).order_by("scope_path")
        if roots
        else committees.none()
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order = services.correction_issue(actor=request.user, **data)
        except ServiceError as exc:
            exc.to_form(form)
        else:
            return redirect("duties:correction", pk=order.pk)
    return render(
        request,
        "duties/form.html",
        {
            "form": form,
            "title": _("下达纠正/整改通知"),
            "lead": _("条例第二十条第三款：居民会议予以纠正，或街道办事处责令改正。"),
        },
        status=400 if form.errors else 200,
    )


@allowed(policy, "view_corrections")
@require_http_methods(["GET", "POST"])
def correction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.correction_get(viewer=request.user, pk=pk)
    report_form = forms.NoteForm(request.POST if "report" in request.POST else None)
    verify_form = forms.VerifyCorrectionForm(request.POST if "verify" in request.POST else None)
    if request.method == "POST":
        try:
            if "report" in request.POST and report_form.is_valid():
                services.correction_report(actor=request.user, order=order, note=report_form.cleaned_data["note"])
                return redirect("duties:correction", pk=pk)
            if "verify" in request.POST and verify_form.is_valid():
                services.correction_verify(
                    actor=request.user,
                    order=order,
                    accepted=verify_form.cleaned_data["accepted"],
                    note=verify_form.cleaned_data["note"],
                )
                return redirect("duties:correction", pk=pk)
        except ServiceError as exc:
            exc.to_form(report_form if "report" in request.POST else verify_form)
    return render(
        request,
        "duties/correction.html",
        {
            "order": order,
            "report_form": report_form,
            "verify_form": verify_form,
            "can_report": order.status in (CorrectionOrder.Status.OPEN, CorrectionOrder.Status.OVERDUE)
            and policy.can(request.user, "report_correction", order),
            "can_verify": order.status == CorrectionOrder.Status.REPORTED
            and policy.can(request.user, "order_correction", order),
        },
        status=400 if report_form.errors or verify_form.errors else 200,
    )


# ---- evaluation -----------------------------------------------------------------------------------------------------


@allowed(policy, "view_evaluation")
@require_http_methods(["GET", "POST"])
def evaluations(request: HttpRequest) -> HttpResponse:
    can_manage = policy.allows(request.user, "manage_evaluation")
    form = forms.RoundForm(request.POST or None)
    if request.method == "POST" and can_manage and form.is_valid():
        data = form.cleaned_data
        try:
            round = services.evaluation_round_create(
                actor=request.user,
                county=_division(data["county"], Level.COUNTY),
                title=data["title"],
                period_start=data["period_start"],
                period_end=data["period_end"],
            )
        except ServiceError as exc:
            exc.to_form(form)
        else:
            return redirect("duties:evaluation", pk=round.pk)
    return render(
        request,
        "duties/evaluations.html",
        {
            "page": _page(request, selectors.evaluation_list(viewer=request.user)),
            "form": form,
            "can_manage": can_manage,
        },
        status=400 if form.errors else 200,
    )


@allowed(policy, "view_evaluation")
@require_http_methods(["GET", "POST"])
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round = selectors.evaluation_get(viewer=request.user, pk=pk)
    can_manage = policy.can(request.user, "manage_evaluation", round)
    step = request.POST.get("step", "")
    indicator_form = forms.IndicatorForm(request.POST if step == "indicator" else None)
    rating_form = forms.RatingForm(request.POST if step == "rate" else None)
    rating_form.fields["indicator"].queryset = round.indicators.filter(  # type: ignore[attr-defined]
        source__in=(Indicator.Source.COMMITTEE_OPINION, Indicator.Source.STREET_SCORE)
    )
    rating_form.fields["department"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
        kind=Unit.Kind.DEPARTMENT, scope_path=round.scope_path, is_active=True
    ).order_by("name")
    can_rate = round.status == EvaluationRound.Status.OPEN and (
        policy.allows(request.user, "give_opinion") or policy.allows(request.user, "street_score")
    )
    if request.method == "POST":
        try:
            if step == "indicator" and can_manage and indicator_form.is_valid():
                services.indicator_add(actor=request.user, round=round, **indicator_form.cleaned_data)
                return redirect("duties:evaluation", pk=pk)
            if step == "open" and can_manage:
                services.evaluation_round_open(actor=request.user, round=round)
                return redirect("duties:evaluation", pk=pk)
            if step == "publish" and can_manage:
                services.evaluation_publish(actor=request.user, round=round)
                return redirect("duties:evaluation", pk=pk)
            if step == "rate" and can_rate and rating_form.is_valid():
                services.rating_submit(actor=request.user, round=round, **rating_form.cleaned_data)
                messages.success(request, _("评分已保存。"))
                return redirect("duties:evaluation", pk=pk)
        except ServiceError as exc:
            target = indicator_form if step == "indicator" else rating_form
            if step in ("open", "publish"):
                messages.error(request, str(exc.message))
            else:
                exc.to_form(target)
    rows = selectors.evaluation_compute(round=round) if round.status != EvaluationRound.Status.DRAFT else []
    return render(
        request,
        "duties/evaluation.html",
        {
            "round": round,
            "indicators": list(round.indicators.all()),
            "rows": rows,
            "results": round.results.select_related("department"),
            "can_manage": can_manage,
            "can_rate": can_rate,
            "indicator_form": indicator_form,
            "rating_form": rating_form,
        },
        status=400 if indicator_form.errors or rating_form.errors else 200,
    )


@allowed(policy, "view_evaluation")
def evaluation_export(request: HttpRequest, pk: int) -> HttpResponse:
    round = selectors.evaluation_get(viewer=request.user, pk=pk)
    return _xlsx(spreadsheets.results_export(round=round), f"evaluation-{round.pk}.xlsx")
