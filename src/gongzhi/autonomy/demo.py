def seed_autonomy() -> None:
    return None
