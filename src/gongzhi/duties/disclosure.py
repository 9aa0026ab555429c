"""Publication through the ledger's disclosure mechanism (居务公开/通报), the one public record that carries a proof."""

from typing import Any

from django.db.models import Model

from gongzhi.ledger.services import disclosure_publish

# Categories of gongzhi.ledger.models.Disclosure.
DECISION = "decision"
NOTICE = "notice"


def publish(
    *,
    actor: Any,
    scope_path: str,
    scope_name: str,
    category: str,
    title: str,
    body: str,
    source: Model | tuple[str, str],
) -> int:
    """Publish a duties record (list version, admission decision, 通报, evaluation result); returns the disclosure id.

    Line endings are normalised by the ledger itself; only the lengths the ledger accepts are enforced here.
    """
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
