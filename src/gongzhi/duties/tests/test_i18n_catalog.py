"""The duties app keeps its English in its own catalog (duties/locale); it covers every string and is compiled."""

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

import gongzhi
from gongzhi.web.tests.test_i18n import po_entries

PACKAGE = Path(gongzhi.__file__).parent
PO = PACKAGE / "duties" / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_every_entry_is_translated_and_compiled() -> None:
    entries = po_entries(PO)
    assert entries and [m for m, s in entries.items() if not s.strip()] == []
    with PO.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    assert [m for m, s in entries.items() if compiled.gettext(m) != s] == [], "run: msgfmt -o django.mo django.po"


@pytest.mark.skipif(shutil.which("xgettext") is None and not os.environ.get("CI"), reason="needs gettext")
def test_the_catalog_covers_every_string_of_the_duties_app(tmp_path: Path) -> None:
    copy = tmp_path / "gongzhi"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    subprocess.run(
        [sys.executable, "-m", "gongzhi.manage", "makemessages", "-l", "en", "-v0"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(PACKAGE.parent)},
    )
    fresh = set(po_entries(copy / "duties" / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    assert sorted(fresh - set(po_entries(PO))) == [], "new duties strings need English in duties/locale"


@pytest.mark.django_db
def test_the_public_list_speaks_english_when_asked(deyang: None) -> None:
    try:
        page = Client().get("/duties/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    finally:
        translation.activate("zh-hans")
    assert "Community duty list" in page and "社区权责事项清单" not in page
