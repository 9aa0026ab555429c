"""Sign-in with lockout, TOTP enrolment and verification for staff, sign-out, profile and API tokens."""

import base64
from typing import Any
from urllib.parse import quote

import segno
from django.conf import settings
from django.contrib import auth, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongzhi.core.access import public, signed_in
from gongzhi.core.errors import ServiceError

from . import services
from .forms import CodeForm, LoginForm, PreferencesForm, TokenForm
from .models import ApiToken, User


def _next_url(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@public
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        locked_until = services.login_locked_until(username)
        if locked_until is not None:
            form.add_error(
                None,
                _("登录失败次数过多，账号已临时锁定，请于 %(t)s 后再试。")
                % {"t": formats.time_format(timezone.localtime(locked_until), "H:i")},
            )
        else:
            user = auth.authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None:
                throttle = services.login_failed(username=username)
                if throttle.locked_until:
                    form.add_error(None, _("登录失败次数过多，账号已临时锁定 15 分钟。"))
                else:
                    form.add_error(None, _("用户名或密码错误。"))
            else:
                services.login_succeeded(username=username)
                auth.login(request, user)
                if isinstance(user, User) and user.needs_second_factor:
                    response = redirect(f"/accounts/second-factor/?next={quote(_next_url(request))}")
                else:
                    response = HttpResponseRedirect(_next_url(request))
                if isinstance(user, User) and user.preferred_language:
                    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.preferred_language, samesite="Lax")
                return response
    return render(
        request, "people/login.html", {"form": form, "next": _next_url(request)}, status=400 if form.errors else 200
    )


@signed_in
@require_http_methods(["GET", "POST"])
def second_factor_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return redirect(f"/accounts/second-factor/enrol/?next={quote(_next_url(request))}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.login_locked_until(user.username) is None and device.verify_token(form.cleaned_data["code"]):
            services.login_succeeded(username=user.username)
            otp_login(request, device)
            return HttpResponseRedirect(_next_url(request))
        throttle = services.login_failed(username=user.username)
        if throttle.locked_until:
            auth.logout(request)
            messages.error(request, _("验证码错误次数过多，账号已临时锁定 15 分钟。"))
            return redirect("people:login")
        form.add_error("code", _("验证码不正确或已过期。"))
    return render(
        request,
        "people/second_factor.html",
        {"form": form, "next": _next_url(request)},
        status=400 if form.errors else 200,
    )


@signed_in
@require_http_methods(["GET", "POST"])
def enrol_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("people:second_factor")
    device = services.totp_device_pending(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_confirm(user=user, device=device, token=form.cleaned_data["code"]):
            otp_login(request, device)
            messages.success(request, _("身份验证器已绑定。"))
            return HttpResponseRedirect(_next_url(request))
        form.add_error("code", _("验证码不正确，请核对手机时间后重试。"))
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#111", title=_("身份验证器二维码"))
    return render(
        request,
        "people/enrol.html",
        {"form": form, "secret": secret, "qr_svg": qr_svg, "next": _next_url(request)},
        status=400 if form.errors else 200,
    )


@public
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    auth.logout(request)
    messages.info(request, _("您已安全退出。"))
    return redirect("people:login")


@public
@require_POST
def preferences_view(request: HttpRequest) -> HttpResponse:
    """Language and large-text mode (适老化, R8.3); kept on the account when signed in, in the session otherwise."""
    form = PreferencesForm(request.POST)
    if form.is_valid():
        language = form.cleaned_data.get("language") or ""
        large_text = form.cleaned_data.get("large_text")
        if large_text is not None:
            request.session["large_text"] = large_text == "1"
        if request.user.is_authenticated and isinstance(request.user, User):
            services.profile_update(user=request.user, language=language, large_text=large_text)
    response = HttpResponseRedirect(_next_url(request))
    if form.is_valid() and form.cleaned_data.get("language"):
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, form.cleaned_data["language"], samesite="Lax")
    return response


@signed_in
@require_http_methods(["GET", "POST"])
def profile_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = TokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST":
        if "revoke" in request.POST:
            token_id = request.POST.get("revoke", "").strip()
            token = ApiToken.objects.filter(user=user, pk=int(token_id)).first() if token_id.isdigit() else None
            if token is not None:
                services.api_token_revoke(actor=user, token=token)
                messages.success(request, _("令牌已吊销。"))
            return redirect("people:profile")
        if form.is_valid():
            try:
                _token, new_secret = services.api_token_create(
                    actor=user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
                )
            except ServiceError as exc:
                exc.to_form(form)
    context: dict[str, Any] = {
        "form": form,
        "new_secret": new_secret,
        "assignments": user.role_assignments.select_related("division", "unit").order_by("-starts_on"),
        "tokens": user.api_tokens.all()[:50],
        "has_device": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
    }
    return render(request, "people/profile.html", context, status=400 if form.errors else 200)
