"""Fixtures shared by every test: a small Deyang (real counties and streets, two communities each) and clients."""

from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice


def _seed() -> None:
    from gongzhi.people.demo import seed_people
    from gongzhi.territory.demo import seed_territory

    seed_territory(communities_per_street=2)
    seed_people()


@pytest.fixture(scope="session", autouse=True)
def _test_media_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Uploaded files of the suite go to a temporary folder, never to the checkout's own media (the photo sweep
    deletes files no row of the test database names)."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> None:
    """Seed the small Deyang once per session; each test then runs in a transaction that is rolled back."""
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        _seed()


@pytest.fixture
def deyang(db: None) -> None:
    _seed()  # a no-op unless a transactional test flushed the database


@pytest.fixture
def user_named(deyang: None) -> Callable[[str], object]:
    from gongzhi.people.models import User

    return lambda username: User.objects.get(username=username)


@pytest.fixture
def client_for(deyang: None) -> Callable[[str], Client]:
    """A browser session for a demo user, past the TOTP step for staff."""
    from gongzhi.people.models import User

    def make(username: str) -> Client:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        if user.needs_second_factor:
            device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
            session = client.session
            session["otp_device_id"] = device.persistent_id
            session.save()
        return client

    return make


# The response scanner (DP-03): every response any test receives through Django's test client is checked for
# unmasked, checksum-valid ID numbers — HTML, JSON, CSV and the XML inside .xlsx files. Responses that disclose
# plaintext on purpose (a logged reveal, the resident's own download, an export by a holder of the reveal permission)
# carry the X-Gongzhi-Disclosure header and are let through.
def _response_text(response: object) -> str:
    import io
    import zipfile

    content = getattr(response, "content", b"") if not getattr(response, "streaming", False) else b""
    if content[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
        except zipfile.BadZipFile:
            pass
    return bytes(content).decode("utf-8", "replace")


@pytest.fixture(autouse=True)
def _no_unmasked_id_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.test.client import Client as DjangoClient

    from gongzhi.residents.identity import find_valid_ids

    original = DjangoClient.request

    def scanned(self: DjangoClient, **request: object) -> object:
        response = original(self, **request)
        if not response.get("X-Gongzhi-Disclosure"):
            found = find_valid_ids(_response_text(response))
            if found:
                pytest.fail(
                    f"unmasked ID number in the response to {request.get('PATH_INFO')}: {found[0][:6]}…", pytrace=False
                )
        return response

    monkeypatch.setattr(DjangoClient, "request", scanned)


@pytest.fixture(autouse=True)
def _fresh_process_caches() -> None:
    """Rolled-back test transactions reuse primary keys on SQLite, and a flushed database loses its version rows: the
    process-wide grants cache and reference-data cache start empty in every test."""
    from gongzhi.core.refdata import CACHE
    from gongzhi.people.models import GRANTS_CACHE

    GRANTS_CACHE.clear()
    CACHE.clear()


@pytest.fixture(autouse=True)
def _chinese_first() -> Iterator[None]:
    """A request in English leaves English active in the thread; every test starts in the primary language again."""
    yield
    translation.activate(settings.LANGUAGE_CODE)
