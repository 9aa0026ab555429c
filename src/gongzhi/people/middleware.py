"""Staff must pass a TOTP second factor before any page but the sign-in steps (等保 2.0 L3: two factors)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# The sign-in steps themselves, static files, and the API (which checks the second factor in its own auth classes).
OPEN_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/second-factor/",
    "/accounts/preferences/",
    "/static/",
    "/api/",
    "/healthz",
)


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
            and getattr(user, "needs_second_factor", False)
            and not user.is_verified()  # type: ignore[attr-defined]
        ):
            return redirect(f"{reverse('people:second_factor')}?next={request.get_full_path()}")
        return self.get_response(request)
