"""Background jobs (ADR 0032) with the immediate backend the tests and the embedded default
use: the long work runs at once, its job records how it ended, and the pages lead from the
action to the result. Progress, its polling fragment, who may see a job, and errors in
Chinese. (The worker itself, on the database backend: test_jobs_worker.py.)"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from gongjian.core import jobs
from gongjian.core.errors import ApplicationError
from gongjian.core.exports import write_xlsx
from gongjian.core.models import ImportBatch, Job
from gongjian.orgs.models import Member
from gongjian.orgs.tests.test_import import MEMBER_HEADERS, roster
from gongjian.testing.cast import Cast


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@jobs.handler("test.refused")
def _refused(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    progress(3, 10, "正在处理")
    raise ApplicationError("活动名称：不能为空")


@jobs.handler("test.broken")
def _broken(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    raise RuntimeError("an internal detail the page must not show")


@jobs.handler("test.counting")
def _counting(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    seen = 0
    for _item in progress.counting(list(range(250)), stage="正在计数", every=50):
        seen += 1
    return jobs.Outcome(f"数了{seen}个", url="/", label="返回")


def test_a_member_import_through_the_pages_runs_as_two_jobs_and_ends_on_its_results(
    cast: Cast,
) -> None:
    """Given an upload of 30 members, the check and the commit each run as a job of the
    uploader; the immediate backend finishes them at once, so the upload lands on the
    preview and the confirmation on the imported members, and each job's page says so."""
    client = _client(cast.unit_admin)
    before = Member.objects.count()
    data = write_xlsx(MEMBER_HEADERS, roster(30), title="Sheet1")
    response = client.post(
        reverse("orgs:import_start"),
        {"kind": "members", "file": SimpleUploadedFile("名册.xlsx", data)},
    )
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("orgs:import_preview", args=[batch.token])
    check = Job.objects.get(kind="import.check")
    assert (check.actor, check.state, check.total, check.done) == (
        cast.unit_admin,
        Job.State.DONE,
        30,
        30,
    )
    assert check.summary == "共30行，全部通过校验，请确认导入"
    assert batch.status == ImportBatch.Status.CHECKED

    response = client.post(
        reverse("orgs:import_preview", args=[batch.token]), {"action": "commit"}, follow=True
    )
    assert "已导入30条党员" in response.content.decode()
    commit = Job.objects.get(kind="import.commit")
    assert commit.state == Job.State.DONE
    assert commit.result_url == reverse("orgs:member_list")
    assert Member.objects.count() == before + 30
    page = client.get(reverse("core:job_detail", args=[commit.public_id])).content.decode()
    assert "已完成" in page
    assert "已导入30条党员" in page
    assert f'href="{reverse("orgs:member_list")}"' in page
    assert 'data-width="100"' in page
    assert "hx-trigger" not in page  # a finished job is not polled any more
    listing = client.get(reverse("core:job_list")).content.decode()
    assert "导入党员：名册.xlsx" in listing
    assert "校验党员：名册.xlsx" in listing


def test_a_batch_being_committed_cannot_be_committed_again(cast: Cast) -> None:
    client = _client(cast.unit_admin)
    data = write_xlsx(MEMBER_HEADERS, roster(2), title="Sheet1")
    client.post(
        reverse("orgs:import_start"),
        {"kind": "members", "file": SimpleUploadedFile("名册.xlsx", data)},
    )
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.COMMITTING)
    response = client.post(
        reverse("orgs:import_preview", args=[batch.token]), {"action": "commit"}, follow=True
    )
    assert "该批次正在导入，请稍候" in response.content.decode()
    assert not Job.objects.filter(kind="import.commit").exists()


def test_a_running_job_is_polled_every_second_and_shows_how_far_it_has_come(
    cast: Cast,
) -> None:
    job = Job.objects.create(
        public_id=uuid.uuid4(),
        actor=cast.district_admin,
        kind="import.commit",
        title="导入党员：名册.xlsx",
        state=Job.State.RUNNING,
        stage="正在校验",
        total=10_000,
        done=2_500,
    )
    client = _client(cast.district_admin)
    url = reverse("core:job_detail", args=[job.public_id])
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment  # htmx swaps the fragment alone
    assert f'hx-get="{url}"' in fragment
    assert 'hx-trigger="every 1s"' in fragment
    assert 'data-width="25"' in fragment
    assert "2500 / 10000（25%）" in fragment
    assert "进行中" in fragment
    assert "正在校验" in fragment
    assert "style=" not in fragment
    assert "<script" not in fragment
    full = client.get(url).content.decode()
    assert "<html" in full
    assert 'hx-trigger="every 1s"' in full


