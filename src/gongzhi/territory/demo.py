"""Deyang demo territory: the real city, 6 counties and 84 streets/townships (统计用区划代码 2023), and generated
communities, villages, grids, complexes and buildings in the same code scheme, all created through the services."""

import csv
import random
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from gongzhi.core.actors import SYSTEM

from . import services
from .models import Division, Kind, Level

COUNTY_KINDS = {"旌阳区": Kind.DISTRICT, "罗江区": Kind.DISTRICT, "中江县": Kind.COUNTY}
URBAN_STEMS = [
    "文庙",
    "泰山",
    "长江",
    "珠江",
    "岷江",
    "庐山",
    "黄河",
    "蓥华",
    "天山",
    "华山",
    "嵩山",
    "衡山",
    "凯江",
    "石亭",
    "金沙",
    "玉泉",
    "龙泉",
    "清河",
    "青衣",
    "锦城",
    "旌湖",
    "剑南",
    "北街",
    "南街",
    "东山",
    "西山",
    "和平",
    "团结",
    "幸福",
    "建设",
    "民主",
    "光明",
    "人民",
    "五一",
    "红旗",
    "春华",
    "秋实",
    "万福",
    "安康",
]
URBAN_SUFFIXES = ["社区", "路社区", "街社区", "苑社区"]
VILLAGE_STEMS = [
    "金桥",
    "银杏",
    "桂花",
    "柏树",
    "石桥",
    "竹林",
    "高桥",
    "白马",
    "青龙",
    "双河",
    "新店",
    "龙王",
    "水口",
    "安乐",
    "永丰",
    "大河",
    "中和",
    "兴隆",
    "凤凰",
    "天池",
    "玉皇",
    "观音",
    "黄桷",
    "红岩",
    "新建",
    "长乐",
    "清平",
    "太平",
    "五福",
    "三星",
]
COMPLEX_STEMS = [
    "阳光",
    "锦绣",
    "翠苑",
    "天府",
    "花园",
    "名城",
    "滨江",
    "金色",
    "东方",
    "城南",
    "华庭",
    "时代",
    "幸福里",
    "书香",
    "御景",
    "康居",
    "丽都",
    "蓝湾",
]
COMPLEX_SUFFIXES = ["小区", "花园", "苑", "家园", "公寓"]
DESIGNATION_DOC = "德府函〔2025〕{n}号"
EFFECTIVE = date(2025, 12, 1)  # 条例施行日 (R22)


