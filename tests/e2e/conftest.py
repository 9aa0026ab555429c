"""Browser-test fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

The whole directory is skipped (with a reason) when /usr/bin/chromium is missing, except under CI, where a missing
browser is an error: CI must not silently pass without having run the journeys.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an asyncio event loop in the test thread; Django's ORM refuses to run there unless told.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ON_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists() or ON_CI:
        return
    skip = pytest.mark.skip(
        reason=f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium); skipped outside CI only"
    )
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        # Only reached under CI (outside CI the tests were marked skip above): a missing browser is a failure.
        pytest.fail(f"CI is set but {CHROMIUM} is missing: install Debian's chromium package", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context (own cookies) per test, Chinese locale like the users'."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def deyang_live(transactional_db: None) -> None:
    """A small Deyang (real counties and streets, two communities each) and the demo accounts, seeded per test:
    the transactional database is flushed between tests."""
    from gongzhi.people.demo import seed_people
    from gongzhi.territory.demo import seed_territory

    seed_territory(communities_per_street=2)
    seed_people()
    _enter_missing_years()


def _enter_missing_years() -> None:
    """Meeting notice periods and admission lead times are strict (docs/operations.md): so that the journeys do not
    depend on the real date, a year the bundled calendar lacks (this one, the next) is entered as an administrator
    would (one holiday, confirmed)."""
    from datetime import date

    from django.utils import timezone

    from gongzhi.core.actors import SYSTEM
    from gongzhi.workdays import services as workdays
    from gongzhi.workdays.calendar import year_status

    today = timezone.localdate()
    for year in (today.year, today.year + 1):
        if year_status(year) == "missing":
            workdays.override_set(actor=SYSTEM, day=date(year, 1, 1), kind="holiday", name="元旦")
            workdays.year_confirm(actor=SYSTEM, year=year, basis="测试录入")


@pytest.fixture
def url(live_server: Any) -> Callable[[str], str]:
    return lambda path: f"{live_server.url}{path}"
