"""The cast with a little work under way, for the workbench tests: a report waiting in 晨辉社区,
an activity this week with the member signed up, and 王静 of 区税务局 as the captain of a team
(with her own log-in), so each of the six roles has something on their workbench."""

from __future__ import annotations

from dataclasses import dataclass

from gongjian.accounts.models import User
from gongjian.reporting import services as reporting_services
from gongjian.service import services as service_services
from gongjian.service.models import Team
from gongjian.service.tests.helpers import publish
from gongjian.testing.cast import Cast, make_user


@dataclass
class World:
    cast: Cast
    captain: User
    team: Team

    def people(self) -> dict[str, User]:
        return {**self.cast.people, "team_captain": self.captain}


def build_world(cast: Cast) -> World:
    captain = make_user("captain", "王静（服务队长）")
    colleague = cast.tax_colleague
    colleague.user = captain
    colleague.save(update_fields=["user"])
    team = Team.objects.create(name="税务先锋服务队", captain=colleague, unit=cast.tax)
    reporting_services.member_report_submit(
        actor=cast.member, community=cast.chenhui.pk, grid=cast.chenhui_grid1.pk
    )
    activity = publish(cast, title="晨辉社区敬老助餐", quota=10)
    service_services.signup_create(actor=cast.member, activity=activity.public_id)
    return World(cast=cast, captain=captain, team=team)
