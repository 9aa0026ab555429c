"""代办 standing consent (record, check, revoke, enforce, shown to the resident), staff editing residents and
households from the pages, residents linking their own account, and erasure after an approved deletion request."""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from gongzhi.core.actors import SYSTEM
from gongzhi.core.errors import Conflict, Forbidden, ServiceError
from gongzhi.ledger.models import AuditEvent
from gongzhi.residents import events, services, vault
from gongzhi.residents.models import GroupFlag, ProxyConsent, ProxyPurpose, Resident, SubjectRequest

pytestmark = [pytest.mark.django_db, pytest.mark.clause("R12.3")]


def consent(resident: Any, **kw: Any) -> ProxyConsent:
    today = timezone.localdate()
    args: dict[str, Any] = {
        "actor": SYSTEM,
        "resident": resident,
        "purpose": ProxyPurpose.SUBJECT_RIGHTS,
        "matters": "代为申请更正手机号",
        "method": ProxyConsent.Method.WRITTEN,
        "evidence": "授权书 2026-001",
        "given_on": today,
        "expires_on": today + timedelta(days=90),
    }
    return services.proxy_consent_record(**(args | kw))


def test_consent_to_a_named_worker_or_a_unit_checked_by_purpose_and_period(
    registry: dict[str, Any], user_named: Callable[[str], Any]
) -> None:
    granny, worker, grid_worker = registry["granny"], user_named("worker"), user_named("grid_worker")
    check = services.proxy_consent_check
    assert check(agent=worker, resident=granny, purpose=ProxyPurpose.SUBJECT_RIGHTS) is None
    named = consent(granny, agent=worker)
    assert check(agent=worker, resident=granny, purpose=ProxyPurpose.SUBJECT_RIGHTS) == named
    assert check(agent=worker, resident=granny, purpose=ProxyPurpose.APPEALS) is None  # another purpose
    assert check(agent=grid_worker, resident=granny, purpose=ProxyPurpose.SUBJECT_RIGHTS) is None  # not named
    later = timezone.localdate() + timedelta(days=91)
    assert check(agent=worker, resident=granny, purpose=ProxyPurpose.SUBJECT_RIGHTS, on=later) is None  # expired
    unit = consent(granny, unit=granny.community, purpose=ProxyPurpose.ANY, method=ProxyConsent.Method.PHONE)
    assert check(agent=grid_worker, resident=granny, purpose=ProxyPurpose.APPEALS) == unit
    assert check(agent=user_named("worker_gh"), resident=granny, purpose=ProxyPurpose.APPEALS) is None  # elsewhere
    services.proxy_consent_revoke(actor=SYSTEM, consent=unit)
    assert check(agent=grid_worker, resident=granny, purpose=ProxyPurpose.APPEALS) is None
    with pytest.raises(Conflict):
        services.proxy_consent_revoke(actor=SYSTEM, consent=unit)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {events.CONSENT_RECORDED, events.CONSENT_REVOKED} <= actions


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({}, "二选一"),
        ({"agent": "worker", "unit": True}, "二选一"),
        ({"agent": "worker", "purpose": "nope"}, "用途无效"),
        ({"agent": "worker", "method": "telepathy"}, "同意方式"),
        ({"agent": "worker", "evidence": " "}, "凭证说明"),
        ({"agent": "worker", "expires_on": date(2099, 1, 1)}, "一年以内"),
        ({"agent": "worker_gh"}, "负责该居民"),
    ],
)
def test_consent_bad_input_changes_nothing(
    registry: dict[str, Any], user_named: Callable[[str], Any], kw: dict[str, Any], message: str
) -> None:
    granny = registry["granny"]
    if "agent" in kw:
        kw["agent"] = user_named(kw["agent"])
    if kw.get("unit"):
        kw["unit"] = granny.community
    with pytest.raises(ServiceError, match=message):
        consent(granny, **kw)
    assert not ProxyConsent.objects.exists()


@pytest.mark.clause("R8.3")
def test_staff_records_consent_on_the_page_resident_sees_and_revokes_it(
    registry: dict[str, Any], client_for: Callable[[str], Client]
) -> None:
    granny = registry["granny"]
    worker = client_for("worker")
    today = timezone.localdate()
    form = {
        "consent-to": "me",
        "consent-purpose": "subject_rights",
        "consent-matters": "代为申请查阅",
        "consent-method": "in_person",
        "consent-evidence": "本人当面确认，工作日志 17 号",
        "consent-given_on": today.isoformat(),
        "consent-expires_on": (today + timedelta(days=30)).isoformat(),
    }
    assert worker.post(f"/residents/r/{granny.public_id}/consents/", form).status_code == 302
    recorded = ProxyConsent.objects.get()
    assert recorded.method == "in_person" and recorded.agent is not None
    # the consent lets the worker file a request on granny's behalf (代办), which was refused before
    services.request_file(actor=recorded.agent, resident=granny, kind="access", field="", details="代为查阅")
    resident = client_for("resident")
    page = resident.get("/residents/me/").content.decode()
    assert "代为申请查阅" in page and "当面" in page
    assert resident.post(f"/residents/me/consents/{recorded.pk}/revoke/").status_code == 302
    recorded.refresh_from_db()
    assert recorded.revoked_at is not None
    with pytest.raises(Forbidden):
        services.request_file(actor=recorded.agent, resident=granny, kind="access", field="", details="再次代为查阅")
    other = client_for("household_head")  # not granny: cannot revoke her consents
    assert other.post(f"/residents/me/consents/{recorded.pk}/revoke/").status_code == 404


