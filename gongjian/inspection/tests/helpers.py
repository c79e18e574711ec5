"""Making inspections, findings, photos and campaigns for the tests."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone
from PIL import Image

from gongjian.inspection import services
from gongjian.inspection.models import Campaign, Finding, Inspection, Task
from gongjian.testing.cast import Cast


def jpeg(size: tuple[int, int] = (2400, 1800), *, gps: bool = True) -> bytes:
    """A phone-like JPEG, with a location in its EXIF when `gps`."""
    image = Image.new("RGB", size, (120, 160, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    if gps:
        exif[0x8825] = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 17.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def inspection(c: Cast, **kwargs: object) -> Inspection:
    """A district-led inspection of 示范区 with the cast's member as an inspector and a
    station among its places."""
    today = timezone.localdate()
    args: dict[str, object] = {
        "actor": c.district_admin,
        "kind": "supervision",
        "subject": "文明城区创建督导",
        "led_by": "district",
        "starts_on": today,
        "ends_on": today + dt.timedelta(days=2),
        "inspector_ids": [c.member_record.public_id],
        "places": [("青禾站", "station", None, "青禾路1号"), ("晨辉公园", "park", None, "")],
    }
    args.update(kwargs)
    return services.inspection_create(**args)  # type: ignore[arg-type]


def finding(c: Cast, insp: Inspection | None = None, **kwargs: object) -> Finding:
    """A finding at the station, assigned to 晨辉社区 with five working days."""
    insp = insp or inspection(c)
    args: dict[str, object] = {
        "actor": c.member,
        "inspection_id": insp.public_id,
        "description": "站前广场垃圾未及时清运",
        "category": "sanitation",
        "severity": "minor",
        "workdays": 5,
        "responsible_area_id": c.chenhui.pk,
        "place_id": insp.places.first().pk,  # type: ignore[union-attr]
        "photo_files": [("现场.jpg", jpeg())],
    }
    args.update(kwargs)
    return services.finding_record(**args)  # type: ignore[arg-type]


def campaign(c: Cast) -> tuple[Campaign, list[Task]]:
    today = timezone.localdate()
    made = services.campaign_create(
        actor=c.district_admin, title="创文攻坚", due_on=today + dt.timedelta(days=60)
    )
    tasks = services.tasks_assign(
        actor=c.district_admin,
        campaign_id=made.public_id,
        title="文明劝导",
        target="开展文明劝导10次",
        due_on=today + dt.timedelta(days=30),
        party_org_ids=[c.tax_branch.pk, c.justice_branch.pk],
    )
    return made, tasks
