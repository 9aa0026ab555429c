"""Territory scope as materialized paths: a subtree is one indexed range query on SQLite and PostgreSQL alike.

A path is the division's significant code digits (市 4, 县 6, 街道 9, 社区/村 12, 网格 15), so every ancestor's path
is a prefix of its descendants' paths. Paths hold digits only, which compare the same under every collation; the
subtree of P is `P <= path < successor(P)`, which a plain B-tree index answers without LIKE.
"""

from collections.abc import Iterable

from django.db.models import Q


def path_successor(path: str) -> str | None:
    """The smallest digit string of the same length greater than every string that starts with `path`."""
    digits = list(path)
    for i in range(len(digits) - 1, -1, -1):
        if digits[i] != "9":
            digits[i] = str(int(digits[i]) + 1)
            return "".join(digits[: i + 1]) + "0" * (len(digits) - i - 1)
    return None


def subtree_q(field: str, path: str) -> Q:
    """Rows whose `field` lies in the subtree rooted at `path` (the node itself included)."""
    if not path.isdigit():
        raise ValueError(f"scope path must be digits: {path!r}")
    upper = path_successor(path)
    q = Q(**{f"{field}__gte": path})
    if upper is not None:
        q &= Q(**{f"{field}__lt": upper})
    return q


def minimal_roots(paths: Iterable[str]) -> list[str]:
    """Drop every path that already lies under another one, so a union of subtrees has no redundant branch."""
    roots: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(root) for root in roots):
            roots.append(path)
    return roots


def union_q(field: str, paths: Iterable[str]) -> Q | None:
    """Rows under any of `paths`; None when there is no path (callers must then return nothing)."""
    q: Q | None = None
    for root in minimal_roots(paths):
        part = subtree_q(field, root)
        q = part if q is None else q | part
    return q


def within(path: str, roots: Iterable[str]) -> bool:
    return any(path.startswith(root) for root in roots)
