"""Browser journey (Chromium): a community worker imports a file with errors, downloads the row-level report, fixes
the file and imports it; reveals an ID number with a purpose; the resident then sees who viewed their data."""

import csv
import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from test_journeys import enrol_totp, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def valid_id(birth: date, seq: int) -> str:
    from gongzhi.residents.identity import check_digit

    first = f"510603{birth:%Y%m%d}{seq:03d}"
    return first + check_digit(first)


def people_csv(community_code: str, *, broken: bool) -> bytes:
    from gongzhi.residents.importer import COLUMNS

    rows = []
    for n in range(1, 6):
        rows.append(
            {
                "name": f"居民{n}",
                "id_number": valid_id(date(1950 + n, n, n), n * 2),
                "phone": f"1398000{n:04d}",
                "community_code": community_code,
                "household_no": f"E2E-{(n + 1) // 2}",
                "relation": "户主" if n % 2 else "配偶",
                "residence_status": "常住",
                "groups": "老年人" if n == 1 else "",
                "flag_source": "摸底" if n == 1 else "",
            }
        )
    if broken:
        rows[2]["id_number"] = rows[2]["id_number"][:17] + ("1" if rows[2]["id_number"][17] != "1" else "2")
        rows[4]["community_code"] = "510699999999"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.header for c in COLUMNS])
    for row in rows:
        writer.writerow([row.get(c.key, "") for c in COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


@pytest.mark.clause("R12.3")
def test_worker_imports_fixes_reveals_and_resident_sees_who_viewed(
    deyang_live: None, page: Any, url: Callable[[str], str], tmp_path: Path
) -> None:
    from gongzhi.people.models import User
    from gongzhi.residents.demo import link_demo_accounts
    from gongzhi.residents.models import Resident

    community = User.objects.get(username="worker").role_assignments.get().division
    sign_in(page, url, "worker")
    enrol_totp(page)

    broken = tmp_path / "people.csv"
    broken.write_bytes(people_csv(community.code, broken=True))
    page.goto(url("/residents/import/"))
    page.set_input_files("#id_file", str(broken))
    with page.expect_navigation():
        page.get_by_role("button", name="开始导入").click()
    assert page.get_by_test_id("job-status").inner_text() == "未写入"
    with page.expect_download() as download_info:
        page.get_by_test_id("error-report").click()
    report = load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes())).worksheets[0]
    errors = [(r[0], r[2]) for r in report.iter_rows(min_row=2, values_only=True)]
    assert (4, "身份证号校验码错误") in errors and (6, "找不到社区代码 510699999999") in errors, errors
    assert not Resident.objects.exists()

    fixed = tmp_path / "people-fixed.csv"
    fixed.write_bytes(people_csv(community.code, broken=False))
    page.goto(url("/residents/import/"))
    page.set_input_files("#id_file", str(fixed))
    with page.expect_navigation():
        page.get_by_role("button", name="开始导入").click()
    assert page.get_by_test_id("job-status").inner_text() == "已完成"
    assert Resident.objects.count() == 5

    link_demo_accounts()  # the demo 'resident' account's own record (唐素芬, 独居老人)
    granny = Resident.objects.get(account__username="resident")
    page.goto(url(f"/residents/r/{granny.public_id}/"))
    assert page.get_by_test_id("id-masked").inner_text() == granny.id_masked
    page.select_option("#id_reveal-field", "id_number")
    page.fill("#id_reveal-purpose", "核对高龄津贴申请人身份")
    page.get_by_role("button", name="查看明文").click()
    revealed = page.get_by_test_id("revealed")
    revealed.wait_for()
    assert revealed.inner_text().startswith("510603") and "*" not in revealed.inner_text()

    page.context.clear_cookies()
    sign_in(page, url, "resident")
    page.goto(url("/residents/me/"))
    viewed = page.get_by_test_id("who-viewed").inner_text()
    assert "核对高龄津贴申请人身份" in viewed and "张丽" in viewed


@pytest.mark.clause("R12.3")
def test_worker_edits_records_consent_and_resident_revokes_it(
    deyang_live: None, page: Any, url: Callable[[str], str]
) -> None:
    from gongzhi.residents.demo import link_demo_accounts
    from gongzhi.residents.models import ProxyConsent, Resident

    link_demo_accounts()
    granny = Resident.objects.get(account__username="resident")
    sign_in(page, url, "worker")
    enrol_totp(page)

    page.goto(url(f"/residents/r/{granny.public_id}/"))
    with page.expect_navigation():
        page.get_by_role("link", name="编辑居民信息").click()
    page.select_option("#id_residence_status", "floating")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    assert "已保存" in page.content() and "流动" in page.content()

    page.get_by_text("登记代办授权").click()
    page.select_option("#id_consent-purpose", "subject_rights")
    page.fill("#id_consent-matters", "代为申请查阅个人信息")
    page.select_option("#id_consent-method", "phone")
    page.fill("#id_consent-evidence", "通话录音 2026-11-22-07")
    page.fill("#id_consent-given_on", date.today().isoformat())
    page.fill("#id_consent-expires_on", date.today().replace(year=date.today().year + 1, day=1).isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="登记", exact=True).click()
    assert "代为申请查阅个人信息" in page.get_by_test_id("consents").inner_text()

    if granny.household is not None:
        page.goto(url(f"/residents/households/{granny.household.public_id}/"))
        with page.expect_navigation():
            page.get_by_role("link", name="编辑户信息").click()
        page.fill("#id_unit", "3")
        page.fill("#id_room", "502")
        page.fill("#id_address", "旌阳区泰山北路 18 号")
        with page.expect_navigation():
            page.get_by_role("button", name="保存").click()
        assert "已保存" in page.content()

    page.context.clear_cookies()
    sign_in(page, url, "resident")
    page.goto(url("/residents/me/"))
    consents = page.get_by_test_id("consents")
    assert "代为申请查阅个人信息" in consents.inner_text() and "电话" in consents.inner_text()
    with page.expect_navigation():
        consents.get_by_role("button", name="撤回").click()
    assert "已撤回" in page.get_by_test_id("consents").inner_text()
    assert ProxyConsent.objects.get().revoked_at is not None
