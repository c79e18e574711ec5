"""Personal information: ID numbers and phones are encrypted at rest, masked on every page,
in every API answer and export — for every role, those who may unmask included (unmasking is
an explicit, audited action) — and kept out of the logs. Yet search by a whole ID number or
phone still finds the member, and search by name folds traditional characters."""

from __future__ import annotations

import io
import logging
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from gongjian.accounts.services import user_create
from gongjian.core.logging import RedactPersonalInfo
from gongjian.core.masking import mask_id_number, mask_phone
from gongjian.core.search import fold
from gongjian.orgs import selectors, services
from gongjian.orgs.models import Member
from gongjian.testing.cast import Cast, make_member

# A whole value stands alone: not inside a longer run of letters and digits (the hex of a
# base64 ciphertext or a hex lookup hash may contain eleven digits in a row by chance).
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z_-])\d{17}[\dXx](?![0-9A-Za-z_-])")
PHONE = re.compile(r"(?<![0-9A-Za-z_-])1[3-9]\d{9}(?![0-9A-Za-z_-])")
PEOPLE = (
    "platform_admin",
    "district_admin",
    "street_admin",
    "community_secretary",
    "grid_leader",
    "unit_admin",
    "member",
    "outsider",
)


def assert_no_personal_values(text: str, where: str) -> None:
    assert not ID_NUMBER.search(text), f"a whole ID number in {where}: {ID_NUMBER.search(text)}"
    assert not PHONE.search(text), f"a whole phone number in {where}: {PHONE.search(text)}"


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# At rest -------------------------------------------------------------------------------------


def test_a_raw_select_of_the_member_table_shows_no_id_or_phone(cast: Cast) -> None:
    table = Member._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608
        rows = cursor.fetchall()
    assert len(rows) == Member.objects.count() == 5
    dump = repr(rows)
    assert_no_personal_values(dump, "the member table")
    # The values are there, encrypted, and come back whole through the model.
    assert cast.member_record.id_number not in dump
    assert ID_NUMBER.fullmatch(Member.objects.get(pk=cast.member_record.pk).id_number)


def test_a_raw_select_of_the_user_table_shows_no_phone(db: None) -> None:
    user_create(username="wangfang", password=None, phone="19900777888")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_user")
        dump = repr(cursor.fetchall())
    assert "19900777888" not in dump
    assert_no_personal_values(dump, "the user table")


# Pages, API, export: masked for everyone ----------------------------------------------------


@pytest.mark.parametrize("person", PEOPLE)
def test_pages_show_only_masked_values_to_every_role(cast: Cast, person: str) -> None:
    user = cast.people[person]
    client = client_of(user)
    visible = list(selectors.member_list(actor=user))
    html = client.get(reverse("orgs:member_list")).content.decode()
    assert_no_personal_values(html, f"the member list as {person}")
    for member in visible:
        assert mask_id_number(member.id_number) in html  # masked, not missing
        detail = client.get(reverse("orgs:member_detail", args=[member.public_id]))
        assert detail.status_code == 200
        text = detail.content.decode()
        assert_no_personal_values(text, f"{member.name}'s page as {person}")
        assert mask_id_number(member.id_number) in text
        assert mask_phone(member.phone) in text


@pytest.mark.parametrize("person", PEOPLE)
def test_the_api_answers_only_masked_values_to_every_role(cast: Cast, person: str) -> None:
    user = cast.people[person]
    client = client_of(user)
    answer = client.get("/api/v1/members?page_size=500")
    assert answer.status_code == 200
    items = answer.json()["items"]
    assert len(items) == selectors.member_list(actor=user).count()
    assert_no_personal_values(answer.content.decode(), f"the API list as {person}")
    for item in items:
        detail = client.get(f"/api/v1/members/{item['id']}")
        assert detail.status_code == 200
        assert_no_personal_values(detail.content.decode(), f"the API detail as {person}")
        assert "*" in detail.json()["id_number"]


