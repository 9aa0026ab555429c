"""Publication through the ledger's disclosure mechanism (居务公开/通报), the one public record that carries a proof."""

import importlib
from typing import Any

from django.db.models import Model

# Categories of gongzhi.ledger.models.Disclosure.
DECISION = "decision"
NOTICE = "notice"


def ledger_disclosure_available() -> bool:
    services = importlib.import_module("gongzhi.ledger.services")
    return callable(getattr(services, "disclosure_publish", None))


def publish(
    *,
    actor: Any,
    scope_path: str,
    scope_name: str,
    category: str,
    title: str,
    body: str,
    source: Model | tuple[str, str],
) -> int | None:
    """Publish through `gongzhi.ledger.services.disclosure_publish`; None while the ledger does not offer it yet."""
    services = importlib.import_module("gongzhi.ledger.services")
    disclosure_publish = getattr(services, "disclosure_publish", None)
    if disclosure_publish is None:
        return None
    # Browsers submit textareas with CRLF; the page shows LF, and the in-browser proof compares the two exactly.
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    disclosure = disclosure_publish(
        actor=actor,
        scope_path=scope_path,
        scope_name=scope_name,
        category=category,
        title=title[:200],
        body=body[:20_000],
        source=source,
    )
    return int(disclosure.pk)
