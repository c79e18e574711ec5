"""Making suggestions, duties and consultations for the tests."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone
from PIL import Image

from gongjian.consult import services
from gongjian.consult.models import Consultation, Studio, Suggestion
from gongjian.testing.cast import Cast

TAX_DUTIES = "税收征管，纳税服务，发票管理，个人所得税汇算，社保费征收，办税服务厅排队"
JUSTICE_DUTIES = "法治宣传，人民调解，法律援助，社区矫正，公共法律服务，邻里纠纷调解"


def jpeg(size: tuple[int, int] = (800, 600)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (120, 160, 200)).save(out, "JPEG")
    return out.getvalue()


def duties(c: Cast) -> None:
    services.unit_duty_set(actor=c.district_admin, unit_id=c.tax.pk, duties=TAX_DUTIES)
    services.unit_duty_set(actor=c.district_admin, unit_id=c.justice.pk, duties=JUSTICE_DUTIES)


def suggestion(c: Cast, **kwargs: object) -> Suggestion:
    """A suggestion of the cast's member about 晨辉社区, about the tax hall."""
    args: dict[str, object] = {
        "actor": c.member,
        "title": "办税服务厅排队时间太长",
        "text": "每到月初去办税服务厅办理发票和个税，要排一两个小时的队，建议增加窗口",
        "category_id": "09-economy",
        "area_id": c.chenhui.pk,
    }
    args.update(kwargs)
    return services.suggestion_submit(**args)  # type: ignore[arg-type]


def assigned(c: Cast, **kwargs: object) -> Suggestion:
    """Accepted and assigned to 区税务局 with 15 working days."""
    s = suggestion(c, **kwargs)
    services.suggestion_accept(actor=c.district_admin, suggestion_id=s.public_id)
    return services.suggestion_assign(
        actor=c.district_admin, suggestion_id=s.public_id, unit_id=c.tax.pk
    )


def consultation(c: Cast, **kwargs: object) -> Consultation:
    now = timezone.now()
    args: dict[str, object] = {
        "actor": c.district_admin,
        "level": "district",
        "form": "topic",
        "topic": "老旧小区加装电梯专题协商",
        "starts_at": now - dt.timedelta(minutes=30),
        "ends_at": now + dt.timedelta(hours=2),
        "place": "区政协会议室",
    }
    args.update(kwargs)
    return services.consultation_create(**args)  # type: ignore[arg-type]


def online(c: Cast) -> Consultation:
    now = timezone.now()
    return consultation(
        c,
        form="online",
        topic="十五五规划网络议政",
        place="",
        starts_at=now - dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=7),
        online_until=now + dt.timedelta(days=7),
    )


def studio(c: Cast) -> Studio:
    return services.studio_create(
        actor=c.district_admin,
        kind="studio",
        name="晨辉委员工作室",
        area_id=c.chenhui.pk,
        hours="每周三 9:00-11:30",
        member_ids=[c.member_record.public_id],
    )
