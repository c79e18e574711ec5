"""Spreadsheet imports through the pages: upload → preview (with every error named by row and
column) → confirm. A file with one bad row writes nothing; the corrected file writes all of it.
Areas, units and party organisations import too, in any row order; duplicates, wrong
hierarchies and rows outside the importer's scope are refused."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from gongjian.core import synthetic
from gongjian.core.exports import write_xlsx
from gongjian.core.models import AuditLog, ImportBatch
from gongjian.orgs import services
from gongjian.orgs.models import Area, Member, PartyOrg, Unit
from gongjian.testing.cast import Cast

MEMBER_HEADERS = [
    "姓名",
    "身份证号",
    "手机号",
    "党员类别",
    "入党日期",
    "所在党组织编码",
    "在职党员",
]
FULL_ID = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


def roster(n: int, *, org: str = "TAX-1", start: int = 0) -> list[list[str]]:
    """`n` members with valid, distinct ID numbers (born in the 1970s: the cast's are later)."""
    rows = []
    for i in range(start, start + n):
        birth = dt.date(1970, 1, 1) + dt.timedelta(days=i)
        rows.append(
            [
                synthetic.SURNAMES[i % len(synthetic.SURNAMES)]
                + synthetic.GIVEN[i % len(synthetic.GIVEN)],
                synthetic.id_number(birth=birth, seq=i % 1000),
                synthetic.phone(500_000 + i),
                "正式党员" if i % 7 else "预备党员",
                "2005-07-01",
                org,
                "是" if i % 2 else "否",
            ]
        )
    return rows


def with_bad_check_digit(id_number: str) -> str:
    last = id_number[-1]
    return id_number[:-1] + ("0" if last != "0" else "1")


def xlsx(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    return write_xlsx(headers, rows, title="Sheet1")


def upload(client: Client, kind: str, data: bytes, name: str = "upload.xlsx") -> Any:
    return client.post(
        reverse("orgs:import_start"), {"kind": kind, "file": SimpleUploadedFile(name, data)}
    )


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def check(client: Client, kind: str, data: bytes, name: str = "upload.xlsx") -> ImportBatch:
    """Upload and land on the preview; the batch behind it."""
    response = upload(client, kind, data, name)
    assert response.status_code == 302, response.content.decode()[-2000:]
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    return ImportBatch.objects.get(token=token)


def confirm(client: Client, batch: ImportBatch) -> ImportBatch:
    url = reverse("orgs:import_preview", args=[batch.token])
    response = client.post(url, {"action": "commit"})
    assert response.status_code == 302
    batch.refresh_from_db()
    return batch


def errors_of(batch: ImportBatch) -> list[tuple[int, str, str]]:
    return [(e["row"], e["column"], e["message"]) for e in batch.errors]


# 1,000 members: one bad row stops them all, the corrected file brings them all in --------------


def test_one_bad_row_in_a_thousand_stops_the_whole_file_then_the_fix_imports_all(
    cast: Cast,
) -> None:
    client = logged_in(cast.district_admin)
    rows = roster(1000)
    members_before = Member.objects.count()
    # Given a roster whose row 637 (the header is row 1) has a wrong check digit
    bad = [list(r) for r in rows]
    bad[637 - 2][1] = with_bad_check_digit(bad[637 - 2][1])

    # When it is uploaded
    batch = check(client, "members", xlsx(MEMBER_HEADERS, bad), "党员名册.xlsx")

    # Then the preview names that row and that column, and nothing is written.
    assert batch.status == ImportBatch.Status.INVALID
    assert batch.row_count == 1000
    assert errors_of(batch) == [(637, "身份证号", "身份证号校验位不正确")]
    page = client.get(reverse("orgs:import_preview", args=[batch.token]))
    html = page.content.decode()
    assert "发现1处错误，整个文件未导入" in html
    assert re.search(r"<td>637</td><td>身份证号</td><td>身份证号校验位不正确</td>", html)
    assert "确认导入" not in html
    assert not FULL_ID.search(html)  # the preview masks the ID numbers it shows
    assert Member.objects.count() == members_before

    # And the error report downloads as a workbook naming the row and the column.
    report = client.get(reverse("orgs:import_errors", args=[batch.token]))
    assert report.status_code == 200
    assert report["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(report.content)).worksheets[0]
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
        ["行号", "列", "错误原因"],
        [637, "身份证号", "身份证号校验位不正确"],
    ]
    # A batch with errors cannot be confirmed by posting anyway.
    confirm(client, batch)
    assert Member.objects.count() == members_before

    # When the corrected file is uploaded and confirmed
    batch = check(client, "members", xlsx(MEMBER_HEADERS, rows), "党员名册.xlsx")
    assert batch.status == ImportBatch.Status.CHECKED
    assert batch.errors == []
    preview = client.get(reverse("orgs:import_preview", args=[batch.token])).content.decode()
    assert "确认导入1000行" in preview
    assert Member.objects.count() == members_before  # a preview writes nothing
    batch = confirm(client, batch)

    # Then all thousand are in, with their fields, and the import is audited.
    assert (batch.status, batch.written) == (ImportBatch.Status.COMMITTED, 1000)
    assert Member.objects.count() == members_before + 1000
    row = rows[637 - 2]  # the row that was wrong is in, with its fields
    member = _member_by_id(row[1])
    assert (member.name, member.phone, member.party_org, member.unit) == (
        row[0],
        row[2],
        cast.tax_branch,
        cast.tax,
    )
    assert member.joined_on == dt.date(2005, 7, 1)
    entry = AuditLog.objects.get(action="import")
    assert (entry.actor_id, entry.object_repr) == (cast.district_admin.pk, "党员名册.xlsx")
    assert entry.changes == {"kind": "members", "rows": 1000}
    created = AuditLog.objects.filter(action="create", object_type="orgs.member")
    assert created.count() == 1000
    assert set(created.values_list("actor_id", flat=True)) == {cast.district_admin.pk}

    # And confirming twice writes nothing more.
    confirm(client, batch)
    assert Member.objects.count() == members_before + 1000


def _member_by_id(id_number: str) -> Member:
    from gongjian.core import crypto

    return Member.objects.get(id_number_hash=crypto.blind_index(id_number))


def test_a_change_between_preview_and_confirm_is_caught_and_nothing_is_written(
    cast: Cast,
) -> None:
    client = logged_in(cast.district_admin)
    rows = roster(5)
    batch = check(client, "members", xlsx(MEMBER_HEADERS, rows))
    assert batch.status == ImportBatch.Status.CHECKED
    # Meanwhile someone adds the member of the third row by hand.
    services.member_create(
        actor=cast.district_admin, name=rows[2][0], id_number=rows[2][1], party_org=cast.tax_branch
    )
    before = Member.objects.count()
    response = client.post(
        reverse("orgs:import_preview", args=[batch.token]), {"action": "commit"}, follow=True
    )
    assert "未导入任何数据" in response.content.decode()
    assert Member.objects.count() == before
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKED


# Duplicates and scope ----------------------------------------------------------------------------


def test_duplicates_in_the_file_and_in_the_database_are_reported_by_row(cast: Cast) -> None:
    client = logged_in(cast.district_admin)
    rows = roster(4)
    rows[3][1] = rows[1][1]  # row 5 repeats row 3
    rows.append(["李晓东", cast.member_record.id_number, "", "", "", "TAX-1", "是"])  # row 6
    batch = check(client, "members", xlsx(MEMBER_HEADERS, rows))
    assert errors_of(batch) == [
        (5, "身份证号", "与第3行的身份证号重复"),
        (6, "身份证号", "该身份证号的党员已在系统中"),
    ]


def test_a_unit_administrator_cannot_place_members_in_another_unit(cast: Cast) -> None:
    client = logged_in(cast.unit_admin)
    headers = [*MEMBER_HEADERS, "工作单位编码"]
    rows = [
        [*roster(1, org="TAX-1")[0], ""],  # their own branch: fine
        [*roster(1, org="JUS-1", start=1)[0], ""],  # the justice bureau's branch
        [*roster(1, org="TAX-1", start=2)[0], "U-JUS"],  # their branch, the other unit
        [*roster(1, org="CH", start=3)[0], ""],  # a community's organisation
    ]
    before = Member.objects.count()
    batch = check(client, "members", xlsx(headers, rows))
    assert errors_of(batch) == [
        (3, "所在党组织编码", "党组织编码JUS-1不存在或不在您的管辖范围"),
        (4, "工作单位编码", "单位编码U-JUS不存在或不在您的管辖范围"),
        (5, "所在党组织编码", "党组织编码CH不存在或不在您的管辖范围"),
    ]
    assert Member.objects.count() == before


def test_those_without_a_post_may_not_import(cast: Cast) -> None:
    for person in (cast.member, cast.outsider, cast.grid_leader):
        response = upload(logged_in(person), "members", xlsx(MEMBER_HEADERS, roster(1)))
        assert response.status_code == 403, person
        assert "不能导入" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_missing_required_column_is_named(cast: Cast) -> None:
    client = logged_in(cast.district_admin)
    rows = [r[:1] + r[2:] for r in roster(2)]
    batch = check(client, "members", xlsx([h for h in MEMBER_HEADERS if h != "身份证号"], rows))
    assert errors_of(batch) == [(1, "身份证号", "缺少必填列“身份证号”")]


# CSV in GBK, end to end ------------------------------------------------------------------------


def test_a_gbk_csv_imports_end_to_end(cast: Cast) -> None:
    client = logged_in(cast.unit_admin)
    rows = roster(3)
    rows[0][0] = "欧阳娜"
    text = ",".join(MEMBER_HEADERS) + "\r\n" + "".join(",".join(r) + "\r\n" for r in rows)
    batch = check(client, "members", text.encode("gbk"), "党员名册.csv")
    assert batch.status == ImportBatch.Status.CHECKED, batch.errors
    assert confirm(client, batch).written == 3
    member = _member_by_id(rows[0][1])
    assert (member.name, member.id_number, member.in_service) == ("欧阳娜", rows[0][1], False)
    assert AuditLog.objects.get(action="import").actor_id == cast.unit_admin.pk


# Areas, units, party organisations ------------------------------------------------------------

AREA_HEADERS = ["编码", "名称", "层级", "上级编码"]


def test_areas_import_with_parents_defined_later_in_the_file(cast: Cast) -> None:
    client = logged_in(cast.district_admin)
    rows = [
        ["SF0301G1", "南湾社区第一网格", "网格", "SF0301"],
        ["SF0301", "南湾社区", "社区", "SF03"],
        ["SF03", "南湾街道", "街道", "SF"],
        ["SF0102", "朝阳社区", "社区", "SF01"],  # under an existing street
    ]
    batch = confirm(client, check(client, "areas", xlsx(AREA_HEADERS, rows)))
    assert (batch.status, batch.written) == (ImportBatch.Status.COMMITTED, 4)
    grid = Area.objects.get(code="SF0301G1")
    assert (grid.kind, grid.path, grid.depth) == ("grid", "/SF/SF03/SF0301/SF0301G1/", 3)
    assert grid.parent is not None
    assert grid.parent.parent is not None
    assert grid.parent.parent.name == "南湾街道"
    assert Area.objects.get(code="SF0102").parent == cast.qinghe
    assert AuditLog.objects.filter(action="create", object_type="orgs.area").count() == 4


def test_areas_with_a_wrong_hierarchy_are_refused(cast: Cast) -> None:
    client = logged_in(cast.district_admin)
    rows = [
        ["SF09", "错层社区", "社区", "SF"],  # a community directly under the district
        ["SF08", "新街道", "街道", "SF"],
        ["SF08G", "错层网格", "网格", "SF08"],  # a grid under a street in the same file
        ["XX", "外区", "区", ""],  # only the platform administrator creates districts
        ["SF07", "无名", "组", "SF"],
    ]
    before = Area.objects.count()
    batch = check(client, "areas", xlsx(AREA_HEADERS, rows))
    assert errors_of(batch) == [
        (2, "层级", "上级是区，层级不匹配"),
        (4, "层级", "上级层级不匹配"),
        (5, "上级编码", "只有平台管理员可以新建区"),
        (6, "层级", "层级应为：区、街道（镇、乡）、社区（村）、网格之一"),
    ]
    assert Area.objects.count() == before


def test_a_street_administrator_cannot_import_areas_outside_the_street(cast: Cast) -> None:
    client = logged_in(cast.street_admin)
    rows = [["SF0202", "越界社区", "社区", "SF02"], ["SF0103", "本街道社区", "社区", "SF01"]]
    batch = check(client, "areas", xlsx(AREA_HEADERS, rows))
    assert errors_of(batch) == [(2, "上级编码", "上级编码SF02不存在或不在您的管辖范围")]


UNIT_HEADERS = ["单位编码", "单位名称", "简称", "单位类别", "所在区域编码", "地址"]


def test_units_import_and_an_unknown_area_is_named(cast: Cast) -> None:
    client = logged_in(cast.district_admin)
    rows = [
        ["U-CPPCC", "区政协机关", "区政协", "政协", "SF", "示范区青禾路1号"],
        ["U-COURT", "区法院", "", "审判", "SF01", ""],
    ]
    batch = confirm(client, check(client, "units", xlsx(UNIT_HEADERS, rows)))
    assert batch.written == 2
    unit = Unit.objects.get(code="U-CPPCC")
    assert (unit.name, unit.short_name, unit.area) == ("区政协机关", "区政协", cast.district)
    batch = check(client, "units", xlsx(UNIT_HEADERS, [["U-X", "某局", "", "", "NOPE", ""]]))
    assert errors_of(batch) == [(2, "所在区域编码", "区域编码NOPE不存在或不在您的管辖范围")]
    batch = check(client, "units", xlsx(UNIT_HEADERS, [["U-TAX", "重复", "", "", "SF", ""]]))
    assert errors_of(batch) == [(2, "单位编码", "单位编码U-TAX已存在")]


ORG_HEADERS = ["组织编码", "组织名称", "组织类别", "上级组织编码", "所属单位编码", "所属区域编码"]


def test_party_orgs_import_with_parents_defined_later_in_the_file(cast: Cast) -> None:
    client = logged_in(cast.district_admin)
    rows = [
        ["JUS-G1-B2", "区司法局第二党支部", "党支部", "JUS-G1", "U-JUS", ""],
        ["JUS-G1", "区司法局机关党总支", "党总支", "JUS", "U-JUS", ""],
        ["CH-T1", "晨辉社区临时党支部", "临时党支部", "CH", "", "SF0101"],
    ]
    batch = confirm(client, check(client, "party_orgs", xlsx(ORG_HEADERS, rows)))
    assert (batch.status, batch.written) == (ImportBatch.Status.COMMITTED, 3)
    branch = PartyOrg.objects.get(code="JUS-G1-B2")
    assert (branch.kind, branch.path, branch.depth) == ("branch", "/WC/JUS/JUS-G1/JUS-G1-B2/", 3)
    assert branch.unit == cast.justice
    assert PartyOrg.objects.get(code="CH-T1").area == cast.chenhui


def test_party_orgs_with_a_wrong_hierarchy_or_attachment_are_refused(cast: Cast) -> None:
    client = logged_in(cast.district_admin)
    rows = [
        ["TAX-1-X", "支部下的支部", "党支部", "TAX-1", "U-TAX", ""],  # under a branch
        ["NEW-B", "新支部", "党支部", "NEW-B2", "U-TAX", ""],
        ["NEW-B2", "同文件中的支部", "党支部", "WC", "U-TAX", ""],  # a branch as parent
        ["BOTH", "两头挂", "党支部", "TAX", "U-TAX", "SF0101"],
        ["ODD", "怪组织", "协会", "TAX", "U-TAX", ""],
    ]
    before = PartyOrg.objects.count()
    batch = check(client, "party_orgs", xlsx(ORG_HEADERS, rows))
    errors = errors_of(batch)
    assert (2, "上级组织编码", "党支部下不能再设下级组织") in errors
    assert (3, "上级组织编码", "党支部下不能再设下级组织") in errors
    assert (5, "所属单位编码", "所属单位编码与所属区域编码须填且只填一项") in errors
    assert (6, "组织类别", "组织类别不正确") in errors
    assert {row for row, _c, _m in errors} == {2, 3, 5, 6}
    assert PartyOrg.objects.count() == before


def test_a_unit_administrator_cannot_import_orgs_into_another_unit(cast: Cast) -> None:
    client = logged_in(cast.unit_admin)
    rows = [
        ["TAX-2", "区税务局第二党支部", "党支部", "TAX", "U-TAX", ""],
        ["JUS-2", "区司法局第二党支部", "党支部", "JUS", "U-JUS", ""],
    ]
    batch = check(client, "party_orgs", xlsx(ORG_HEADERS, rows))
    assert [(r, c) for r, c, _m in errors_of(batch)] == [(3, "上级组织编码"), (3, "所属单位编码")]


# Templates ------------------------------------------------------------------------------------

TEMPLATE_HEADERS = {
    "areas": ["编码*", "名称*", "层级*", "上级编码", "类型"],
    "units": ["单位编码*", "单位名称*", "简称", "单位类别", "所在区域编码*", "地址"],
    "party_orgs": [
        "组织编码*",
        "组织名称*",
        "组织类别*",
        "上级组织编码",
        "所属单位编码",
        "所属区域编码",
        "书记",
    ],
    "members": [
        "姓名*",
        "身份证号*",
        "手机号",
        "党员类别",
        "入党日期",
        "所在党组织编码*",
        "工作单位编码",
        "在职党员",
        "人大代表",
        "政协委员",
    ],
}


@pytest.mark.parametrize("kind", list(TEMPLATE_HEADERS))
def test_templates_download_as_workbooks_with_the_right_headers(cast: Cast, kind: str) -> None:
    client = logged_in(cast.district_admin)
    response = client.get(reverse("orgs:import_template", args=[kind]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    header = next(workbook.worksheets[0].iter_rows(max_row=1, values_only=True))
    assert list(header) == TEMPLATE_HEADERS[kind]
    assert workbook.sheetnames[1] == "填写说明"


def test_a_filled_in_template_imports(cast: Cast) -> None:
    client = logged_in(cast.unit_admin)
    response = client.get(reverse("orgs:import_template", args=["members"]))
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    row = roster(1)[0]
    sheet.append([row[0], row[1].lower(), row[2], "预备党员", "2015/7/1", "TAX-1", "", "是"])
    out = io.BytesIO()
    workbook.save(out)
    batch = confirm(client, check(client, "members", out.getvalue()))
    assert batch.written == 1
    member = _member_by_id(row[1])
    assert (member.status, member.joined_on, member.in_service) == (
        "probationary",
        dt.date(2015, 7, 1),
        True,
    )


def test_an_empty_workbook_says_so(cast: Cast) -> None:
    client = logged_in(cast.district_admin)
    wb = Workbook()
    out = io.BytesIO()
    wb.save(out)
    response = upload(client, "members", out.getvalue())
    assert response.status_code == 415
    assert "表格是空的" in response.content.decode()


# Giving up a checked batch ------------------------------------------------------------------


def test_a_checked_batch_given_up_on_the_page_is_audited_and_can_no_longer_be_imported(
    cast: Cast,
) -> None:
    client = logged_in(cast.district_admin)
    batch = check(client, "members", xlsx(MEMBER_HEADERS, roster(3)))
    before = Member.objects.count()
    # When the administrator gives it up
    url = reverse("orgs:import_preview", args=[batch.token])
    response = client.post(url, {"action": "discard"})
    # Then they are back at the upload page, the batch says so, and the log has it
    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:import_start")
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DISCARDED
    entry = AuditLog.objects.get(action="update", object_type="core.importbatch")
    assert (entry.actor_id, entry.changes) == (
        cast.district_admin.pk,
        {"status": ["checked", "discarded"]},
    )
    # And confirming it afterwards writes nothing, with the reason on the preview page
    followed = client.post(url, {"action": "commit"}, follow=True)
    assert "该批次不能导入" in followed.content.decode()
    assert Member.objects.count() == before


def test_someone_else_s_batch_cannot_be_given_up(cast: Cast) -> None:
    batch = check(logged_in(cast.district_admin), "members", xlsx(MEMBER_HEADERS, roster(2)))
    url = reverse("orgs:import_preview", args=[batch.token])
    response = logged_in(cast.unit_admin).post(url, {"action": "discard"})
    assert response.status_code == 404
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKED


def test_the_api_gives_up_a_batch_like_the_page(cast: Cast) -> None:
    client = logged_in(cast.district_admin)
    batch = check(client, "members", xlsx(MEMBER_HEADERS, roster(2)))
    # A batch of another account is not found
    other = logged_in(cast.unit_admin).post(f"/api/v1/imports/{batch.token}/discard")
    assert other.status_code == 404
    response = client.post(f"/api/v1/imports/{batch.token}/discard")
    assert response.status_code == 200
    assert response.json()["status"] == "discarded"
    # A second time it is refused: the batch is no longer checked
    again = client.post(f"/api/v1/imports/{batch.token}/discard")
    assert again.status_code == 400
    assert again.json()["code"] == "batch_state"
    assert AuditLog.objects.filter(action="update", object_type="core.importbatch").count() == 1
