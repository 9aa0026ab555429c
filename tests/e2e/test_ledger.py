"""Browser: a resident opens a public disclosure (居务公开, R16) and the page itself verifies it against the signed
ledger (R8.1) with WebCrypto; after the stored item or its leaf is tampered with, the page says it does not verify."""

from collections.abc import Callable
from typing import Any

import pytest

from gongzhi.core.actors import SYSTEM

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def verify_in_page(page: Any, url: str) -> str:
    page.goto(url)
    page.get_by_role("button", name="验证", exact=True).click()
    result = page.locator("#verify-result")
    page.wait_for_function("['ok', 'fail', 'pending'].includes(document.getElementById('verify-result').dataset.state)")
    return str(result.inner_text())


@pytest.mark.clause("R16")
@pytest.mark.clause("R8.1")
def test_a_disclosure_verifies_in_the_browser_and_tampering_is_reported(
    deyang_live: None, page: Any, url: Callable[[str], str]
) -> None:
    from gongzhi.ledger import store
    from gongzhi.ledger.models import Disclosure, Leaf
    from gongzhi.ledger.services import checkpoint_sign, disclosure_publish

    item = disclosure_publish(
        actor=SYSTEM,
        scope_path="510603001001",
        scope_name="文庙社区",
        category=Disclosure.Category.SPENDING,
        title="文庙社区 2026 年第三季度财务收支公开",
        body="一、收入合计 186,400.00 元\n二、支出合计 171,850.00 元\n三、结余 14,550.00 元",
    )
    checkpoint_sign()  # the publish already enqueued one on commit; this is a no-op or the same size

    text = verify_in_page(page, url(f"/disclosures/{item.pk}/"))
    assert text.startswith("验证通过"), text
    assert str(item.leaf.index) in page.get_by_test_id("leaf-index").inner_text()

    # Someone with database access changes the amount shown on the page: the leaf still has the original.
    Disclosure.objects.filter(pk=item.pk).update(body=item.body.replace("171,850.00", "71,850.00"))
    text = verify_in_page(page, url(f"/disclosures/{item.pk}/"))
    assert text.startswith("验证失败") and "不一致" in text, text

    # They change the leaf too, so page and leaf agree again: the leaf is no longer in the signed tree.
    leaf = Leaf.objects.get(index=item.leaf.index)
    Leaf.objects.filter(index=leaf.index).update(data=bytes(leaf.data).replace(b"171,850.00", b"71,850.00"))
    store.forget_edge()
    text = verify_in_page(page, url(f"/disclosures/{item.pk}/"))
    assert text.startswith("验证失败") and "篡改" in text, text
