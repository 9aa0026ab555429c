"""Every demo role signs in and sees its own subtree only."""

import pytest

from gongzhi.people.demo import DEMO_ACCOUNTS

pytestmark = pytest.mark.django_db


@pytest.mark.clause("R2.2")
@pytest.mark.parametrize("username", [a.username for a in DEMO_ACCOUNTS])
def test_each_demo_role_sees_only_its_subtree(client_for, user_named, username: str) -> None:  # type: ignore[no-untyped-def]
    client = client_for(username)
    assert client.get("/").status_code == 200
    roots = [g.path for g in user_named(username).active_grants()]
    assert roots
    offset = 0
    seen = 0
    while offset is not None and seen < 2000:
        page = client.get("/api/v1/territory/divisions", {"limit": 200, "offset": offset}).json()
        for item in page["items"]:
            assert any(item["code"].startswith(root) for root in roots), (username, item["code"])
            seen += 1
        offset = page["next_offset"]
    assert seen >= 1
