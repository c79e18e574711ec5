"""The import over the API: the same all-or-nothing pipeline as the page."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gongjian.core import synthetic
from gongjian.orgs.models import Member
from gongjian.testing.cast import Cast


def _csv(rows: list[str]) -> SimpleUploadedFile:
    text = "姓名,身份证号,所在党组织编码,在职党员\n" + "\n".join(rows) + "\n"
    return SimpleUploadedFile("members.csv", text.encode("gbk"), content_type="text/csv")


def test_a_file_with_one_bad_row_writes_nothing_and_names_it(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.unit_admin)
    good = synthetic.id_number(birth=dt.date(1991, 1, 1), seq=5)
    before = Member.objects.count()
    response = client.post(
        "/api/v1/imports/members",
        {"file": _csv([f"甲,{good},TAX-1,是", "乙,110105194912310021,TAX-1,是"])},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == "invalid"
    assert body["errors"] == [{"row": 3, "column": "身份证号", "message": "身份证号校验位不正确"}]
    assert Member.objects.count() == before


def test_a_good_file_is_written_whole(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.unit_admin)
    rows = [
        f"党员{i},{synthetic.id_number(birth=dt.date(1991, 1, 1 + i), seq=i)},TAX-1,是"
        for i in range(5)
    ]
    response = client.post("/api/v1/imports/members", {"file": _csv(rows)})
    assert response.status_code == 201, response.content
    assert response.json()["written"] == 5
    assert Member.objects.filter(name__startswith="党员", unit=cast.tax).count() == 5


def test_an_import_kind_the_actor_may_not_use_is_refused(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.member)
    response = client.post("/api/v1/imports/areas", {"file": _csv([])})
    assert response.status_code == 403


def test_the_template_downloads(cast: Cast) -> None:
    from openpyxl import load_workbook

    client = Client()
    client.force_login(cast.unit_admin)
    response = client.get("/api/v1/imports/members/template")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert [c.value for c in sheet[1]][:2] == ["姓名*", "身份证号*"]
