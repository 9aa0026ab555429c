"""Deny by default: every route declares its access; anonymous users are refused except on the public list."""

import re

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import get_resolver, path

from gongzhi.core.access import public
from gongzhi.web.sweep import public_routes, undeclared_routes, walk

PUBLIC = {
    "healthz",
    "accounts/login/",
    "accounts/logout/",
    "accounts/preferences/",
    "duties/",
    "duties/certificates/check/",
    "appeals/track/",
    "ledger/checkpoint",
    "ledger/verifier-key",
    "disclosures/",
    "disclosures/<int:pk>/",
    "open311/v2/",
    "open311/v2/discovery.<fmt:fmt>",
    "open311/v2/services.<fmt:fmt>",
    "open311/v2/services/<str:code>.<fmt:fmt>",
    "open311/v2/requests.<fmt:fmt>",
    "open311/v2/requests/<str:request_id>.<fmt:fmt>",
}
PUBLIC_API = {"/api/v1/openapi.json", "/api/v1/docs", "/api/v1/ledger/checkpoints"}
# Public API operations that need query parameters (or an index in range): without them they answer 400, not 401.
PUBLIC_API_NEEDS_PARAMS = {
    "/api/v1/ledger/proof/inclusion",
    "/api/v1/ledger/proof/consistency",
    "/api/v1/ledger/leaves/510603001000",
}


def test_every_route_declares_who_may_use_it() -> None:
    assert undeclared_routes(get_resolver().url_patterns) == []


def test_the_sweep_catches_an_undeclared_route() -> None:
    def naked(request: HttpRequest) -> HttpResponse:
        return HttpResponse("")

    @public
    def open_view(request: HttpRequest) -> HttpResponse:
        return HttpResponse("")

    assert undeclared_routes([path("naked/", naked), path("open/", open_view)]) == ["naked/"]


def test_public_routes_are_exactly_the_listed_ones() -> None:
    assert set(public_routes(get_resolver().url_patterns)) == PUBLIC


def concrete(route: str) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", "510603001000", route)


@pytest.mark.django_db
def test_anonymous_users_are_refused_everywhere_but_the_public_list() -> None:
    client = Client()
    for route, _callback in walk(get_resolver().url_patterns):
        if route in PUBLIC or route.startswith("api/v1/") or route.startswith("^"):
            continue
        response = client.get(concrete(route))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], route


@pytest.mark.django_db
def test_every_api_operation_needs_auth_except_the_spec() -> None:
    client = Client()
    checked = 0
    for route, _callback in walk(get_resolver().url_patterns):
        if not route.startswith("api/v1/"):
            continue
        url = concrete(route)
        if url == "/api/v1/":
            continue  # the API root has no operation
        if url in PUBLIC_API:
            assert client.get(url).status_code == 200
            continue
        if url in PUBLIC_API_NEEDS_PARAMS:
            assert client.get(url).status_code == 400, url
            continue
        for method in ("get", "post", "delete"):
            response = getattr(client, method)(url)
            assert response.status_code in (401, 405), (method, url, response.status_code)
            if response.status_code == 401:
                assert response.json()["code"] == "unauthenticated"
                checked += 1
    assert checked >= 5
