"""Every page declares who may use it (deny by default); the URL sweep test fails on a view that declares nothing.

`public` — anyone, listed on purpose; `signed_in` — any signed-in user (their own data only);
`allowed(policy, action)` — users holding a role the policy lists for the action somewhere.
Service errors inside a page become the matching HTTP answer, so out-of-scope objects answer 404 like missing ones.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from .errors import Forbidden, NotFound
from .policy import Policy

View = TypeVar("View", bound=Callable[..., HttpResponse])
ACCESS_ATTR = "gongzhi_access"


def declared_access(view: Any) -> str | None:
    for candidate in (view, getattr(view, "view_class", None), getattr(view, "__wrapped__", None)):
        if candidate is not None and getattr(candidate, ACCESS_ATTR, None):
            return str(getattr(candidate, ACCESS_ATTR))
    return None


def _translate_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(str(exc.message)) from exc
        except Forbidden as exc:
            raise PermissionDenied(str(exc.message)) from exc

    return wrapper


def public(view: View) -> View:
    setattr(view, ACCESS_ATTR, "public")
    return view


def signed_in(view: View) -> View:
    inner = _translate_errors(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return inner(request, *args, **kwargs)

    setattr(wrapper, ACCESS_ATTR, "signed_in")
    return wrapper  # type: ignore[return-value]


def allowed(policy: Policy, action: str) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        inner = _translate_errors(view)

        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not policy.allows(request.user, action):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        setattr(wrapper, ACCESS_ATTR, f"{policy.domain}:{action}")
        return wrapper  # type: ignore[return-value]

    return decorate
