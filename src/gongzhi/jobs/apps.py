from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "gongzhi.jobs"
    label = "jobs"
    verbose_name = "后台作业 Jobs"
