from django.apps import AppConfig


class DutiesConfig(AppConfig):
    name = "gongzhi.duties"
    label = "duties"
    verbose_name = "权责清单与准入 Duty lists"
