"""Demo ledger: a couple of realistic 居务公开 items for the first community of 旌阳街道 (the demo worker's) and a
first signed checkpoint, all through the ledger's services (idempotent)."""

from django.apps import apps

from gongzhi.core.actors import SYSTEM

from .models import Disclosure
from .services import checkpoint_sign, disclosure_publish

SPENDING_2026_Q3 = """2026 年第三季度社区财务收支公开

一、收入合计 186,400.00 元
  1. 区财政社区工作经费拨付 120,000.00 元
  2. 为民服务专项资金 50,000.00 元
  3. 驻社区单位共建资金 16,400.00 元

二、支出合计 171,850.00 元
  1. 老旧小区楼道照明更换（3 个小区、21 个单元） 48,600.00 元
  2. 居家养老服务站运营（助餐、探访） 39,200.00 元
  3. 网格员通讯与巡查补贴 27,000.00 元
  4. 邻里节、重阳节等社区活动 18,450.00 元
  5. 办公及水电 38,600.00 元

三、结余 14,550.00 元，结转第四季度。

以上收支经居务监督委员会审核。对账目有疑问的居民，可在公示之日起 15 日内向居务监督委员会反映。"""

DECISION_PARKING = """关于小区内部道路停车管理方案的决定

经 2026 年 9 月 18 日居民会议讨论，应到代表 61 人，实到 54 人，同意 47 人，反对 4 人，弃权 3 人，通过以下方案：
  1. 小区内部道路施划停车位 86 个，优先满足本小区居民；
  2. 消防通道全天禁止停车，由物业每日巡查；
  3. 停车收入扣除管理成本后全部用于小区公共设施维护，每季度公开。

本决定自 2026 年 10 月 1 日起执行。"""


def seed_ledger() -> None:
    division_model = apps.get_model("territory", "Division")  # looked up, not imported: the ledger sits below it
    community = division_model.objects.filter(parent__code="510603001000", level="community").order_by("path").first()
    if community is not None:
        items = [
            (
                "spending-2026q3",
                Disclosure.Category.SPENDING,
                f"{community.name} 2026 年第三季度财务收支公开",
                SPENDING_2026_Q3,
            ),
            (
                "decision-parking-2026",
                Disclosure.Category.DECISION,
                f"{community.name} 停车管理方案决定",
                DECISION_PARKING,
            ),
        ]
        for key, category, title, body in items:
            source = ("ledger.demo", f"{community.code}-{key}")
            if Disclosure.objects.filter(source_type=source[0], source_id=source[1]).exists():
                continue
            disclosure_publish(
                actor=SYSTEM,
                scope_path=community.path,
                scope_name=community.name,
                category=category,
                title=title,
                body=body,
                source=source,
            )
    checkpoint_sign()
