"""Chinese first and complete, English second and complete: the catalog covers every source string and is compiled."""

import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

import gongzhi

PACKAGE = Path(gongzhi.__file__).parent


def catalogs(root: Path) -> list[Path]:
    """The English catalogs: the project's (locale/) and each app's own (<app>/locale/), as Django finds them."""
    return sorted(root.glob("locale/en/LC_MESSAGES/django.po")) + sorted(root.glob("*/locale/en/LC_MESSAGES/django.po"))


def po_entries(path: Path) -> dict[str, str]:
    entries: dict[str, str] = {}
    text = path.read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        match = re.search(r'^msgid ((?:".*"\n?)+)^msgstr ((?:".*"\n?)+)', block, re.M)
        if not match or "msgid_plural" in block:
            continue

        def join(chunk: str) -> str:
            raw = "".join(re.findall(r'"(.*)"', chunk))
            return raw.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")

        msgid = join(match.group(1))
        if msgid:
            entries[msgid] = join(match.group(2))
    return entries


def test_every_english_entry_is_translated_and_compiled() -> None:
    assert catalogs(PACKAGE)
    for po in catalogs(PACKAGE):
        entries = po_entries(po)
        untranslated = [msgid for msgid, msgstr in entries.items() if not msgstr.strip()]
        assert untranslated == [], po
        with po.with_suffix(".mo").open("rb") as handle:
            compiled = gettext.GNUTranslations(handle)
        stale = [msgid for msgid, msgstr in entries.items() if compiled.gettext(msgid) != msgstr]
        assert stale == [], f"{po}: run msgfmt -o django.mo django.po"


@pytest.mark.skipif(shutil.which("xgettext") is None and not os.environ.get("CI"), reason="needs gettext")
def test_catalogs_cover_every_translatable_string_in_the_source(tmp_path: Path) -> None:
    copy = tmp_path / "gongzhi"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    subprocess.run(  # our own console command on a scratch copy
        [sys.executable, "-m", "gongzhi.manage", "makemessages", "-l", "en", "-v0"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(PACKAGE.parent)},
    )
    for fresh_po in catalogs(copy):
        committed = PACKAGE / fresh_po.relative_to(copy)
        known = set(po_entries(committed)) if committed.exists() else set()
        missing = sorted(set(po_entries(fresh_po)) - known)
        assert missing == [], f"{committed}: new strings need English (makemessages -l en, translate, msgfmt)"


@pytest.mark.django_db
def test_pages_speak_english_when_asked(client_for) -> None:  # type: ignore[no-untyped-def]
    page = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sign in" in page and "登录" not in page
    chinese = Client().get("/accounts/login/").content.decode()
    assert "登录" in chinese and 'lang="zh-CN"' in chinese
    worker = client_for("worker")
    worker.post("/accounts/preferences/", {"language": "en", "next": "/"})
    home = worker.get("/").content.decode()
    assert "My territory" in home and "Workbench" in home
