"""Account administration: the system administrator creates accounts and assigns roles; the security administrator
unlocks accounts and resets authenticators (三员分立: each page checks its own duty)."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongzhi.core.access import allowed
from gongzhi.core.errors import ServiceError
from gongzhi.territory.models import Division
from gongzhi.territory.selectors import division_get

from . import selectors, services
from .forms import AccountForm, AssignRoleForm, EndRoleForm
from .models import LoginThrottle, Unit, User
from .permissions import policy


def _units_for(viewer: Any) -> Any:
    return policy.visible(viewer, "view_units", Unit.objects.filter(is_active=True)).order_by("scope_path", "name")


def _division(request: HttpRequest, form: Any) -> Division | None:
    try:
        return division_get(viewer=request.user, code=form.cleaned_data["division_code"])
    except ServiceError:
        form.add_error("division_code", _("找不到该区划，或它不在您的辖区内"))
        return None


@allowed(policy, "view_accounts")
def account_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:60]
    page = Paginator(selectors.account_list(viewer=request.user, search=search), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "people/admin_list.html",
        {"page": page, "search": search, "can_create": policy.allows(request.user, "manage_accounts")},
    )


@allowed(policy, "manage_accounts")
@require_http_methods(["GET", "POST"])
def account_create(request: HttpRequest) -> HttpResponse:
    form = AccountForm(
        request.POST or None, units=_units_for(request.user), initial={"starts_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        division = _division(request, form)
        if division is not None:
            data = form.cleaned_data
            try:
                user = services.account_onboard(
                    actor=request.user,
                    username=data["username"],
                    password=data["password"],
                    display_name=data["display_name"],
                    role=data["role"],
                    division=division,
                    unit=data["unit"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                )
            except ServiceError as exc:
                exc.to_form(form)
            else:
                messages.success(request, _("已创建账号 %(u)s。") % {"u": user.username})
                return redirect("people:admin_account", user_id=user.pk)
    return render(
        request, "people/admin_form.html", {"form": form, "title": _("新建账号")}, status=400 if form.errors else 200
    )


@allowed(policy, "view_accounts")
@require_http_methods(["GET", "POST"])
def account_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    account = selectors.account_get(viewer=request.user, user_id=user_id)
    form = AssignRoleForm(
        request.POST or None, units=_units_for(request.user), initial={"starts_on": timezone.localdate()}
    )
    if request.method == "POST":
        policy.require(request.user, "assign_roles")
        if form.is_valid():
            division = _division(request, form)
            if division is not None:
                data = form.cleaned_data
                try:
                    services.role_assign(
                        actor=request.user,
                        user=account,
                        role=data["role"],
                        division=division,
                        unit=data["unit"],
                        starts_on=data["starts_on"],
                        ends_on=data["ends_on"],
                    )
                except ServiceError as exc:
                    exc.to_form(form)
                else:
                    messages.success(request, _("已授予角色。"))
                    return redirect("people:admin_account", user_id=account.pk)
    throttle = LoginThrottle.objects.filter(username=account.username.lower()).first()
    context = {
        "account": account,
        "assignments": account.role_assignments.select_related("division", "unit").order_by("-starts_on"),
        "form": form,
        "end_form": EndRoleForm(initial={"ends_on": timezone.localdate()}),
        "can_assign": policy.allows(request.user, "assign_roles"),
        "can_secure": policy.allows(request.user, "manage_security"),
        "locked_until": throttle.locked_until
        if throttle and throttle.locked_until and throttle.locked_until > timezone.now()
        else None,
        "has_device": TOTPDevice.objects.filter(user=account, confirmed=True).exists(),
    }
    return render(request, "people/admin_account.html", context, status=400 if form.errors else 200)


@allowed(policy, "assign_roles")
@require_POST
def assignment_end(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = selectors.assignment_get(viewer=request.user, assignment_id=assignment_id)
    form = EndRoleForm(request.POST)
    if form.is_valid():
        try:
            services.role_end(actor=request.user, assignment=assignment, ends_on=form.cleaned_data["ends_on"])
        except ServiceError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("已终止该角色任命。"))
    else:
        messages.error(request, _("请填写有效的终止日期。"))
    return redirect("people:admin_account", user_id=assignment.user_id)


def _secured_account(request: HttpRequest, user_id: int) -> tuple[User, Division]:
    account = selectors.account_get(viewer=request.user, user_id=user_id)
    roots = policy.roots(request.user, "manage_security")
    assignment = next(
        (a for a in account.role_assignments.all() if any(a.scope_path.startswith(r) for r in roots)), None
    )
    if assignment is None:
        from gongzhi.core.errors import NotFound

        raise NotFound(_("未找到该记录，或您无权查看。"))
    return account, assignment.division


@allowed(policy, "manage_security")
@require_POST
def account_unlock(request: HttpRequest, user_id: int) -> HttpResponse:
    account, division = _secured_account(request, user_id)
    services.account_unlock(actor=request.user, user=account, division=division)
    messages.success(request, _("已解除锁定。"))
    return redirect("people:admin_account", user_id=account.pk)


@allowed(policy, "manage_security")
@require_POST
def account_reset_second_factor(request: HttpRequest, user_id: int) -> HttpResponse:
    account, division = _secured_account(request, user_id)
    services.totp_reset(actor=request.user, user=account, division=division)
    messages.success(request, _("已重置身份验证器，该用户下次登录时重新绑定。"))
    return redirect("people:admin_account", user_id=account.pk)