def seed_territory(*, communities_per_street: int | None = None) -> int:
    """Idempotent: does nothing when the city already exists. Returns the number of nodes created."""
    if Division.objects.filter(level=Level.CITY).exists():
        return 0
    rng = random.Random(5106)  # noqa: S311 — reproducible demo data, not security
    created = 0
    with transaction.atomic():
        with open(settings.GONGZHI_DIVISIONS_CSV, encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        nodes: dict[str, Division] = {}
        for row in rows:
            if row["level"] == "city":
                nodes[row["code"]] = services.division_designate(
                    actor=SYSTEM,
                    parent=None,
                    code=row["code"],
                    name=row["name"],
                    kind=Kind.CITY,
                    effective_on=EFFECTIVE,
                    area_km2=Decimal("5911"),
                    document="统计用区划代码（2023）",
                )
        for row in rows:
            if row["level"] == "county":
                kind = COUNTY_KINDS.get(row["name"], Kind.COUNTY_CITY)
                nodes[row["code"]] = services.division_designate(
                    actor=SYSTEM,
                    parent=nodes[row["parent_code"]],
                    code=row["code"],
                    name=row["name"],
                    kind=kind,
                    effective_on=EFFECTIVE,
                    document="统计用区划代码（2023）",
                    defer_rollup=True,
                )
        created += len(nodes)
        for row in rows:
            if row["level"] != "township":
                continue
            name = row["name"]
            kind = Kind.SUBDISTRICT if name.endswith("街道") else Kind.TOWN if name.endswith("镇") else Kind.TOWNSHIP
            street = services.division_designate(
                actor=SYSTEM,
                parent=nodes[row["parent_code"]],
                code=row["code"],
                name=name,
                kind=kind,
                effective_on=EFFECTIVE,
                document="统计用区划代码（2023）",
                defer_rollup=True,
            )
            created += 1 + _seed_street(rng, street, communities_per_street)
        _rollup_all()
    return created


def _seed_street(rng: random.Random, street: Division, limit: int | None) -> int:
    urban_count = {Kind.SUBDISTRICT: rng.randint(7, 12), Kind.TOWN: rng.randint(1, 3), Kind.TOWNSHIP: 0}[
        Kind(street.kind)
    ]
    village_count = {Kind.SUBDISTRICT: 0, Kind.TOWN: rng.randint(9, 14), Kind.TOWNSHIP: rng.randint(6, 9)}[
        Kind(street.kind)
    ]
    plan = [Kind.COMMUNITY] * urban_count + [Kind.VILLAGE] * village_count
    if limit is not None:
        plan = plan[:limit]
    created = 0
    used: set[str] = set()
    for index, kind in enumerate(plan, start=1):
        seq = index if kind == Kind.COMMUNITY else 200 + index
        name = _unique_name(rng, kind, used)
        households = rng.randint(1500, 3600) if kind == Kind.COMMUNITY else rng.randint(500, 1100)
        population = int(households * rng.uniform(2.5, 3.0))
        community = services.division_designate(
            actor=SYSTEM,
            parent=street,
            code=f"{street.path}{seq:03d}",
            name=name,
            kind=kind,
            population=population,
            households=households,
            effective_on=EFFECTIVE,
            area_km2=Decimal(rng.randint(300, 2500) if kind == Kind.COMMUNITY else rng.randint(4000, 12000)) / 1000,
            document=DESIGNATION_DOC.format(n=rng.randint(10, 99)),
            capacity_note="按人口规模、服务半径和管理能力划定（条例第三条第二款）",
            defer_rollup=True,
        )
        created += 1 + _seed_grids(rng, community)
    return created


def _unique_name(rng: random.Random, kind: Kind, used: set[str]) -> str:
    for _attempt in range(50):
        if kind == Kind.COMMUNITY:
            name = rng.choice(URBAN_STEMS) + rng.choice(URBAN_SUFFIXES)
        else:
            name = rng.choice(VILLAGE_STEMS) + "村"
        if name not in used:
            used.add(name)
            return name
    name = f"{rng.choice(VILLAGE_STEMS)}{len(used)}村"
    used.add(name)
    return name


def _seed_grids(rng: random.Random, community: Division) -> int:
    households = community.households or 1000
    grid_count = max(1, round(households / rng.randint(350, 480)))
    created = 0
    remaining = households
    for seq in range(1, grid_count + 1):
        share = remaining if seq == grid_count else households // grid_count
        remaining -= share
        grid = services.division_designate(
            actor=SYSTEM,
            parent=community,
            code=f"{community.path}{seq:03d}",
            name=f"{community.name}第{seq}网格",
            kind=Kind.GRID_COMPREHENSIVE,
            households=share,
            population=int(share * 2.8),
            effective_on=EFFECTIVE,
            defer_rollup=True,
        )
        created += 1
        if community.kind == Kind.COMMUNITY and seq <= 2:
            _seed_complexes(rng, grid)
    if community.kind == Kind.COMMUNITY and rng.random() < 0.3:
        services.division_designate(
            actor=SYSTEM,
            parent=community,
            code=f"{community.path}901",
            name=f"{community.name}学校专属网格",
            kind=Kind.GRID_DEDICATED,
            effective_on=EFFECTIVE,
            defer_rollup=True,
        )
        created += 1
    return created


def _seed_complexes(rng: random.Random, grid: Division) -> None:
    for _n in range(rng.randint(1, 3)):
        complex = services.complex_create(
            actor=SYSTEM,
            division=grid,
            name=rng.choice(COMPLEX_STEMS) + rng.choice(COMPLEX_SUFFIXES),
            address=f"{grid.parent.name if grid.parent else ''}{rng.randint(1, 300)}号",
            households=rng.randint(120, 600),
            built_year=rng.randint(1995, 2022),
            has_property_service=rng.random() > 0.25,
        )
        for number in range(1, rng.randint(2, 4) + 1):
            services.building_create(
                actor=SYSTEM,
                complex=complex,
                number=f"{number}栋",
                units=rng.randint(1, 4),
                floors=rng.choice([6, 7, 11, 18, 26]),
                households=rng.randint(24, 160),
            )


def _rollup_all() -> None:
    """Streets, then counties, then the city: one pass bottom-up instead of a task per node."""
    for level in (Level.STREET, Level.COUNTY, Level.CITY):
        for division_id in Division.objects.filter(level=level).values_list("id", flat=True):
            services.division_rollup_figures(division_id=division_id)
