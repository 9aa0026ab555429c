"""The certificates a residents' committee may not issue (民发〔2020〕20号, first batch of 20; cn_domain.md §3.1)."""

from django.utils.translation import gettext_lazy as _

FORBIDDEN_BASIS = "民发〔2020〕20号"

FORBIDDEN_CERTIFICATES: tuple[str, ...] = (
    "亲属关系证明",
    "居民身份信息证明",
    "户口登记项目内容变更申请证明",
    "居民养犬证明",
    "无犯罪记录证明",
    "社区戒毒社区康复人员情况证明",
    "人员失踪证明",
    "婚姻状况证明",
    "出生证明",
    "健在证明",
    "死亡证明",
    "疾病状况证明",
    "残疾状况证明",
    "婚育状况证明",
    "居民就业状况证明",
    "居民个人档案证明",
    "居民财产证明",
    "遗产继承权证明",
    "市场主体住所证明",
    "证件遗失证明",
)

# Other names the same certificates go by in requests (the list gives 户籍证明 for item 2).
ALIASES = {"户籍证明": "居民身份信息证明", "生存证明": "健在证明", "在世证明": "健在证明"}

FORBIDDEN_REASON = _("“%(name)s”属于民发〔2020〕20号规定的基层群众性自治组织不应出具的证明事项，社区不得出具。")


def _normalize(name: str) -> str:
    return "".join(name.split()).replace("（", "(").replace("）", ")")


def forbidden_match(name: str) -> str | None:
    """The forbidden certificate a requested name falls under, or None."""
    text = _normalize(name)
    if not text:
        return None
    for alias, canonical in ALIASES.items():
        if alias in text:
            return canonical
    for forbidden in FORBIDDEN_CERTIFICATES:
        if forbidden in text or (text in forbidden and len(text) >= 4):
            return forbidden
    return None
