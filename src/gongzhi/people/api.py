"""Who am I, and my API tokens."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema

from gongzhi.core.errors import NotFound

from . import services
from .models import ApiToken, User

router = Router(tags=["people 人员"])


class GrantOut(Schema):
    role: str
    division_code: str
    division_name: str
    starts_on: str
    ends_on: str | None


class MeOut(Schema):
    username: str
    display_name: str
    grants: list[GrantOut]


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=80)
    days: int | None = Field(90, ge=1, le=366)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    secret: str


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict[str, object]:
    user = _user(request)
    assignments = user.role_assignments.select_related("division").order_by("starts_on")
    return {
        "username": user.username,
        "display_name": user.display_name,
        "grants": [
            {
                "role": a.role,
                "division_code": a.division.code,
                "division_name": a.division.name,
                "starts_on": a.starts_on.isoformat(),
                "ends_on": a.ends_on.isoformat() if a.ends_on else None,
            }
            for a in assignments
        ],
    }


@router.get("/tokens", response=list[TokenOut])
def list_tokens(request: HttpRequest) -> list[ApiToken]:
    return list(_user(request).api_tokens.all()[:100])


@router.post("/tokens", response={201: TokenCreatedOut})
def create_token(request: HttpRequest, payload: TokenIn) -> tuple[int, dict[str, object]]:
    token, secret = services.api_token_create(actor=_user(request), name=payload.name, days=payload.days)
    return 201, {**TokenOut.from_orm(token).dict(), "secret": secret}


@router.delete("/tokens/{token_id}", response={204: None})
def revoke_token(request: HttpRequest, token_id: int) -> tuple[int, None]:
    token = _user(request).api_tokens.filter(pk=token_id).first()
    if token is None:
        raise NotFound("未找到该令牌。")
    services.api_token_revoke(actor=_user(request), token=token)
    return 204, None
