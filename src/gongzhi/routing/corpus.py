"""The seed corpus (R8.1): realistic Deyang appeal texts the project writes itself, so the routing model has something
to learn from before the platform has handled appeals of its own.

The texts are generated from hand-written templates per category with varied places, times and details, and written
once to `data/seed_corpus.jsonl` (`python -m gongzhi.routing.corpus > src/gongzhi/routing/data/seed_corpus.jsonl`);
a test checks the committed file is what this generator produces. Each line is one example:
`{"text": ..., "type": ..., "category": ..., "unit": ...}`.

Labels: `type` is the appeal type (咨询 consult, 求助 help, 投诉 complaint, 举报 report, 意见建议 suggestion,
表扬 praise, 其他 other); `category` a code of the appeal category catalog (`appeals/data/categories.csv`); `unit` a
handling-unit code:
`department:<department name without the county>` (e.g. `department:住房和城乡建设局`, matching the county's unit
`<county name><department name>`), `street_office` or `residents_committee` (the place decides which one).
"""

import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CORPUS_FILE = Path(__file__).with_name("data") / "seed_corpus.jsonl"
SEED = 20251201  # the regulation's commencement date; fixed so the corpus is reproducible
PER_CATEGORY = 32

COUNTIES = ("旌阳区", "罗江区", "广汉市", "什邡市", "绵竹市", "中江县")
STREETS = {
    "旌阳区": ("旌阳街道", "城北街道", "东湖街道", "工农街道", "天元街道", "八角井街道", "孝泉镇"),
    "罗江区": ("万安街道", "金山镇", "略坪镇"),
    "广汉市": ("雒城街道", "金鱼镇", "三星堆镇", "向阳镇"),
    "什邡市": ("方亭街道", "皂角街道", "师古镇"),
    "绵竹市": ("剑南街道", "东北镇", "汉旺镇"),
    "中江县": ("凯江镇", "南华镇", "仓山镇"),
}
ROADS = (
    "长江西路", "泰山北路", "岷江西路", "黄河路", "庐山南路", "嘉陵江路", "珠江西路", "天山南路", "华山北路", "沱江路",
    "龙泉山北路", "韶山路", "衡山路", "蒙山街", "文庙街", "东山路", "西湖路", "凯江路", "雒城大道", "蓥华南路",
)  # fmt: skip
ESTATES = (
    "蓝剑花园", "旌湖国际", "凯旋城", "泰山花园", "亚太广场", "金沙江小区", "东湖山庄", "岷江名苑", "天元锦城",
    "滨江一号", "翡翠湾", "学府名居", "工农村小区", "八角安置小区", "锦绣天府", "阳光家园", "南苑小区", "和平里",
)  # fmt: skip
COMMUNITIES = (
    "文庙社区", "岷江社区", "东山社区", "西湖社区", "龙井社区", "金山社区", "天元社区", "八角社区", "旌东社区",
    "凯江社区", "雒城社区", "方亭社区",
)  # fmt: skip
TIMES = ("每天晚上十点以后", "凌晨一两点", "周末一大早", "最近一周", "这半个月", "连续三天", "每天中午", "昨晚")
SHOPS = ("烧烤店", "火锅店", "麻将馆", "汽修店", "KTV", "小餐馆", "水果店", "快递驿站", "农贸市场摊位")
BUILDINGS = ("1栋", "2栋", "3栋", "5栋", "7栋", "8栋", "11栋", "12栋")

ZF = "department:综合行政执法局"
ZJ = "department:住房和城乡建设局"
MZ = "department:民政局"
WJ = "department:卫生健康局"
SC = "department:市场监督管理局"
YJ = "department:应急管理局"
RC = "residents_committee"
SO = "street_office"

