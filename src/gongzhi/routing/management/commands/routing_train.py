"""`gongzhi routing_train`: train a new routing model version now and print its held-out accuracy."""

from typing import Any

from django.core.management.base import BaseCommand

from gongzhi.routing.services import train


class Command(BaseCommand):
    help = "Train the appeal routing model (seed corpus + handled appeals + staff feedback) and activate it"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-activate", action="store_true", help="store the version without activating it")

    def handle(self, *args: Any, **options: Any) -> None:
        model = train(activate=not options["no_activate"])
        m = model.metrics
        self.stdout.write(
            f"routing model v{model.version}: {model.n_seed} seed + {model.n_handled} handled + "
            f"{model.n_feedback} feedback examples; held-out accuracy {m['accuracy']} "
            f"(unseen templates {m['unseen_templates']}, n_test={m['n_test']})"
        )
