"""Demo residents and households in 旌阳区, imported through the residents' importer (the batched write path) as
the system, plus the demo 'resident' and 'household_head' accounts linked to their own records. Idempotent."""

import csv
import io
import random
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from gongzhi.core.actors import SYSTEM
from gongzhi.jobs.models import ImportJob
from gongzhi.jobs.services import import_run, import_submit
from gongzhi.territory.models import Division, Level, ResidentialComplex

from . import fake, services
from .importer import COLUMNS
from .models import Relation, ResidenceStatus, Resident, SpecialGroup

FIRST_COMMUNITY_HOUSEHOLDS = 300
OTHER_COMMUNITY_HOUSEHOLDS = 25
OTHER_COMMUNITIES = 40


def demo_rows(today: date, *, first: int, others: int) -> list[dict[str, str]]:
    rng = random.Random(510603)  # noqa: S311 — reproducible demo data, not security
    communities = list(
        Division.objects.filter(
            path__startswith="510603", level=Level.COMMUNITY, kind="community", is_active=True
        ).order_by("path")[: OTHER_COMMUNITIES + 1]
    )
    rows: list[dict[str, str]] = []
    for index, community in enumerate(communities):
        grids = list(community.children.filter(level=Level.GRID, is_active=True).order_by("path"))
        complexes = list(
            ResidentialComplex.objects.filter(scope_path__startswith=community.path).prefetch_related("buildings")
        )
        count = first if index == 0 else others
        for n in range(1, count + 1):
            complex = rng.choice(complexes) if complexes and rng.random() < 0.8 else None
            grid = next((g for g in grids if complex and complex.scope_path == g.path), None)
            if grid is None and grids:
                grid = rng.choice(grids)
            buildings = list(complex.buildings.all()) if complex else []
            rows.extend(
                fake.household_rows(
                    rng,
                    household_no=f"H{community.code[-6:]}{n:05d}",
                    community_code=community.code,
                    grid_code=grid.code if grid else "",
                    complex_code=complex.code if complex else "",
                    building=rng.choice(buildings).number if buildings else "",
                    today=today,
                )
            )
    return rows


def seed_residents(*, first: int = FIRST_COMMUNITY_HOUSEHOLDS, others: int = OTHER_COMMUNITY_HOUSEHOLDS) -> int:
    if Resident.objects.exists():
        return 0
    rows = demo_rows(timezone.localdate(), first=first, others=others)
    if not rows:
        return 0
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.header for c in COLUMNS])
    for row in rows:
        writer.writerow([row.get(c.key, "") for c in COLUMNS])
    upload = io.BytesIO(buffer.getvalue().encode())
    job = import_submit(
        actor=SYSTEM,
        importer_key="residents",
        upload=upload,
        filename="demo.csv",
        mode=ImportJob.Mode.SKIP_BAD_ROWS,
        enqueue=False,
    )
    import_run(job_id=job.pk)
    link_demo_accounts()
    return len(rows)


@transaction.atomic
def link_demo_accounts() -> None:
    """唐婆婆 lives alone (独居老人); 唐建国 heads a household of three; both in the first community of 旌阳街道."""
    user_model = get_user_model()
    community = Division.objects.filter(parent__code="510603001000", level=Level.COMMUNITY).order_by("path").first()
    if community is None:
        return
    place = services.place_of(community)
    rng = random.Random(7)  # noqa: S311
    today = timezone.localdate()
    granny = user_model.objects.filter(username="resident").first()
    if granny is not None and not Resident.objects.filter(account=granny).exists():
        home = services.household_create(
            actor=SYSTEM,
            place=place,
            household_no="H-DEMO-TANG-1",
            unit="1",
            room="302",
            address="德阳市旌阳区泰山北路 18 号",
        )
        record = services.resident_register(
            actor=SYSTEM,
            place=place,
            name="唐素芬",
            id_number=fake.id_number(rng, date(1941, 5, 12), "F", "510603"),
            phone=fake.mobile(rng),
            residence_status=ResidenceStatus.REGISTERED,
            household=home,
            relation=Relation.HEAD,
        )
        for group in (SpecialGroup.ELDERLY, SpecialGroup.ELDERLY_ALONE):
            services.flag_add(
                actor=SYSTEM, resident=record, group=group, since=date(2024, 3, 1), source="2024 年老年人摸底"
            )
        services.account_link(actor=SYSTEM, resident=record, account=granny)
    head = user_model.objects.filter(username="household_head").first()
    if head is not None and not Resident.objects.filter(account=head).exists():
        home = services.household_create(
            actor=SYSTEM,
            place=place,
            household_no="H-DEMO-TANG-2",
            unit="2",
            room="501",
            address="德阳市旌阳区长江东路 66 号",
        )
        record = services.resident_register(
            actor=SYSTEM,
            place=place,
            name="唐建国",
            id_number=fake.id_number(rng, date(1968, 9, 3), "M", "510603"),
            phone=fake.mobile(rng),
            residence_status=ResidenceStatus.REGISTERED,
            household=home,
            relation=Relation.HEAD,
        )
        services.resident_register(
            actor=SYSTEM,
            place=place,
            name="刘琴",
            id_number=fake.id_number(rng, date(1970, 2, 14), "F", "510603"),
            phone=fake.mobile(rng),
            residence_status=ResidenceStatus.REGISTERED,
            household=home,
            relation=Relation.SPOUSE,
        )
        child = services.resident_register(
            actor=SYSTEM,
            place=place,
            name="唐小雨",
            id_number=fake.id_number(rng, date(2012, 7, 1), "F", "510603"),
            residence_status=ResidenceStatus.REGISTERED,
            household=home,
            relation=Relation.CHILD,
        )
        services.flag_add(actor=SYSTEM, resident=child, group=SpecialGroup.MINOR, since=today, source="户籍信息")
        services.account_link(actor=SYSTEM, resident=record, account=head)
