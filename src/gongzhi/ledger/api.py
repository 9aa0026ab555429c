"""Public ledger API (no sign-in): checkpoints, inclusion and consistency proofs, leaves. Hashes are base64."""

import base64
from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from gongzhi.core.api import Page, paginate
from gongzhi.core.errors import ServiceError

from . import store
from .models import Checkpoint, Leaf

router = Router(tags=["ledger 账本"])


def b64(value: bytes | memoryview) -> str:
    return base64.b64encode(bytes(value)).decode()


class CheckpointOut(Schema):
    tree_size: int
    root_hash: str
    signed_note: str
    created_at: datetime

    @staticmethod
    def resolve_root_hash(obj: Checkpoint) -> str:
        return b64(obj.root_hash)


class InclusionOut(Schema):
    index: int
    tree_size: int
    leaf_hash: str
    proof: list[str]


class ConsistencyOut(Schema):
    first: int
    second: int
    proof: list[str]


class LeafOut(Schema):
    index: int
    kind: str
    event_type: str
    leaf_hash: str
    data: str | None = None


def _number(name: str, raw: str | None) -> int:
    if raw is None or raw == "":
        raise ServiceError(_("缺少参数 %(name)s。") % {"name": name}, code="missing", fields={name: _("必填")})
    if not raw.isdigit() or len(raw) > 19:
        raise ServiceError(
            _("参数 %(name)s 应为非负整数。") % {"name": name}, code="malformed", fields={name: _("应为非负整数")}
        )
    return int(raw)


def _out_of_range(name: str, message: str) -> ServiceError:
    return ServiceError(message, code="out_of_range", fields={name: _("超出范围")})


@router.get(
    "/checkpoints",
    response=Page[CheckpointOut],
    auth=None,
    url_name="ledger_checkpoints",
    summary="Signed checkpoints 签名检查点",
)
def checkpoints(request: HttpRequest, limit: int = 100, offset: int = 0) -> dict[str, object]:
    return paginate(Checkpoint.objects.order_by("tree_size"), limit=limit, offset=offset)


@router.get(
    "/proof/inclusion",
    response=InclusionOut,
    auth=None,
    url_name="ledger_inclusion",
    summary="Inclusion proof 包含性证明",
)
def inclusion(request: HttpRequest, index: str | None = None, tree_size: str | None = None) -> dict[str, object]:
    i, n = _number("index", index), _number("tree_size", tree_size)
    size = store.tree_size()
    if not 1 <= n <= size:
        raise _out_of_range("tree_size", _("tree_size 应在 1 到 %(n)s 之间。") % {"n": size})
    if i >= n:
        raise _out_of_range("index", _("index 应小于 tree_size（%(n)s）。") % {"n": n})
    leaf_hash, proof = store.inclusion(i, n)
    return {"index": i, "tree_size": n, "leaf_hash": b64(leaf_hash), "proof": [b64(p) for p in proof]}


@router.get(
    "/proof/consistency",
    response=ConsistencyOut,
    auth=None,
    url_name="ledger_consistency",
    summary="Consistency proof 一致性证明",
)
def consistency(request: HttpRequest, first: str | None = None, second: str | None = None) -> dict[str, object]:
    m, n = _number("first", first), _number("second", second)
    size = store.tree_size()
    if not 1 <= n <= size:
        raise _out_of_range("second", _("second 应在 1 到 %(n)s 之间。") % {"n": size})
    if not 1 <= m <= n:
        raise _out_of_range("first", _("first 应在 1 到 second（%(n)s）之间。") % {"n": n})
    return {"first": m, "second": n, "proof": [b64(p) for p in store.consistency_proof(m, n)]}


@router.get("/leaves/{index}", response=LeafOut, auth=None, url_name="ledger_leaf", summary="One leaf 叶子")
def leaf(request: HttpRequest, index: str) -> dict[str, object]:
    i = _number("index", index)
    size = store.tree_size()
    found = Leaf.objects.filter(index=i).first() if i < size else None
    if found is None:
        raise _out_of_range("index", _("index 应在 0 到 %(n)s 之间。") % {"n": size - 1})
    public = found.kind == Leaf.Kind.DISCLOSURE
    return {
        "index": found.index,
        "kind": found.kind,
        "event_type": found.event_type,
        "leaf_hash": b64(found.leaf_hash),
        "data": b64(found.data) if public else None,
    }