def test_worker_edits_resident_and_household_on_the_pages(
    registry: dict[str, Any], client_for: Callable[[str], Client]
) -> None:
    head, family = registry["head"], registry["family"]
    worker = client_for("worker")
    url = f"/residents/r/{head.public_id}/edit/"
    assert "编辑居民信息" in worker.get(url).content.decode()
    bad = worker.post(url, {"name": "唐建国", "phone": "12345", "residence_status": "registered", "relation": "head"})
    assert bad.status_code == 400 and "手机号" in bad.content.decode()
    head.refresh_from_db()
    assert head.phone_masked == "138****1111"  # unchanged
    ok = worker.post(
        url, {"name": "唐建国", "phone": "13700002222", "residence_status": "floating", "relation": "head"}
    )
    assert ok.status_code == 302
    head.refresh_from_db()
    assert head.residence_status == "floating" and vault.decrypt("phone", head.phone_enc or b"") == "13700002222"
    kept = worker.post(url, {"name": "唐建国", "phone": "", "residence_status": "floating", "relation": "head"})
    assert kept.status_code == 302
    head.refresh_from_db()
    assert head.phone_masked == "137****2222"
    hurl = f"/residents/households/{family.public_id}/edit/"
    assert worker.get(hurl).status_code == 200
    assert worker.post(hurl, {"unit": "2", "room": "601", "address": "岷江西路 9 号"}).status_code == 302
    family.refresh_from_db()
    assert family.address_enc is not None and "601" in vault.decrypt("address", family.address_enc)
    assert family.address_masked.startswith("岷江")
    assert client_for("worker_gh").get(url).status_code == 404  # out of scope
    assert client_for("county_authority").get(url).status_code in (403, 404)  # may view, not edit
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {events.RESIDENT_UPDATED, events.HOUSEHOLD_UPDATED} <= actions


@pytest.mark.clause("R8.3")
def test_resident_links_own_account_by_id_and_mobile(
    registry: dict[str, Any], client_for: Callable[[str], Client], user_named: Callable[[str], Any]
) -> None:
    head = registry["head"]
    head.account = None
    head.save()
    Resident.objects.filter(account=user_named("household_head")).update(account=None)
    client = client_for("household_head")
    assert client.get("/residents/me/").status_code == 302  # not linked: sent to the link page
    id_number = services.plaintext(head, "id_number")
    wrong = client.post("/residents/me/link/", {"id_number": id_number, "phone": "13900000000"})
    assert wrong.status_code == 400 and "没有找到" in wrong.content.decode()
    head.refresh_from_db()
    assert head.account_id is None
    ok = client.post("/residents/me/link/", {"id_number": id_number, "phone": "13890001111"})
    assert ok.status_code == 302
    head.refresh_from_db()
    assert head.account == user_named("household_head")
    assert AuditEvent.objects.filter(action=events.ACCOUNT_CLAIM_REFUSED).count() == 1


def test_claim_attempts_are_limited(registry: dict[str, Any], user_named: Callable[[str], Any]) -> None:
    from django.core.cache import cache

    cache.clear()
    actor = user_named("volunteer")
    for _n in range(services.CLAIM_ATTEMPTS):
        with pytest.raises(ServiceError, match="没有找到"):
            services.account_claim(actor=actor, id_number="11010519491231002X", phone="13900000000")
    with pytest.raises(Forbidden):
        services.account_claim(actor=actor, id_number="11010519491231002X", phone="13900000000")
    cache.clear()


def test_approved_deletion_erases_personal_fields_ledger_keeps_digest(
    registry: dict[str, Any], user_named: Callable[[str], Any]
) -> None:
    granny = registry["granny"]
    plain = services.plaintext(granny, "id_number")
    request = services.request_file(
        actor=user_named("resident"), resident=granny, kind="deletion", field="", details="请删除我的信息"
    )
    services.request_handle(actor=user_named("worker"), request=request, status="done", response="已删除")
    granny.refresh_from_db()
    assert granny.erased_at is not None and granny.name == "（已删除）" and granny.account_id is None
    assert granny.phone_enc is None and granny.id_masked == "*" * 18
    assert vault.decrypt("id_number", granny.id_enc) == ""
    assert not GroupFlag.objects.filter(resident=granny).exists()
    assert granny.id_index != vault.blind_index("id_number", plain)  # the number can be registered again
    assert vault.decrypt("request", SubjectRequest.objects.get(pk=request.pk).details_enc) == ""
    event = AuditEvent.objects.get(action=events.RESIDENT_ERASED)
    text = str(event.after)
    assert plain not in text and "唐素芬" not in text and len((event.after or {})["digest"]) == 64
    services.resident_erase(actor=user_named("worker"), resident=granny)  # idempotent
    assert AuditEvent.objects.filter(action=events.RESIDENT_ERASED).count() == 1
