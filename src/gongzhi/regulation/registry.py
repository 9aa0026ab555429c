"""Domain manifests (Decidim-style): each app registers what it implements; menus, the compliance matrix, the URL
sweep and the demo data are driven from this registry rather than from hand-kept lists."""

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from gongzhi.core.policy import Policy
from gongzhi.core.schedule import Periodic

CLAUSES_FILE = Path(__file__).with_name("clauses.json")


@dataclass(frozen=True)
class Feature:
    """Something the platform does for one or more clauses; `complete=False` marks a partial implementation."""

    key: str
    title: str
    clauses: tuple[str, ...]
    complete: bool = True


@dataclass(frozen=True)
class MenuEntry:
    url_name: str
    title: str
    action: str  # the manifest policy's action that makes the entry visible
    icon: str = ""


@dataclass(frozen=True)
class WorkItem:
    """One entry of 我的待办 on the workbench."""

    title: str
    url: str
    due: str = ""


@dataclass(frozen=True)
class Stat:
    key: str
    title: str
    compute: Callable[[Any], int]  # (viewer) -> figure inside the viewer's scope


@dataclass(frozen=True)
class Manifest:
    app_label: str
    title: str
    policy: Policy
    features: tuple[Feature, ...] = ()
    event_types: tuple[str, ...] = ()
    menu: tuple[MenuEntry, ...] = ()
    stats: tuple[Stat, ...] = ()
    seed: Callable[[], object] | None = None
    seed_order: int = 100
    api_router: str = ""  # dotted path to a ninja Router, mounted under /api/v1/<app_label>/
    tasks: Callable[[Any], Sequence[WorkItem]] | None = None  # (viewer) -> items for 我的待办
    periodic: tuple[Periodic, ...] = ()  # run by `gongzhi scheduler`
    extra: dict[str, Any] = field(default_factory=dict)


_manifests: dict[str, Manifest] = {}


def register(manifest: Manifest) -> None:
    clause_ids = known_clause_ids()
    for feature in manifest.features:
        unknown = set(feature.clauses) - clause_ids
        if unknown:
            raise ValueError(f"{manifest.app_label}: feature {feature.key} cites unknown clauses {sorted(unknown)}")
    _manifests[manifest.app_label] = manifest


def manifests() -> list[Manifest]:
    return list(_manifests.values())


def manifest(app_label: str) -> Manifest:
    return _manifests[app_label]


@cache
def clauses() -> list[dict[str, str]]:
    data: dict[str, list[dict[str, str]]] = json.loads(CLAUSES_FILE.read_text(encoding="utf-8"))
    return data["clauses"]


@cache
def known_clause_ids() -> frozenset[str]:
    return frozenset(c["id"] for c in clauses())
