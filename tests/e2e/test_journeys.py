"""Browser journeys through Debian's Chromium: staff sign-in with TOTP enrolment and territorial scope (R2.2),
WCAG 2.1 AA and keyboard/large-text checks on the main pages (R8.3), and account lockout after failed sign-ins."""

import base64
from collections.abc import Callable
from typing import Any

import pytest

from gongzhi.people.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
SHOTS = "/tmp/e2e-workbench"  # noqa: S108 — fixed path for people to look at after a run


def totp_now(secret: str) -> str:
    """The current 6-digit code for a base32 secret, as an authenticator app would show it (django-otp's TOTP)."""
    from django_otp.oath import totp

    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key, step=30, t0=0, digits=6):06d}"


def sign_in(page: Any, url: Callable[[str], str], username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(url("/accounts/login/"))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.get_by_role("button", name="登录", exact=True).click()


def enrol_totp(page: Any) -> None:
    """On the enrolment page: read the secret shown to the user, type the code an authenticator app would show."""
    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    assert len(secret) >= 16, secret
    page.fill("#id_code", totp_now(secret))
    with page.expect_navigation():
        page.get_by_role("button", name="绑定并登录").click()


def division_of(username: str) -> Any:
    from gongzhi.people.models import User

    return User.objects.get(username=username).role_assignments.select_related("division").get().division


def axe_violations(page: Any, label: str) -> tuple[int, str]:
    """axe-core with the WCAG 2.0/2.1 A and AA rules; the violation count and a readable report."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=WCAG_21_AA)
    return results.violations_count, f"=== {label} ({page.url}) ===\n{results.generate_report()}"


def assert_first_tab_on_skip_link(page: Any) -> None:
    """Reload (focus back at the document), press Tab once: the skip link is focused and visible; Enter on it moves
    focus to <main>."""
    page.reload()
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.className, document.activeElement.textContent.trim()]")
    assert focused == ["skip-link", "跳到主要内容"], (page.url, page.evaluate("document.activeElement.outerHTML"))
    box = page.locator("a.skip-link").bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, f"skip link focused but off-screen: {box}"
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'main'")
    page.evaluate("document.activeElement.blur()")


def root_font_size(page: Any) -> float:
    return float(page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)"))


@pytest.mark.clause("R2.2")
def test_worker_enrols_totp_and_sees_only_own_community(
    deyang_live: None, page: Any, url: Callable[[str], str]
) -> None:
    own = division_of("worker")
    foreign = division_of("worker_gh")
    assert foreign.path.startswith("510681"), "worker_gh should sit in 广汉市"

    sign_in(page, url, "worker")
    assert page.url.startswith(url("/accounts/second-factor/enrol/")), page.url
    enrol_totp(page)

    assert page.url == url("/"), page.url
    territory = page.get_by_role("region", name="我的辖区")
    territory.wait_for()
    assert own.name in territory.inner_text()
    page.get_by_role("heading", name="我的待办").wait_for()

    # The own community opens; 广汉's community is outside the worker's scope and does not exist for them.
    response = page.goto(url(f"/territory/{own.code}/"))
    assert response is not None and response.status == 200
    response = page.goto(url(f"/territory/{foreign.code}/"))
    assert response is not None and response.status == 404, response and response.status
    assert foreign.name not in page.content()


@pytest.mark.clause("R8.3")
def test_pages_meet_wcag_21_aa_with_keyboard_and_large_text(
    deyang_live: None, page: Any, url: Callable[[str], str]
) -> None:
    reports: list[str] = []
    total = 0

    def scan(label: str) -> None:
        nonlocal total
        count, report = axe_violations(page, label)
        if count:
            total += count
            reports.append(report)

    # Login page. It autofocuses the username field (people/forms.py), so the keyboard starts there, not on the
    # skip link; the skip-link check runs on the pages without an autofocused field below.
    page.goto(url("/accounts/login/"))
    assert page.evaluate("document.activeElement.id") == "id_username"
    scan("login")

    sign_in(page, url, "worker")
    page.get_by_test_id("totp-secret").wait_for()
    scan("TOTP enrolment")
    enrol_totp(page)

    page.get_by_role("heading", name="我的辖区").wait_for()
    page.screenshot(path=f"{SHOTS}.png", full_page=True)
    assert_first_tab_on_skip_link(page)
    scan("workbench")

    community = division_of("worker")
    page.goto(url(f"/territory/{community.code}/"))
    page.get_by_role("heading", level=1).filter(has_text=community.name).wait_for()
    scan("territory division")

    assert_first_tab_on_skip_link(page)

    page.goto(url("/accounts/profile/"))
    assert_first_tab_on_skip_link(page)
    scan("profile")

    # Large-text mode (适老化): the toggle enlarges the root font, the page still passes, and it can be turned off.
    page.goto(url("/"))
    normal = root_font_size(page)
    with page.expect_navigation():
        page.get_by_role("button", name="大字模式").click()
    large = root_font_size(page)
    assert large > normal, (normal, large)
    assert "large-text" in (page.get_attribute("html", "class") or "")
    page.screenshot(path=f"{SHOTS}-large.png", full_page=True)
    scan("workbench, large text")
    with page.expect_navigation():
        page.get_by_role("button", name="标准字号").click()
    assert root_font_size(page) == normal

    # English variant.
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert page.get_attribute("html", "lang") == "en"
    page.screenshot(path=f"{SHOTS}-en.png", full_page=True)
    scan("workbench, English")
    with page.expect_navigation():
        page.get_by_role("button", name="中文").click()

    # Resident portal: residents sign in with the password alone.
    page.context.clear_cookies()
    sign_in(page, url, "resident")
    assert page.url == url("/"), page.url
    page.get_by_role("heading", name="居民服务").wait_for()
    assert_first_tab_on_skip_link(page)
    scan("resident portal")

    # App templates/CSS are not fixed from here: a violation fails this test until the app is fixed.
    assert total == 0, f"{total} WCAG 2.1 AA violation(s):\n" + "\n".join(reports)


def test_five_wrong_passwords_lock_the_account(deyang_live: None, page: Any, url: Callable[[str], str]) -> None:
    for attempt in range(1, 6):
        sign_in(page, url, "county_authority", "wrong-password-123")
        assert page.url.startswith(url("/accounts/login/")), page.url
        alert = page.get_by_role("alert").inner_text()
        if attempt < 5:
            assert "用户名或密码错误" in alert, (attempt, alert)
    assert "锁定" in alert, alert

    sign_in(page, url, "county_authority", DEMO_PASSWORD)
    assert page.url.startswith(url("/accounts/login/")), page.url
    assert "锁定" in page.get_by_role("alert").inner_text()
    page.goto(url("/"))
    assert page.url.startswith(url("/accounts/login/")), f"locked account got a session: {page.url}"