# category code (the appeals catalog, appeals/data/categories.csv) -> (handling unit, ((type, template), ...));
# slots: {county} {street} {road} {road2} {estate} {community} {time} {shop} {building} {n}
TEMPLATES: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "CS-01": (
        ZF,
        (
            ("complaint", "{road}{estate}门口流动摊贩占道经营，{time}把人行道全占了，行人只能走机动车道。"),
            ("report", "举报{county}{road}有{shop}把桌椅摆到人行道上经营，占道严重，还影响盲道通行。"),
            ("complaint", "{street}{road}菜市场外面的摊位越摆越多，占用消防通道，{time}堵得水泄不通。"),
            ("suggestion", "建议在{street}划定临时摊点区域，{road}的占道经营问题可以疏堵结合。"),
            ("complaint", "{road}{shop}门口长期堆放货物、占道洗车，污水横流，希望执法部门管一管。"),
        ),
    ),
    "CS-02": (
        ZF,
        (
            ("report", "举报{estate}{building}顶楼住户违章搭建阳光房和彩钢棚，存在安全隐患，影响其他住户。"),
            ("report", "{county}{road}边有人私自圈地搭建活动板房，已经盖了{n}间，没有任何审批手续。"),
            ("complaint", "{estate}一楼住户私自扩建院子、砌围墙占用公共绿地，物业管不了，请执法部门处理。"),
            ("report", "举报{street}{road}沿街商铺违规加建二层，{time}还在施工，请查处违法建设。"),
            ("consult", "请问{estate}自家阳台加装雨棚算不算违章搭建？需要到哪里报备？"),
        ),
    ),
    "CS-03": (
        ZF,
        (
            ("complaint", "{estate}门口垃圾桶{time}都没人清运，垃圾堆满溢出来，臭气熏天还招苍蝇。"),
            ("help", "{road}边有人倾倒了一大堆建筑垃圾，占了半条路，请环卫部门尽快清理。"),
            ("complaint", "{community}的垃圾分类亭坏了{n}天没修，居民只能把垃圾放地上，环境很差。"),
            ("suggestion", "建议在{road}公交站附近增设垃圾桶，现在乱丢垃圾的现象很严重。"),
            ("report", "举报有车辆{time}在{road}偷倒装修垃圾，车牌看不清，希望调取监控处理。"),
            ("complaint", "{street}{road}公厕长期无人打扫，脏乱不堪，{time}连水都没有。"),
        ),
    ),
    "CS-04": (
        ZF,
        (
            ("complaint", "{road}一家{shop}{time}音响开得很大，吵得{estate}{building}的住户无法休息。"),
            ("complaint", "{street}{road}夜市{time}喇叭叫卖声太吵，周边居民长期受噪音困扰。"),
            ("complaint", "{community}小广场{time}有人跳广场舞音响开得震天响，{estate}的老人孩子睡不着。"),
            ("report", "举报{road}{shop}在门口放大功率音箱招揽生意，噪声扰民，劝说无效。"),
            ("help", "{estate}{building}楼下商户空调外机噪音很大，{time}嗡嗡响，协商无果，希望帮忙检测处理。"),
        ),
    ),
    "CS-05": (
        ZF,
        (
            ("help", "{road}{estate}附近一排路灯不亮，{time}整条路黑漆漆的，下夜班回家很害怕，请尽快维修。"),
            ("complaint", "{street}{road}路灯坏了好久了，反映过{n}次都没修，晚上行人和车辆都看不清。"),
            ("help", "{community}小广场的景观灯和路灯全灭了，晚上散步的老人摸黑，希望来检修线路。"),
            ("suggestion", "建议{road}通往{estate}的小路加装路灯，现在晚上没有照明，存在安全隐患。"),
            ("complaint", "{road}路灯白天一直亮着，晚上反而不亮，浪费电也不安全，请管理部门处理。"),
        ),
    ),
    "ZJ-01": (
        ZJ,
        (
            ("complaint", "{estate}物业擅自提高停车费和物业费，没有经过业主大会同意，业主意见很大。"),
            ("help", "{estate}{building}楼顶漏水，屋里墙面发霉，找物业{n}次都推给开发商，希望协调维修。"),
            ("report", "举报{estate}物业挪用公共收益，电梯广告和停车收入从来不公示。"),
            ("complaint", "{county}{estate}物业撤场后小区没人管，垃圾没人清、门禁坏了，治安很差。"),
            ("suggestion", "建议{street}指导{estate}尽快成立业主委员会，重新选聘物业。"),
            ("consult", "请问{estate}专项维修资金怎么申请使用？{building}外墙脱落需要维修。"),
        ),
    ),
    "ZJ-02": (
        ZJ,
        (
            ("consult", "请问{estate}有没有列入今年的老旧小区改造计划？外墙和管网都很旧了。"),
            ("complaint", "{street}{estate}老旧小区改造施工拖了{n}个月还没完工，到处挖得坑坑洼洼。"),
            ("suggestion", "建议{estate}老旧小区改造时一并加装电梯和增设停车位，{building}住的大多是老人。"),
            ("complaint", "{estate}改造后新换的雨污管道又堵了，施工质量差，要求施工单位返工。"),
            ("consult", "请问{county}老旧小区加装电梯的补贴标准是多少？{estate}{building}想申请。"),
        ),
    ),
    "ZJ-03": (
        ZJ,
        (
            ("complaint", "{estate}{building}电梯坏了{n}天没修，老人上下楼很困难，物业一直推脱。"),
            ("help", "{estate}{building}电梯{time}突然下坠又停住，把人困在里面半小时，太危险了，请检查。"),
            ("report", "举报{estate}电梯年检标志过期，维保记录造假，电梯经常异响。"),
            ("complaint", "{street}{estate}电梯频繁故障困人，维保单位敷衍了事，请监管部门督促整改。"),
            ("consult", "请问{estate}电梯需要更换，可以申请使用维修资金吗？流程是怎样的？"),
        ),
    ),
    "ZJ-04": (
        ZJ,
        (
            ("complaint", "{estate}旁边工地{time}还在施工打桩，噪音太大根本睡不着，请查处夜间违规施工。"),
            ("complaint", "{street}{road}工地扬尘严重，没有洒水也没有覆盖，{estate}窗台一天就落满灰。"),
            ("report", "举报{county}{road}在建工地没有围挡，渣土车带泥上路，路面全是泥浆。"),
            ("help", "{road}工地基坑开挖后，旁边{estate}{building}墙体出现裂缝，居民担心安全，请派人鉴定。"),
            ("complaint", "{road}工地{time}违规夜间浇筑混凝土，泵车轰鸣，附近居民无法休息。"),
        ),
    ),
    "SZ-01": (
        ZJ,
        (
            (
                "complaint",
                "{county}{road}靠近{estate}路段路面坑洼严重，下雨天积水，电瓶车经过很容易摔倒，希望尽快修补。",
            ),
            ("help", "{road}{estate}门口的井盖破损松动，晚上走路踩上去哐当响，怕有人掉下去，请派人来更换。"),
            ("complaint", "{street}{road}人行道地砖翘起、缺了{n}块，老人孩子经常绊倒，已经坏了快一个月了。"),
            ("help", "{county}{road}有一段路面塌陷，出现一个大坑，旁边没有任何警示标志，非常危险。"),
            ("consult", "请问{road}道路改造什么时候能完工？围挡已经拦了{n}个月，{estate}居民出行很不方便。"),
        ),
    ),
    "SZ-02": (
        ZJ,
        (
            ("complaint", "{estate}外面{road}的雨水篦子堵死了，{time}一下雨就淹到脚踝，没人来疏通。"),
            ("help", "{estate}{building}化粪池和污水管道堵塞，污水从井口冒出来，整栋楼臭气熏天。"),
            ("complaint", "{street}{road}下水道反味严重，夏天更是臭不可闻，请市政部门清掏。"),
            ("help", "{road}{estate}门口排水沟垮塌，雨水倒灌进{building}地下室，请尽快抢修。"),
            ("suggestion", "建议对{road}一带老旧排水管网进行雨污分流改造，每年汛期都积水。"),
        ),
    ),
    "SZ-03": (
        ZJ,
        (
            ("help", "{estate}{building}{time}突然停水，没有任何通知，家里有老人孩子，请问什么时候恢复供水？"),
            ("complaint", "{county}{road}自来水水质发黄有异味，烧开后有沉淀，{estate}很多住户都反映了。"),
            ("consult", "请问{street}{estate}这边计划停水是哪天？停多久？需要提前储水吗？"),
            ("help", "{road}{estate}门口供水管爆裂，水一直往外冒，已经流了{n}个小时，请尽快抢修。"),
            ("complaint", "{estate}高层水压太低，{building}十楼以上{time}基本没水，请供水单位解决。"),
        ),
    ),
    "MZ-01": (
        MZ,
        (
            ("consult", "请问在{county}申请最低生活保障需要什么条件？家里老人生病没有收入。"),
            ("help", "{community}一户困难家庭父亲重病，孩子还在上学，希望申请临时救助。"),
            ("complaint", "{community}低保评定不公开，有人条件很好也在享受低保，要求公示核查。"),
            ("help", "我是残疾人，住在{estate}，想申请残疾人两项补贴，家里生活很困难，请帮忙指导。"),
            ("consult", "请问{street}特困人员供养怎么申请？{estate}有位孤寡老人需要帮助。"),
        ),
    ),
    "MZ-02": (
        MZ,
        (
            ("consult", "请问{county}80岁以上老人的高龄补贴怎么申请？在{community}能办理吗？"),
            ("suggestion", "建议{street}在{community}开办老年食堂，附近独居老人吃饭很不方便。"),
            ("help", "{estate}{building}有位独居老人行动不便，子女在外地，希望申请居家养老上门服务。"),
            ("complaint", "{county}一家养老院伙食差、护理员态度恶劣，老人身上有压疮，请民政部门检查。"),
            ("consult", "请问{community}日间照料中心怎么收费？失能老人可以去吗？"),
        ),
    ),
    "MZ-03": (
        WJ,
        (
            ("consult", "请问{county}城乡居民医保今年的缴费标准是多少？在{community}能不能代缴？"),
            ("consult", "请问异地就医备案怎么办理？老人从{county}去外地看病，医保能报销吗？"),
            ("complaint", "{county}一家医院医保报销时多收费，还要求自费买药，请相关部门核查。"),
            ("help", "孩子刚出生，想在{county}办理新生儿医保参保，{community}说不归他们管，该找谁？"),
            ("consult", "请问在{street}社区卫生服务中心签约家庭医生后，慢病门诊怎么报销？"),
        ),
    ),
    "SQ-01": (
        RC,
        (
            ("help", "{estate}{building}楼上邻居{time}在家里剁东西、拖椅子，沟通过{n}次没效果，请社区帮忙调解。"),
            ("help", "{estate}邻居家空调冷凝水一直滴在我家阳台上，协商不成还吵了架，请{community}调解。"),
            ("help", "{estate}{building}邻居在楼道里养狗，狗经常乱叫还随地大小便，说了不听，希望社区调解。"),
            ("help", "{estate}楼上住户卫生间漏水到我家，对方拒绝维修赔偿，请{community}人民调解委员会调解。"),
            ("complaint", "{estate}{building}邻居长期占用公共楼道堆放杂物，双方多次发生口角，请社区协调。"),
        ),
    ),
    "SQ-02": (
        RC,
        (
            ("consult", "请问{community}这个月有什么居民活动？老年人能报名参加书法班吗？"),
            ("suggestion", "建议{community}周末多组织一些亲子活动，{estate}有很多双职工家庭的孩子。"),
            ("consult", "请问{community}的志愿服务活动怎么报名？我想参加{estate}的环境整治。"),
            ("suggestion", "建议{community}开放活动室的时间延长到晚上，{estate}的居民下班后也能用。"),
            ("consult", "请问{community}的居民议事会什么时候开？我们{estate}的加装电梯想提议讨论。"),
        ),
    ),
    "SQ-03": (
        RC,
        (
            ("suggestion", "建议{community}在{estate}增设电动车集中充电棚，现在很多人飞线充电很危险。"),
            ("complaint", "{community}居务公开栏{n}个月没更新，居民不知道社区经费怎么花的。"),
            ("suggestion", "建议{community}在{estate}门口设置快递集中收发点，快递堆在门卫室很乱。"),
            ("consult", "请问在{community}开具居住证明需要带什么材料？办公时间是几点？"),
            ("suggestion", "建议{community}在{estate}增加休闲座椅和健身器材，老人散步没地方歇脚。"),
        ),
    ),
    "SC-01": (
        SC,
        (
            ("report", "举报{county}{road}{shop}使用过期食材，吃完后家人腹泻，保留了小票和照片。"),
            ("report", "{road}一家{shop}后厨脏乱，老鼠蟑螂到处跑，还没有健康证，请市场监管部门检查。"),
            ("complaint", "在{street}{shop}买的熟食有异味，商家不承认也不退款，怀疑食品变质。"),
            ("report", "举报{road}农贸市场有摊贩销售病死猪肉，价格很便宜，请尽快查处。"),
            ("complaint", "{estate}附近学校门口小卖部卖三无零食，孩子吃了肚子疼。"),
        ),
    ),
    "SC-02": (
        SC,
        (
            ("complaint", "在{road}一家{shop}消费，结账时多收费，商家拒绝退还，要求市场监管部门处理。"),
            ("report", "举报{road}农贸市场有摊贩缺斤短两，用的电子秤被做过手脚。"),
            ("complaint", "{estate}附近药店价格明显高于其他地方，也不明码标价，希望查处。"),
            ("complaint", "{street}{road}停车场收费标准不公示，{time}停了两小时收了{n}十元。"),
            ("complaint", "{road}{shop}节假日临时涨价，菜单价格和结账价格不一致，存在价格欺诈。"),
        ),
    ),
    "YJ-01": (
        YJ,
        (
            ("report", "{estate}{building}楼道里有人给电动车飞线充电，电线从窗户拉下来，消防隐患很大。"),
            ("report", "举报{road}{shop}把液化气罐堆在门口，店里消防器材全部过期。"),
            ("complaint", "{estate}消防通道被车辆长期堵塞，{building}消防栓没水，出了事消防车都进不来。"),
            ("help", "{estate}地下车库堆满了废旧家具和纸箱，一点火星就可能着火，请安排清理检查。"),
            ("report", "举报{street}{road}一家{shop}违规住人，人员密集还没有安全出口。"),
        ),
    ),
    "YJ-02": (
        YJ,
        (
            ("help", "{estate}{building}楼道里闻到很浓的燃气味，怀疑管道漏气，请马上派人检查。"),
            ("report", "举报{road}{shop}使用不合格的液化气钢瓶，还私自倒灌，非常危险。"),
            ("help", "{road}{estate}门口燃气管道被施工挖破了，气味很大，已经拉了警戒线。"),
            ("complaint", "{county}燃气公司上门安检收取不明费用，{estate}好几户都被要求更换软管。"),
            ("consult", "请问{estate}家里燃气报警器怎么安装？老旧小区燃气管道什么时候改造？"),
        ),
    ),
    "QT": (
        SO,
        (
            ("praise", "感谢{community}网格员小王，{time}帮我们{estate}独居老人买菜送药，服务特别贴心。"),
            ("praise", "表扬{street}工作人员，{estate}漏水问题{n}天就协调解决了，效率很高，点赞！"),
            ("praise", "{community}组织的志愿者上门帮我们{building}清理了楼道，环境焕然一新，非常感谢。"),
            ("praise", "{community}书记帮我们{estate}协调解决了多年的停车难题，居民都很满意，特此表扬。"),
            ("other", "我之前在{street}反映的问题已经解决了，这个工单可以关闭，谢谢。"),
        ),
    ),
}
TYPES = ("consult", "help", "complaint", "report", "suggestion", "praise", "other")


