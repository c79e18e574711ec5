"""The service-hours certificate: an embedded CJK font, the issuing office, a number anyone can
check on the public verification page (which shows a masked name only), a seal area."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client, override_settings
from django.urls import reverse

from gongjian.orgs.models import Member
from gongjian.service import services
from gongjian.service.models import Certificate
from gongjian.service.tests.helpers import publish, shift, volunteer
from gongjian.testing import pdf
from gongjian.testing.cast import Cast


def _served(cast: Cast, name: str = "欧阳明华") -> tuple[Client, Member]:
    activity = publish(cast, quota=5)
    user, member = volunteer(cast, name=name)
    services.signup_create(actor=user, activity=activity)
    activity = shift(activity, -dt.timedelta(days=3))
    services.attendance_mark(
        actor=cast.community_secretary, activity=activity, member=member, hours="2.5"
    )
    client = Client()
    client.force_login(user)
    return client, member


def test_the_certificate_embeds_its_font_and_names_its_issuer_and_number(cast: Cast) -> None:
    client, member = _served(cast)
    response = client.get(reverse("service:certificate"))
    assert response.status_code == 200
    assert pdf.cjk_embedded(response.content), pdf.fonts(response.content)
    text = pdf.text(response.content)
    cert = Certificate.objects.get(member=member)
    assert "志愿服务时长证明" in text
    assert "欧阳明华" in text
    assert cert.number in text
    assert re.fullmatch(r"FW\d{4}-[2-9A-HJKMNP-Z]{10}", cert.number)
    assert "中共示范区委直属机关工作委员会" in text
    assert cert.issuer == "中共示范区委直属机关工作委员会"
    assert "（盖章）" in text
    assert reverse("service:certificate_verify", args=[cert.number]) in text
    assert (cert.activities, str(cert.hours)) == (1, "2.5")

    # Downloaded again with the same figures: the same number, not a second certificate
    again = client.get(reverse("service:certificate"))
    assert again.status_code == 200
    assert Certificate.objects.filter(member=member).count() == 1


@override_settings(DOCUMENT_ISSUER="中共测试区委组织部")
def test_the_issuer_is_a_setting(cast: Cast) -> None:
    client, member = _served(cast, name="李四")
    response = client.get(reverse("service:certificate"))
    assert "中共测试区委组织部" in pdf.text(response.content)
    assert Certificate.objects.get(member=member).issuer == "中共测试区委组织部"


def test_anyone_can_check_a_number_and_sees_only_a_masked_name(cast: Cast) -> None:
    client, member = _served(cast)
    client.get(reverse("service:certificate"))
    cert = Certificate.objects.get(member=member)
    stranger = Client()
    page = stranger.get(reverse("service:certificate_verify", args=[cert.number]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "真实有效" in html
    assert "欧***" in html
    assert "欧阳明华" not in html
    assert "2.5 小时" in html
    assert cert.issuer in html
    # Typed in lower case on the form: found all the same
    typed = stranger.get(reverse("service:certificate_check"), {"n": cert.number.lower()})
    assert typed.status_code == 302
    assert stranger.get(typed["Location"]).status_code == 200
    # A number never issued: 404 with the reason, nothing else
    missing = stranger.get(reverse("service:certificate_verify", args=["FW2026-ZZZZZZZZZZ"]))
    assert missing.status_code == 404
    assert "未找到编号为 FW2026-ZZZZZZZZZZ 的证明" in missing.content.decode()
    assert stranger.get(reverse("service:certificate_check")).status_code == 200
    # Whatever is typed, an answer and no error page
    for junk in ("a/b", "../..", "\u00e9", "FW2026-ZZZZ?x=1", "编号"):
        answer = stranger.get(reverse("service:certificate_check"), {"n": junk}, follow=True)
        assert answer.status_code in (200, 404), junk
