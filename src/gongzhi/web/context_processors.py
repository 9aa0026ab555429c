"""The page shell: menus from the manifests (only entries the viewer's roles allow), language, large-text mode."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from gongzhi.regulation.registry import manifests


def menu_for(user: Any) -> list[dict[str, str]]:
    entries = []
    for m in sorted(manifests(), key=lambda m: m.seed_order):
        for entry in m.menu:
            if not m.policy.allows(user, entry.action):
                continue
            try:
                url = reverse(entry.url_name)
            except NoReverseMatch:
                continue
            entries.append({"title": entry.title, "url": url, "icon": entry.icon})
    return entries


def shell(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    large_text = bool(getattr(user, "large_text", False)) or bool(request.session.get("large_text", False))
    return {
        "site_name": settings.GONGZHI_SITE_NAME,
        "menu": menu_for(user) if user.is_authenticated else [],
        "large_text": large_text,
        "demo_mode": getattr(settings, "GONGZHI_DEMO", False),
    }