@dataclass(frozen=True)
class Example:
    """One labelled text: what the appeal said and how it was (or should be) routed."""

    text: str
    type: str
    category: str
    unit: str
    weight: float = 1.0
    group: str = ""  # the template a seed text came from; held-out splits keep a template on one side


def generate(per_category: int = PER_CATEGORY, seed: int = SEED) -> Iterator[Example]:
    rng = random.Random(seed)  # noqa: S311 -- reproducible text generation, not security
    for category, (unit, templates) in TEMPLATES.items():
        seen: set[str] = set()
        attempts = 0
        while len(seen) < per_category and attempts < per_category * 20:
            attempts += 1
            index = rng.randrange(len(templates))
            kind, template = templates[index]
            county = rng.choice(COUNTIES)
            road, road2 = rng.sample(ROADS, 2)
            text = template.format(
                county=county,
                street=rng.choice(STREETS[county]),
                road=road,
                road2=road2,
                estate=rng.choice(ESTATES),
                community=rng.choice(COMMUNITIES),
                time=rng.choice(TIMES),
                shop=rng.choice(SHOPS),
                building=rng.choice(BUILDINGS),
                n=rng.randint(2, 9),
            )
            if text in seen:
                continue
            seen.add(text)
            yield Example(text=text, type=kind, category=category, unit=unit, group=f"{category}#{index}")


@cache
def seed_examples() -> tuple[Example, ...]:
    """The committed seed corpus."""
    examples = []
    with CORPUS_FILE.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            examples.append(
                Example(
                    text=row["text"], type=row["type"], category=row["category"], unit=row["unit"], group=row["group"]
                )
            )
    return tuple(examples)


def dump_lines(examples: Iterator[Example]) -> Iterator[str]:
    for e in examples:
        row = {"text": e.text, "type": e.type, "category": e.category, "unit": e.unit, "group": e.group}
        yield json.dumps(row, ensure_ascii=False)


if __name__ == "__main__":
    for line in dump_lines(generate()):
        sys.stdout.write(line + "\n")
