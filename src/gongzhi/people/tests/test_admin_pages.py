"""Account administration through the pages: duties kept apart, scope enforced, every change audited."""

import pytest
from django.test import Client
from django.utils import timezone

from gongzhi.ledger.models import AuditEvent
from gongzhi.people import services
from gongzhi.people.demo import DEMO_PASSWORD
from gongzhi.people.models import LoginThrottle, User

pytestmark = pytest.mark.django_db

NEW = {
    "username": "li.na",
    "display_name": "李娜",
    "password": "Gz-strong-Passw0rd!",
    "role": "grid_worker",
    "division_code": "510603001000",
    "starts_on": "2026-01-01",
}


def test_system_admin_creates_an_account_with_its_role(client_for) -> None:  # type: ignore[no-untyped-def]
    admin = client_for("admin")
    response = admin.post("/accounts/admin/new/", NEW)
    assert response.status_code == 302, response.content.decode()[-2000:]
    user = User.objects.get(username="li.na")
    assert [(a.role, a.division.code) for a in user.role_assignments.all()] == [("grid_worker", "510603001000")]
    assert AuditEvent.objects.filter(action="people.role_assigned", target_id=str(user.role_assignments.get().pk))


def test_bad_account_input_is_refused_in_place_and_writes_nothing(client_for) -> None:  # type: ignore[no-untyped-def]
    admin = client_for("admin")
    before = User.objects.count()
    for bad in (
        {"username": "x"},
        {"division_code": "9999"},
        {"division_code": "999999999999"},
        {"password": "123"},
        {"role": "emperor"},
    ):
        response = admin.post("/accounts/admin/new/", {**NEW, **bad})
        assert response.status_code == 400, bad
    assert User.objects.count() == before


def test_street_official_sees_only_accounts_in_the_street(client_for, user_named) -> None:  # type: ignore[no-untyped-def]
    street = client_for("street_official")
    listing = street.get("/accounts/admin/").content.decode()
    assert "worker" in listing and "worker_gh" not in listing
    assert street.get(f"/accounts/admin/{user_named('worker_gh').pk}/").status_code == 404
    assert street.get("/accounts/admin/new/").status_code == 403  # viewing is not administering


def test_admin_ends_a_role_and_cannot_do_security_work(client_for, user_named) -> None:  # type: ignore[no-untyped-def]
    admin = client_for("admin")
    assignment = user_named("volunteer").role_assignments.get()
    response = admin.post(f"/accounts/admin/assignments/{assignment.pk}/end/", {"ends_on": "2027-06-30"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert str(assignment.ends_on) == "2027-06-30"
    assert admin.post(f"/accounts/admin/{user_named('worker').pk}/unlock/").status_code == 403


def test_security_admin_sees_locked_accounts_and_unlocks_them(client_for, user_named) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        services.login_failed(username="worker")
    security = client_for("security")
    home = security.get("/").content.decode()
    assert "worker" in home and "锁定" in home
    assert security.post(f"/accounts/admin/{user_named('worker').pk}/unlock/").status_code == 302
    assert not LoginThrottle.objects.filter(username="worker", locked_until__gt=timezone.now()).exists()
    assert AuditEvent.objects.filter(action="people.account_unlocked").exists()
    assert Client().post("/accounts/login/", {"username": "worker", "password": DEMO_PASSWORD}).status_code == 302


def test_admin_pages_need_the_second_factor(deyang: None) -> None:
    client = Client()
    client.post("/accounts/login/", {"username": "admin", "password": DEMO_PASSWORD})
    response = client.get("/accounts/admin/")
    assert response.status_code == 302 and "/accounts/second-factor/" in response["Location"]
