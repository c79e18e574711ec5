"""An inspector records a finding with a photo on a phone; the draft survives the network
dropping and is sent when it is back."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from gongjian.conftest import browser_login
from gongjian.inspection.models import Finding
from gongjian.inspection.tests.helpers import inspection, jpeg
from gongjian.testing.cast import PASSWORD, Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open_form(page: Any, cast: Cast) -> None:
    insp = inspection(cast)
    browser_login(page, cast.member.username, PASSWORD)
    page.goto(reverse("inspection:finding_new", args=[insp.public_id]))


def test_a_finding_with_a_photo_survives_an_offline_moment(cast: Cast, browser_page: Any) -> None:
    page = browser_page
    # Given the inspector on the finding form of a phone
    _open_form(page, cast)
    page.select_option("#id_place", label="青禾站")
    page.fill("#id_description", "站前广场垃圾未及时清运")
    page.select_option("#id_category", label="环境卫生")
    page.select_option("#id_responsible_area", label="晨辉社区")
    page.fill("#id_workdays", "3")
    page.set_input_files(
        "#id_photos", files=[{"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}]
    )
    page.wait_for_selector("#draft-photos img")
    # When the network drops as they send it
    page.context.set_offline(True)
    page.click("#submit-finding")
    # Then the draft stays on the phone and nothing is sent
    page.wait_for_selector("#draft-status:has-text('网络已断开')")
    assert not Finding.objects.exists()
    draft = page.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('gongjian:finding:'))"
    )
    assert len(draft) == 1
    # When the network is back, the draft is sent by itself
    page.context.set_offline(False)
    page.wait_for_url("**/inspection/findings/**")
    finding = Finding.objects.get()
    assert finding.description == "站前广场垃圾未及时清运"
    assert (finding.responsible_area_id, finding.workdays) == (cast.chenhui.pk, 3)
    assert finding.photos.count() == 1
    assert "待整改" in page.locator("#status").inner_text()
    # And the draft is gone; the page fits the phone
    assert page.evaluate("Object.keys(localStorage).length") == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_draft_is_restored_when_the_form_is_opened_again(cast: Cast, browser_page: Any) -> None:
    page = browser_page
    _open_form(page, cast)
    page.fill("#id_description", "公园健身器材损坏")
    page.reload()
    assert page.input_value("#id_description") == "公园健身器材损坏"
    assert "已恢复" in page.locator("#draft-status").inner_text()
