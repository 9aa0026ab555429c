"""Demo: the first routing model, trained on the seed corpus (and any handled demo appeals) through the service."""

from .models import RoutingModel
from .services import train


def seed_routing() -> None:
    if RoutingModel.objects.exists():
        return
    train()