@pytest.mark.parametrize("person", PEOPLE)
def test_the_export_holds_only_masked_values_for_every_role(cast: Cast, person: str) -> None:
    user = cast.people[person]
    response = client_of(user).get(reverse("orgs:member_export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    cells = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert sheet.max_row == 1 + selectors.member_list(actor=user).count()
    assert_no_personal_values(" ".join(cells), f"the export as {person}")
    for member in selectors.member_list(actor=user):
        assert mask_id_number(member.id_number) in cells


def test_unmasking_is_the_one_way_to_the_whole_value(cast: Cast) -> None:
    client = client_of(cast.district_admin)
    target = cast.tax_colleague
    url = reverse("orgs:member_unmask", args=[target.public_id])
    response = client.post(url, {"field": "phone", "reason": "联系"})
    assert response.content.decode().strip() == target.phone
    # and the page after it is masked as before.
    page = client.get(reverse("orgs:member_detail", args=[target.public_id])).content.decode()
    assert_no_personal_values(page, "the detail page after unmasking")


# Logs ------------------------------------------------------------------------------------------


def _pii_handler() -> logging.Handler:
    """The handler that settings.LOGGING configured on the root logger."""
    for handler in logging.getLogger().handlers:
        if any(isinstance(f, RedactPersonalInfo) for f in handler.filters):
            return handler
    raise AssertionError("settings.LOGGING configures no handler with RedactPersonalInfo")


@pytest.fixture
def log_output() -> Any:
    handler = _pii_handler()
    stream = io.StringIO()
    assert isinstance(handler, logging.StreamHandler)
    old = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(old)


ID_ = "11010519491231002X"
PHONE_ = "13800138000"


def test_log_lines_never_carry_an_id_number_or_phone(log_output: io.StringIO) -> None:
    logger = logging.getLogger("gongjian.orgs.importers")
    logger.warning("导入失败：身份证号%s，手机号%s", ID_, PHONE_)
    logger.warning(f"直接拼接的 {ID_.lower()} 和 {PHONE_}")
    logger.error("仍然保留其他内容：第%d行", 637)
    out = log_output.getvalue()
    assert "[已隐藏]" in out
    assert "第637行" in out
    assert_no_personal_values(out, "the log")


def test_tracebacks_in_the_log_carry_no_id_number_or_phone(log_output: io.StringIO) -> None:
    logger = logging.getLogger("django.request")
    try:
        raise ValueError(f"bad member {ID_} / {PHONE_}")
    except ValueError:
        logger.exception("Internal Server Error: /orgs/members/")
    out = log_output.getvalue()
    assert "ValueError: bad member" in out
    assert_no_personal_values(out, "a logged traceback")


def test_the_filter_keeps_other_numbers() -> None:
    record = logging.LogRecord(
        "x", logging.WARNING, __file__, 1, "单位 %s 有 %d 人", ("U001", 12), None
    )
    assert RedactPersonalInfo().filter(record) is True
    assert record.getMessage() == "单位 U001 有 12 人"
    record = logging.LogRecord(
        "x", logging.WARNING, __file__, 1, "订单号%s", ("1234567890123456789",), None
    )
    RedactPersonalInfo().filter(record)
    assert record.getMessage() == "订单号1234567890123456789"  # 19 digits: not an ID number


# Search ----------------------------------------------------------------------------------------


def _search_page(client: Client, q: str) -> str:
    return client.get(reverse("orgs:member_list"), {"q": q}).content.decode()


def test_search_by_whole_id_number_or_phone_finds_the_member(cast: Cast) -> None:
    client = client_of(cast.district_admin)
    target = cast.tax_colleague
    for q in (target.id_number, target.phone, f" {target.phone[:3]} {target.phone[3:]} "):
        html = _search_page(client, q)
        assert target.name in html, q
        assert cast.member_record.name not in html, q
        api = client.get("/api/v1/members", {"q": q}).json()["items"]
        assert [i["name"] for i in api] == [target.name], q
    # A wrong check digit or an unknown phone finds no one.
    wrong = target.id_number[:-1] + ("0" if target.id_number[-1] != "0" else "1")
    assert client.get("/api/v1/members", {"q": wrong}).json()["items"] == []
    assert client.get("/api/v1/members", {"q": "19912345678"}).json()["items"] == []


def test_search_by_an_id_number_with_a_lowercase_x(cast: Cast) -> None:
    created = services.member_create(
        actor=cast.district_admin, name="钱多多", id_number=ID_, party_org=cast.tax_branch
    )
    api = client_of(cast.district_admin).get("/api/v1/members", {"q": ID_.lower()}).json()
    assert [i["id"] for i in api["items"]] == [str(created.public_id)]


def test_search_by_name_folds_traditional_to_simplified(cast: Cast) -> None:
    make_member("刘伟", cast.tax_branch)
    client = client_of(cast.district_admin)
    html = _search_page(client, "劉偉")
    assert "刘伟" in html
    assert cast.member_record.name not in html
    api = client.get("/api/v1/members", {"q": "劉偉"}).json()["items"]
    assert [i["name"] for i in api] == ["刘伟"]


@pytest.mark.parametrize(
    ("stored", "typed"), [("陳靜儀", "陈静仪"), ("陳靜儀", "靜儀"), ("王ＡＢ", "王ab")]
)
def test_search_folds_the_stored_name_too(cast: Cast, stored: str, typed: str) -> None:
    """The stored text is folded as well (a folded column): a member stored in traditional
    characters or full-width letters is found by the simplified, half-width query."""
    member = make_member(stored, cast.tax_branch)
    assert member.name_folded == fold(stored)
    client = client_of(cast.district_admin)
    assert stored in _search_page(client, typed)
    api = client.get("/api/v1/members", {"q": typed}).json()["items"]
    assert [i["name"] for i in api] == [stored]
    # Renamed through the service, the folded column follows.
    services.member_update(actor=cast.district_admin, member=member, name="陳大文")
    api = client.get("/api/v1/members", {"q": "陈大文"}).json()["items"]
    assert [i["name"] for i in api] == ["陳大文"]


def test_search_stays_inside_the_scope(cast: Cast) -> None:
    # The unit administrator of the tax bureau searches for a justice bureau member's ID.
    client = client_of(cast.unit_admin)
    api = client.get("/api/v1/members", {"q": cast.justice_member.id_number}).json()
    assert api["items"] == []
