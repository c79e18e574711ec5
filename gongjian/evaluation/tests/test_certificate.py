"""The model unit's certificate: Chinese in an embedded CJK font, the issuing office, the
number and a seal area."""

from __future__ import annotations

from django.test import Client

from gongjian.evaluation.tests.scope_matrix import _award_url
from gongjian.testing import pdf
from gongjian.testing.cast import Cast


def test_the_award_certificate_embeds_a_cjk_font_and_names_its_issuer(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.district_admin)
    response = client.get(_award_url(cast))
    assert response.status_code == 200
    assert pdf.cjk_embedded(response.content), pdf.fonts(response.content)
    text = pdf.text(response.content)
    assert "荣誉证书" in text
    assert "中共示范区委直属机关工作委员会" in text
    assert "（盖章）" in text
    assert "证书编号：" in text
