"""The URL sweep: every route must declare who may use it (see core.access); the API declares auth per operation."""

from collections.abc import Iterator
from typing import Any

from django.urls import URLPattern, URLResolver

from gongzhi.core.access import declared_access

# Routes served by libraries whose access is checked elsewhere: the ninja API (auth per operation, swept apart).
DELEGATED_PREFIXES = ("api/v1/",)


def walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def undeclared_routes(patterns: list[Any]) -> list[str]:
    return [
        route
        for route, callback in walk(patterns)
        if not route.startswith(DELEGATED_PREFIXES) and declared_access(callback) is None
    ]


def public_routes(patterns: list[Any]) -> list[str]:
    return [route for route, callback in walk(patterns) if declared_access(callback) == "public"]
