from django.apps import AppConfig


class ResidentsConfig(AppConfig):
    name = "gongzhi.residents"
    label = "residents"
    verbose_name = "居民与户 Residents"
