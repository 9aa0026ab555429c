from datetime import date

import pytest
from django.test import Client

from gongzhi.core.actors import SYSTEM
from gongzhi.core.errors import Conflict
from gongzhi.core.roles import Role
from gongzhi.people import services
from gongzhi.people.demo import DEMO_PASSWORD
from gongzhi.territory.models import Division

pytestmark = pytest.mark.django_db


def test_lockout_after_repeated_failures_then_cool_off(deyang: None) -> None:
    client = Client()
    for _ in range(5):
        response = client.post("/accounts/login/", {"username": "resident", "password": "wrong"})
        assert response.status_code == 400
    assert "锁定" in response.content.decode()
    refused = client.post("/accounts/login/", {"username": "resident", "password": DEMO_PASSWORD})
    assert "锁定" in refused.content.decode() and "_auth_user_id" not in client.session
    from django.utils import timezone

    from gongzhi.people.models import LoginThrottle

    LoginThrottle.objects.filter(username="resident").update(locked_until=timezone.now())  # the cool-off ends
    ok = client.post("/accounts/login/", {"username": "resident", "password": DEMO_PASSWORD})
    assert ok.status_code == 302


def test_staff_must_pass_second_factor(deyang: None) -> None:
    client = Client()
    response = client.post("/accounts/login/", {"username": "worker", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and "/accounts/second-factor/" in response["Location"]
    assert client.get("/").status_code == 302  # every page waits for the second factor
    enrol = client.get("/accounts/second-factor/enrol/")
    assert enrol.status_code == 200 and "totp-secret" in enrol.content.decode()
    wrong = client.post("/accounts/second-factor/enrol/", {"code": "000000"})
    assert wrong.status_code == 400
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__username="worker", confirmed=False)
    device.throttle_reset()  # django-otp throttles the attempt right after a failure; the user would wait a second
    good = client.post("/accounts/second-factor/enrol/", {"code": f"{totp(device.bin_key):06d}"})
    assert good.status_code == 302
    assert client.get("/").status_code == 200
    # The API also refuses an unverified staff session.
    unverified = Client()
    unverified.post("/accounts/login/", {"username": "worker", "password": DEMO_PASSWORD})
    assert unverified.get("/api/v1/people/me").status_code == 401


def test_three_admin_duties_never_meet(deyang: None, user_named) -> None:  # type: ignore[no-untyped-def]
    city = Division.objects.get(level="city")
    with pytest.raises(Conflict, match="三员分立"):
        services.role_assign(actor=SYSTEM, user=user_named("admin"), role=Role.AUDITOR, division=city)
    # Ended duties do not clash.
    security = user_named("security")
    assignment = security.role_assignments.get()
    services.role_end(actor=SYSTEM, assignment=assignment, ends_on=date(2026, 1, 1))
    assignment.refresh_from_db()


def test_admin_cannot_grant_outside_scope_or_to_self(deyang: None, user_named) -> None:  # type: ignore[no-untyped-def]
    admin = user_named("admin")
    with pytest.raises(Exception, match="自己"):
        services.role_assign(actor=admin, user=admin, role=Role.AUTHORITY, division=Division.objects.get(level="city"))
    with pytest.raises(Exception):  # noqa: B017 — a street official may not assign roles at all
        services.role_assign(
            actor=user_named("street_official"),
            user=user_named("resident"),
            role=Role.VOLUNTEER,
            division=Division.objects.get(code="510603001000"),
        )


def test_api_tokens_are_scoped_like_their_user_and_revocable(client_for) -> None:  # type: ignore[no-untyped-def]
    session = client_for("worker")
    created = session.post("/api/v1/people/tokens", {"name": "网格通", "days": 30}, content_type="application/json")
    assert created.status_code == 201
    secret = created.json()["secret"]
    machine = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert machine.get("/api/v1/people/me").json()["username"] == "worker"
    items = machine.get("/api/v1/territory/divisions", {"limit": 200}).json()["items"]
    assert items and all(i["code"].startswith(items[0]["code"][:12]) for i in items)
    assert session.delete(f"/api/v1/people/tokens/{created.json()['id']}").status_code == 204
    assert machine.get("/api/v1/people/me").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer nonsense").get("/api/v1/people/me").status_code == 401


def test_a_token_stops_working_the_moment_its_user_is_deactivated_or_it_expires(client_for, user_named) -> None:  # type: ignore[no-untyped-def]
    """The token lookup is compiled once per process (`HotQuery`) but reads the token and its user on every request."""
    from datetime import timedelta

    from django.utils import timezone

    from gongzhi.people.models import ApiToken

    session = client_for("worker")
    created = session.post("/api/v1/people/tokens", {"name": "网格通", "days": 30}, content_type="application/json")
    machine = Client(HTTP_AUTHORIZATION=f"Bearer {created.json()['secret']}")
    assert machine.get("/api/v1/people/me").json()["username"] == "worker"
    worker = user_named("worker")
    worker.is_active = False
    worker.save(update_fields=["is_active"])
    assert machine.get("/api/v1/people/me").status_code == 401
    worker.is_active = True
    worker.save(update_fields=["is_active"])
    assert machine.get("/api/v1/people/me").status_code == 200
    ApiToken.objects.filter(pk=created.json()["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert machine.get("/api/v1/people/me").status_code == 401


def test_revoking_a_malformed_token_id_is_harmless(client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for("worker").post("/accounts/profile/", {"revoke": "1 OR 1=1"})
    assert response.status_code == 302


def test_role_changes_reach_cached_grants_at_once(client_for, user_named) -> None:  # type: ignore[no-untyped-def]
    """Grants are cached across requests (`GRANTS_CACHE`, keyed by `grants_version`); a role assigned through the
    service, or removed past the services, takes effect on the very next request."""
    from gongzhi.people.models import GRANTS_CACHE

    session = client_for("worker")
    secret = session.post("/api/v1/people/tokens", {"name": "网格通", "days": 30}, content_type="application/json")
    machine = Client(HTTP_AUTHORIZATION=f"Bearer {secret.json()['secret']}")

    def divisions() -> int:
        response = machine.get("/api/v1/territory/divisions", {"limit": 200})
        assert response.status_code == 200
        return len(response.json()["items"])

    seen = divisions()
    worker = user_named("worker")
    assert divisions() == seen  # the second request is served from the cache
    assert any(key[0] == worker.pk and key[1] == worker.grants_version for key in GRANTS_CACHE.held())
    community = Division.objects.get(path=worker.active_grants()[0].path)
    street = community.parent
    assert street is not None
    added = services.role_assign(actor=SYSTEM, user=worker, role=Role.STREET_OFFICIAL, division=street)
    wider = divisions()
    assert wider > seen  # the street's other communities and grids, at once
    added.delete()  # a write past the services (an administrator's shell) moves the version too
    assert divisions() == seen
