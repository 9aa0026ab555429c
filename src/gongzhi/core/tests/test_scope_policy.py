import pytest

from gongzhi.core.errors import NotFound
from gongzhi.core.policy import Policy
from gongzhi.core.roles import Role
from gongzhi.core.scope import minimal_roots, path_successor, subtree_q, within


def test_path_successor_bounds_every_descendant() -> None:
    assert path_successor("510603") == "510604"
    assert path_successor("510699") == "510700"
    assert path_successor("999") is None
    for descendant in ("510603", "510603001", "510603999999999"):
        assert "510603" <= descendant < "510604"
    assert not ("510603" <= "5106040" < "510604")


def test_subtree_q_rejects_non_digit_paths() -> None:
    with pytest.raises(ValueError):
        subtree_q("path", "5106%")


def test_minimal_roots_drops_nested_paths() -> None:
    assert minimal_roots(["510603001", "510603", "510681001", "510603"]) == ["510603", "510681001"]
    assert within("510603001001", ["510681", "510603001"])
    assert not within("510681001", ["510603"])


@pytest.mark.clause("R2.2")
def test_policy_denies_unknown_actions_and_sees_only_the_subtree(user_named) -> None:  # type: ignore[no-untyped-def]
    from gongzhi.territory.models import Division

    policy = Policy("t", {"view": {Role.COMMUNITY_WORKER}})
    worker = user_named("worker")
    own = Division.objects.get(pk=worker.active_grants()[0].division_id)
    other = Division.objects.filter(level="community").exclude(path__startswith=own.path[:9]).first()
    assert other is not None
    assert policy.can(worker, "view", own)
    assert not policy.can(worker, "view", other)
    assert not policy.allows(worker, "no_such_action")
    visible = policy.visible(worker, "view", Division.objects.all())
    assert set(visible.values_list("path", flat=True)) == set(
        Division.objects.filter(path__startswith=own.path).values_list("path", flat=True)
    )
    with pytest.raises(NotFound) as missing:
        policy.get(worker, "view", Division.objects.all(), code="999999999999")
    with pytest.raises(NotFound) as hidden:
        policy.get(worker, "view", Division.objects.all(), code=other.code)
    assert str(missing.value) == str(hidden.value)


def test_require_at_lets_the_system_through_and_hides_what_is_out_of_scope(user_named) -> None:  # type: ignore[no-untyped-def]
    from gongzhi.core.actors import SYSTEM
    from gongzhi.core.errors import Forbidden
    from gongzhi.territory.models import Division

    policy = Policy("t", {"edit": {Role.COMMUNITY_WORKER}})
    worker = user_named("worker")
    own = Division.objects.get(pk=worker.active_grants()[0].division_id)
    other = Division.objects.filter(level="community").exclude(path__startswith=own.path[:9]).first()
    assert other is not None
    policy.require_at(SYSTEM, "edit", other.path)
    policy.require_at(worker, "edit", own.path)
    with pytest.raises(NotFound):
        policy.require_at(worker, "edit", other.path)
    with pytest.raises(Forbidden):
        policy.require_at(user_named("resident"), "edit", own.path)
