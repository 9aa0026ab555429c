from datetime import timedelta

from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "gongzhi.routing"
    label = "routing"
    verbose_name = "智能分派建议 Appeal routing"

    def ready(self) -> None:
        from gongzhi.core.schedule import Periodic
        from gongzhi.regulation.registry import Feature, Manifest, register

        from . import events
        from .demo import seed_routing
        from .permissions import policy
        from .tasks import routing_retrain

        register(
            Manifest(
                app_label="routing",
                title="智能分派建议 Appeal routing",
                policy=policy,
                event_types=events.EVENT_TYPES,
                features=(
                    Feature(
                        "routing.suggest",
                        "诉求智能分派建议：按文本（结巴分词与字符 n-gram，scikit-learn 线性模型）"
                        "建议诉求类型、分类和承办单位，给出置信度和起决定作用的词；模型入库并带版本和留出集准确率；人工采纳/改判记录参与再训练"
                        "（routing_train 命令与每日定时任务）",
                        ("R8.1",),
                    ),
                    Feature(
                        "routing.similar",
                        "相似诉求识别（字符 n-gram TF-IDF 余弦）与按地点和主题聚类发现共性问题的算法",
                        ("R8.1",),
                    ),
                ),
                periodic=(Periodic("routing.retrain", timedelta(hours=24), routing_retrain),),
                seed=seed_routing,
                seed_order=95,  # after the demo appeals, so handled demo appeals are in the first model
            )
        )
