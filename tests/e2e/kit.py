"""What the browser journeys share: signing a demo user in (staff enrol TOTP on first sign-in) and pressing a button
that navigates. Journeys import it as `from kit import ...` (the e2e folder is on the path, as for `test_journeys`)."""

import base64
from collections.abc import Callable
from typing import Any

from gongzhi.people.demo import DEMO_PASSWORD


def totp_now(secret: str) -> str:
    from django_otp.oath import totp

    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key, step=30, t0=0, digits=6):06d}"


def signed_in_page(browser: Any, url: Callable[[str], str], username: str) -> Any:
    """A fresh browser context for one demo user; staff go through TOTP enrolment, residents do not."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(url("/accounts/login/"))
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录", exact=True).click()
    secret = page.get_by_test_id("totp-secret")
    if secret.count():
        page.fill("#id_code", totp_now(secret.inner_text().strip()))
        with page.expect_navigation():
            page.get_by_role("button", name="绑定并登录").click()
    return page


def submit(page: Any, name: str) -> None:
    """Press the button named `name` and wait for the page it leads to."""
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()
