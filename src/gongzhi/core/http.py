"""The client's address as the platform counts it (throttles keyed per client), behind a known number of proxies."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_key(request: HttpRequest) -> str:
    """The address the request came from: REMOTE_ADDR, or — behind `GONGZHI_TRUSTED_PROXIES` proxies that each append
    to X-Forwarded-For (nginx: `$proxy_add_x_forwarded_for`) — the entry the outermost trusted proxy added; entries
    further left are the client's own claim and are never trusted. IPv6 counts per /64 (what one subscriber holds)."""
    hops = int(getattr(settings, "GONGZHI_TRUSTED_PROXIES", 0))
    raw = str(request.META.get("REMOTE_ADDR", ""))
    if hops > 0:
        chain = [part.strip() for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if part.strip()]
        if len(chain) >= hops:
            raw = chain[-hops]
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)
