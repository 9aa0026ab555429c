"""Realistic synthetic residents for the demo and the benchmark: Chinese names, valid ID numbers of Deyang's area
codes (with correct GB 11643 check digits), mobile numbers, households of 1–5 people, special groups."""

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from .identity import check_digit

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰文辉鹏飞波宇浩然欣怡子涵梓轩雨萱思"
    "远晨曦佳琪俊杰婷婷诗涵雅琴德明淑芬永福桂芳"
)
DEYANG_AREAS = ("510603", "510603", "510603", "510604", "510623", "510681", "510682", "510683")
PREFIXES = (
    "139",
    "138",
    "137",
    "136",
    "135",
    "158",
    "159",
    "182",
    "183",
    "187",
    "188",
    "130",
    "131",
    "132",
    "155",
    "156",
    "133",
    "153",
    "180",
    "189",
    "199",
)


def id_number(rng: random.Random, birth: date, sex: str, area: str | None = None) -> str:
    seq = rng.randint(0, 49) * 2 + (1 if sex == "M" else 0)
    first = f"{area or rng.choice(DEYANG_AREAS)}{birth:%Y%m%d}{rng.randint(0, 9)}{seq:02d}"
    return first + check_digit(first)


def mobile(rng: random.Random) -> str:
    return rng.choice(PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"


def name(rng: random.Random, surname: str | None = None) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return (surname or rng.choice(SURNAMES)) + given


def birth(rng: random.Random, age_from: int, age_to: int, today: date) -> date:
    return today - timedelta(days=rng.randint(age_from * 365 + 1, age_to * 365 + 300))


def household_rows(
    rng: random.Random,
    *,
    household_no: str,
    community_code: str,
    grid_code: str = "",
    complex_code: str = "",
    building: str = "",
    today: date,
) -> Iterator[dict[str, Any]]:
    """One household's members as import rows (keys are the import columns' keys)."""
    surname = rng.choice(SURNAMES)
    shape = rng.random()
    place = {
        "community_code": community_code,
        "grid_code": grid_code,
        "household_no": household_no,
        "complex_code": complex_code,
        "building": building if complex_code else "",
        "unit": str(rng.randint(1, 3)) if complex_code else "",
        "room": f"{rng.randint(1, 18)}0{rng.randint(1, 4)}" if complex_code else "",
        "address": f"德阳市旌阳区{rng.choice('泰山长江珠江岷江庐山黄河蓥华天山华山')}路{rng.randint(1, 300)}号",
    }
    status = rng.choices(("户籍", "常住", "流动"), weights=(70, 20, 10))[0]
    if shape < 0.12:  # an elderly person living alone
        sex = rng.choice("MF")
        b = birth(rng, 70, 92, today)
        yield _row(rng, surname, b, sex, "户主", status, place, "老年人、独居老人", "2024 年老年人摸底")
        return
    head_sex = rng.choice("MF")
    head_birth = birth(rng, 28, 75, today)
    yield _row(rng, surname, head_birth, head_sex, "户主", status, place, _elder(head_birth, today), "户籍信息")
    if rng.random() < 0.85:
        sb = birth(rng, max(22, today.year - head_birth.year - 5), today.year - head_birth.year + 3, today)
        groups = _elder(sb, today) or ("残疾人" if rng.random() < 0.03 else "")
        yield _row(rng, None, sb, "F" if head_sex == "M" else "M", "配偶", status, place, groups, "残联数据")
    for _n in range(rng.choices((0, 1, 2, 3), weights=(25, 45, 25, 5))[0]):
        cb = birth(rng, 1, min(30, max(1, today.year - head_birth.year - 20)), today)
        minor = "未成年人" if (today - cb).days < 18 * 365 else ""
        yield _row(rng, surname, cb, rng.choice("MF"), "子女", status, place, minor, "户籍信息")
    if rng.random() < 0.08:
        yield _row(
            rng, surname, birth(rng, 75, 95, today), rng.choice("MF"), "父母", status, place, "老年人", "户籍信息"
        )


def _elder(b: date, today: date) -> str:
    return "老年人" if (today - b).days >= 60 * 365 else ""


def _row(
    rng: random.Random,
    surname: str | None,
    b: date,
    sex: str,
    relation: str,
    status: str,
    place: dict[str, str],
    groups: str,
    source: str,
) -> dict[str, Any]:
    extra = ""
    if groups and rng.random() < 0.04:
        extra = "、低保对象"
    return {
        "name": name(rng, surname),
        "id_number": id_number(rng, b, sex),
        "phone": mobile(rng) if (date.today() - b).days > 16 * 365 else "",
        "relation": relation,
        "residence_status": status,
        "groups": (groups + extra).strip("、"),
        "flag_source": source if groups else "",
        "flag_since": "2024-03-01" if groups else "",
    } | place