def test_only_the_starter_and_the_platform_administrator_see_a_job(cast: Cast) -> None:
    job = jobs.job_start(actor=cast.unit_admin, kind="test.counting", title="计数")
    url = reverse("core:job_detail", args=[job.public_id])
    assert _client(cast.unit_admin).get(url).status_code == 200
    assert _client(cast.platform_admin).get(url).status_code == 200
    for other in (cast.district_admin, cast.member, cast.outsider):
        assert _client(other).get(url).status_code == 404
        assert "计数" not in _client(other).get(reverse("core:job_list")).content.decode()
    assert _client(cast.unit_admin).get(reverse("core:job_detail", args=["x"])).status_code == 404


def test_progress_counts_as_the_work_goes_through_its_items(cast: Cast) -> None:
    job = jobs.job_start(actor=cast.unit_admin, kind="test.counting", title="计数")
    assert (job.state, job.total, job.done, job.summary) == (Job.State.DONE, 250, 250, "数了250个")
    assert job.percent == 100
    assert job.started_at
    assert job.finished_at


def test_a_refusal_is_the_job_s_error_in_chinese_and_a_crash_says_only_that_it_failed(
    cast: Cast, caplog: pytest.LogCaptureFixture
) -> None:
    refused = jobs.job_start(actor=cast.unit_admin, kind="test.refused", title="拒绝")
    assert (refused.state, refused.error, refused.error_status) == (
        Job.State.FAILED,
        "活动名称：不能为空",
        400,
    )
    page = _client(cast.unit_admin).get(reverse("core:job_detail", args=[refused.public_id]))
    assert "失败" in page.content.decode()
    assert "活动名称：不能为空" in page.content.decode()
    with pytest.raises(ApplicationError, match="活动名称：不能为空"):
        jobs.job_checked(refused)

    broken = jobs.job_start(actor=cast.unit_admin, kind="test.broken", title="出错")
    assert broken.state == Job.State.FAILED
    assert broken.error == f"处理出错，请稍后重试或联系管理员（任务编号{broken.pk}）"
    assert "internal detail" not in broken.error
    assert "test.broken" in caplog.text


def test_the_briefing_is_made_as_a_job_and_downloaded_from_its_page(cast: Cast) -> None:
    client = _client(cast.district_admin)
    response = client.post(reverse("reports:briefing_generate"), {"period": "this_year"})
    assert response.status_code == 302
    job = Job.objects.get(kind="reports.briefing")
    assert response["Location"] == reverse("core:job_detail", args=[job.public_id])
    assert job.state == Job.State.DONE
    assert re.fullmatch(r".+工作简报-\d{8}\.docx", job.filename), job.filename
    page = client.get(response["Location"]).content.decode()
    download = reverse("core:job_file", args=[job.public_id])
    assert f'href="{download}"' in page
    got = client.get(download)
    assert got.status_code == 200
    assert got["Content-Type"].startswith("application/vnd.openxmlformats")
    assert b"".join(got).startswith(b"PK")
    assert _client(cast.street_admin).get(download).status_code == 404


def test_the_rollups_are_rebuilt_as_a_job_by_the_working_committee_only(cast: Cast) -> None:
    client = _client(cast.district_admin)
    assert "rollups-refresh" in client.get(reverse("reports:dashboard")).content.decode()
    response = client.post(reverse("reports:rollups_refresh"), {"full": "1"})
    job = Job.objects.get(kind="reports.rollups")
    assert response["Location"] == reverse("core:job_detail", args=[job.public_id])
    assert job.state == Job.State.DONE
    assert job.params == {"full": True}
    assert job.summary.startswith(("已重算", "统计已是最新"))
    street = _client(cast.street_admin)
    assert "rollups-refresh" not in street.get(reverse("reports:dashboard")).content.decode()
    assert street.post(reverse("reports:rollups_refresh")).status_code == 403
    assert Job.objects.filter(kind="reports.rollups").count() == 1
