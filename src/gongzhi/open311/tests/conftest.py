"""A small Deyang with the bundled appeal category catalog and an Open311 client key."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import translation

from gongzhi.appeals import services as appeal_services
from gongzhi.open311 import services
from gongzhi.open311.models import ApiKey
from gongzhi.territory.models import Division, Level


@dataclass
class World:
    community: Division  # a community of 旌阳街道, 旌阳区
    other_county_community: Division  # a community of 广汉市
    key: ApiKey
    plaintext: str


def ensure_rules() -> None:
    """The Sichuan 2025 deadline rules come from a data migration; a flushed (transactional) database lacks them."""
    from importlib import import_module

    from django.apps import apps

    import_module("gongzhi.appeals.migrations.0002_sichuan_2025_rules").forwards(apps, None)


@pytest.fixture(autouse=True)
def _official_language() -> Iterator[None]:
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def world(deyang: None, user_named: Any, settings: Any, tmp_path: Any) -> World:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.GONGZHI_APPEAL_NOTICE_CHANNEL = "gongzhi.appeals.notify.ConsoleChannel"
    ensure_rules()
    appeal_services.catalog_load_default()
    community = Division.objects.filter(parent__code="510603001000", level=Level.COMMUNITY).order_by("path").first()
    other = Division.objects.filter(path__startswith="510681", level=Level.COMMUNITY).order_by("path").first()
    assert community is not None and other is not None
    key, plaintext = services.apikey_issue(actor=user_named("admin"), client="旌阳区便民 App", scope="510603000000")
    return World(community=community, other_county_community=other, key=key, plaintext=plaintext)
