"""Demo: the embedded demo's Open311 key `demo-key` (only when settings.GONGZHI_DEMO is true)."""

from .services import demo_key_ensure


def seed_open311() -> None:
    demo_key_ensure()
