from django.apps import AppConfig


class ConsultConfig(AppConfig):
    name = "gongzhi.consult"
    label = "consult"
    verbose_name = "民主协商与法律顾问 Consultation"

    def ready(self) -> None:
        from gongzhi.workdays.signals import calendar_changed, provisional_waiting

        from .manifest import build

        build()

        def recompute(*, actor: object = None, **_kwargs: object) -> None:
            from .services import question_deadlines_recompute

            question_deadlines_recompute(actor=actor)

        def waiting(*, year: int, **_kwargs: object) -> int:
            from .services import question_provisional_waiting

            return question_provisional_waiting(year)

        calendar_changed.connect(recompute, weak=False, dispatch_uid="consult.recompute")
        provisional_waiting.connect(waiting, weak=False, dispatch_uid="consult.waiting")
