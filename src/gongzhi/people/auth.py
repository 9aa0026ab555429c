"""API authentication: the browser's session (second factor passed for staff, CSRF checked) or a bearer token."""

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from .models import User
from .services import api_token_authenticate


class SessionAuth(APIKeyCookie):
    """Django's session cookie; staff sessions count only once the TOTP step has been passed."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not user.is_authenticated or not isinstance(user, User):
            return None
        if user.needs_second_factor and not user.is_verified():  # type: ignore[attr-defined]
            return None
        return user


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is None:
            return None
        request.user = user
        return user


session_auth = SessionAuth()
token_auth = TokenAuth()
API_AUTH = [token_auth, session_auth]
