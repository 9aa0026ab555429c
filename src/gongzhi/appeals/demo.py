"""Demo appeals: filled in below."""


def seed_appeals() -> None:
    return None
