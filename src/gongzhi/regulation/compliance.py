"""The compliance matrix: clause → features → tests, with an honest status per clause.

A clause is "implemented" only with a complete feature and at least one test carrying its id
(`@pytest.mark.clause("R10.2")`); "partial" when something exists but not both; "missing" otherwise. Tests are found
by reading the test modules' source, so the matrix needs no test run and cannot be fooled by a test that is skipped
in collection only.
"""

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from .registry import clauses, manifests


@dataclass(frozen=True)
class ClauseStatus:
    id: str
    title: str
    section: str
    status: str
    features: list[str]
    tests: list[str]

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "section": self.section,
            "status": self.status,
            "features": self.features,
            "tests": self.tests,
        }


def _marker_ids(node: ast.AST) -> list[str]:
    """Clause ids in `pytest.mark.clause("R1.1", ...)` calls inside a decorator or a `pytestmark` value."""
    ids: list[str] = []
    for call in ast.walk(node):
        if not isinstance(call, ast.Call):
            continue
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "clause":
            ids.extend(a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str))
    return ids


def _tests_in(path: Path, root: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    module_ids: list[str] = []
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in stmt.targets):
            module_ids.extend(_marker_ids(stmt.value))
    rel = path.relative_to(root).as_posix()

    def visit(body: list[ast.stmt], prefix: str, inherited: list[str]) -> None:
        for stmt in body:
            if isinstance(stmt, ast.ClassDef) and stmt.name.startswith("Test"):
                ids = inherited + [i for d in stmt.decorator_list for i in _marker_ids(d)]
                visit(stmt.body, f"{prefix}{stmt.name}::", ids)
            elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and stmt.name.startswith("test"):
                ids = inherited + [i for d in stmt.decorator_list for i in _marker_ids(d)]
                for clause_id in dict.fromkeys(ids):
                    found[clause_id].append(f"{rel}::{prefix}{stmt.name}")

    visit(tree.body, "", module_ids)
    return found


def test_index(root: Path | None = None) -> dict[str, list[str]]:
    root = root or Path(settings.BASE_DIR)
    index: dict[str, list[str]] = defaultdict(list)
    candidates = sorted((root / "src").glob("gongzhi/**/tests/test_*.py")) + sorted(root.glob("tests/**/test_*.py"))
    for path in candidates:
        for clause_id, tests in _tests_in(path, root).items():
            index[clause_id].extend(tests)
    return index


def matrix(root: Path | None = None) -> list[ClauseStatus]:
    tests = test_index(root)
    features: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    for m in manifests():
        for feature in m.features:
            for clause_id in feature.clauses:
                features[clause_id].append((f"{m.app_label}: {feature.title}", feature.complete))
    rows = []
    for clause in clauses():
        cid = clause["id"]
        declared = features.get(cid, [])
        clause_tests = sorted(tests.get(cid, []))
        if any(done for _, done in declared) and clause_tests:
            status = "implemented"
        elif declared or clause_tests:
            status = "partial"
        else:
            status = "missing"
        rows.append(
            ClauseStatus(
                id=cid,
                title=clause["text"],
                section=clause["section"],
                status=status,
                features=[title + ("" if done else " (partial)") for title, done in declared],
                tests=clause_tests,
            )
        )
    return rows
