from django.apps import AppConfig


class ConsultConfig(AppConfig):
    name = "gongzhi.consult"
    label = "consult"
    verbose_name = "民主协商与法律顾问 Consultation"

    def ready(self) -> None:
        from .manifest import build

        build()
