"""The page shell: runs on an intranet (every asset local), idle sessions expire, the API spec is OpenAPI 3.1."""

import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db

EXTERNAL = re.compile(r"""(?:src|href)=["'](?:https?:)?//""")


def test_no_page_loads_anything_from_outside(client_for) -> None:  # type: ignore[no-untyped-def]
    worker = client_for("worker")
    for client, url in [
        (Client(), "/accounts/login/"),
        (worker, "/"),
        (worker, "/territory/"),
        (worker, "/accounts/profile/"),
        (Client(), "/api/v1/docs"),
    ]:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert not EXTERNAL.search(response.content.decode()), url


def test_openapi_is_3_1_and_names_the_error_shape(deyang: None) -> None:
    spec = Client().get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    assert "/api/v1/territory/divisions" in spec["paths"]


def test_idle_sessions_expire(client_for, settings) -> None:  # type: ignore[no-untyped-def]
    worker = client_for("worker")
    assert worker.get("/").status_code == 200
    assert worker.session.get_expiry_age() <= settings.SESSION_COOKIE_AGE
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))  # the idle period has passed
    response = worker.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.clause("R8.3")
def test_large_text_mode_is_remembered(client_for) -> None:  # type: ignore[no-untyped-def]
    resident = client_for("resident")
    resident.post("/accounts/preferences/", {"large_text": "1", "next": "/"})
    assert 'class="large-text"' in resident.get("/").content.decode()
    anonymous = Client()
    anonymous.post("/accounts/preferences/", {"large_text": "1", "next": "/accounts/login/"})
    assert 'class="large-text"' in anonymous.get("/accounts/login/").content.decode()
