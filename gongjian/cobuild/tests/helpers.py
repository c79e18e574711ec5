"""A small campaign on top of the cast: two resources of 区税务局, one of 区司法局, two demands
of 晨辉社区 and one of 星光社区."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.utils import timezone

from gongjian.cobuild import services
from gongjian.cobuild.models import Campaign, Demand, Resource
from gongjian.testing.cast import Cast


@dataclass
class World:
    campaign: Campaign
    tax_law: Resource  # 区税务局, capacity 1, the whole district
    tax_elderly: Resource  # 区税务局, capacity 1, only 青禾街道
    justice_law: Resource  # 区司法局, capacity 2
    chenhui_law: Demand
    chenhui_elderly: Demand
    xingguang_law: Demand


def build_world(cast: Cast, *, publish: bool = True) -> World:
    today = timezone.localdate()
    campaign = services.campaign_create(
        actor=cast.district_admin,
        district=cast.district,
        name="2026年度直联共建",
        year=2026,
        lists_due=today + dt.timedelta(days=10),
        preferences_due=today + dt.timedelta(days=20),
        signing_due=today + dt.timedelta(days=40),
    )
    tax_law = services.resource_create(
        actor=cast.unit_admin,
        campaign=campaign,
        unit=cast.tax,
        title="税收政策和法律知识宣讲",
        description="组织税务干部进社区开展个人所得税、社保缴费政策宣讲和法律咨询",
        category="法律政策宣讲",
        capacity=1,
        contact="王科长 13800138000",
    )
    tax_elderly = services.resource_create(
        actor=cast.unit_admin,
        campaign=campaign,
        unit=cast.tax,
        title="关爱困难老人志愿服务",
        description="党员志愿者定期上门探访困难老人、独居老人，帮助解决生活难题",
        category="困难帮扶",
        capacity=1,
        area=cast.qinghe,
    )
    justice_law = services.resource_create(
        actor=cast.district_admin,
        campaign=campaign,
        unit=cast.justice,
        title="律师进社区法律咨询",
        description="律师定期到社区提供法律咨询、调解邻里纠纷、讲解民法典",
        category="法律政策宣讲",
        capacity=2,
    )
    chenhui_law = services.demand_create(
        actor=cast.community_secretary,
        campaign=campaign,
        community=cast.chenhui,
        title="居民法律咨询和民法典宣讲",
        description="居民邻里纠纷多，希望有律师定期来社区提供法律咨询",
        category="法律政策宣讲",
        priority="high",
    )
    chenhui_elderly = services.demand_create(
        actor=cast.community_secretary,
        campaign=campaign,
        community=cast.chenhui,
        title="困难老人上门探访",
        description="社区独居老人和困难老人多，需要志愿者定期上门探访帮扶",
        category="困难帮扶",
    )
    xingguang_law = services.demand_create(
        actor=cast.district_admin,
        campaign=campaign,
        community=cast.xingguang,
        title="个税和社保政策宣讲",
        description="居民对个人所得税专项扣除和社保缴费政策不了解，希望有人来讲解",
        category="法律政策宣讲",
    )
    if publish:
        campaign = services.campaign_advance(
            actor=cast.district_admin, campaign=campaign, to=Campaign.Status.OPEN
        )
    return World(
        campaign, tax_law, tax_elderly, justice_law, chenhui_law, chenhui_elderly, xingguang_law
    )


def png_bytes(size: tuple[int, int] = (8, 8)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()
