"""Bad input is refused with a message that names the field or the node, and writes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gongjian.core.errors import Conflict, FileTooLarge, UnsupportedFile, ValidationFailed
from gongjian.evaluation import services
from gongjian.evaluation.models import Assessment, Evidence, Framework
from gongjian.evaluation.tests import helpers as h
from gongjian.testing.cast import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)


def test_weights_that_do_not_add_up_are_refused_naming_the_node(cast: Cast) -> None:
    actor = cast.district_admin
    fw = services.framework_create(actor=actor, code="bad", name="有误体系", area=cast.district)
    d1 = services.indicator_save(actor=actor, framework=fw, code="1", name="学习型机关", weight=60)
    i11 = services.indicator_save(
        actor=actor, framework=fw, parent=d1, code="1.1", name="学习", weight=50
    )
    d2 = services.indicator_save(actor=actor, framework=fw, code="2", name="清廉型机关", weight=40)
    with pytest.raises(ValidationFailed, match="学习型机关") as err:
        services.framework_publish(actor=actor, framework=fw)
    assert "50" in err.value.message
    assert "60" in err.value.message
    services.indicator_save(
        actor=actor, framework=fw, indicator=i11, parent=d1, code="1.1", name="学习", weight=60
    )
    services.indicator_save(
        actor=actor, framework=fw, indicator=d2, code="2", name="清廉型机关", weight=30
    )
    with pytest.raises(ValidationFailed) as err:
        services.framework_publish(actor=actor, framework=fw)
    assert any("一级指标" in m for m in err.value.detail["fields"]["weights"])
    fw.refresh_from_db()
    assert fw.status == Framework.Status.DRAFT


def test_the_seeded_frameworks_are_published_and_sum_to_100(cast: Cast) -> None:
    for code in ("wushuang-wuxing", "liuxing-jiguan", "wuge-jianchi"):
        fw = Framework.objects.get(code=code)
        assert fw.status == Framework.Status.PUBLISHED
        assert services.framework_problems(fw) == []


def test_a_framework_in_use_is_not_edited_but_copied(cast: Cast) -> None:
    c = h.campaign(cast)
    with pytest.raises(Conflict, match="复制"):
        services.indicator_save(
            actor=cast.district_admin, framework=c.framework, code="9", name="新增", weight=1
        )
    copy = services.framework_copy(
        actor=cast.district_admin, framework=c.framework, area=cast.district, code="copy-1"
    )
    assert copy.indicators.count() == c.framework.indicators.count()
    assert copy.status == Framework.Status.DRAFT


def test_computed_indicator_thresholds_are_checked(cast: Cast) -> None:
    actor = cast.district_admin
    fw = services.framework_create(actor=actor, code="thr", name="体系", area=cast.district)
    for bad, message in (
        ("60:60, 50:80", "从小到大"),
        ("60:120", "超出"),
        ("六十:60", "数字"),
        ("", "分档"),
    ):
        with pytest.raises(ValidationFailed, match=message):
            services.indicator_save(
                actor=actor,
                framework=fw,
                code="1",
                name="报到率",
                weight=100,
                method="computed",
                metric="reporting_rate",
                thresholds=bad,
            )
    with pytest.raises(ValidationFailed, match="数据来源"):
        services.indicator_save(
            actor=actor,
            framework=fw,
            code="1",
            name="学习时长",
            weight=100,
            method="computed",
            metric="study_hours",
            thresholds="1:100",
        )


def test_a_score_above_the_maximum_is_refused(cast: Cast) -> None:
    c = h.campaign(cast)
    a = h.assessment(c, cast.tax)
    i11 = h.ind(c, "1.1")
    with pytest.raises(ValidationFailed, match="超过满分100") as err:
        services.assessment_save(actor=cast.unit_admin, assessment=a, scores={i11.pk: (101, "")})
    assert f"score_{i11.pk}" in err.value.detail["fields"]
    assert "第一议题制度落实" in err.value.message
    with pytest.raises(ValidationFailed, match="负数"):
        services.assessment_save(actor=cast.unit_admin, assessment=a, scores={i11.pk: (-1, "")})
    with pytest.raises(ValidationFailed, match="数字"):
        services.assessment_save(actor=cast.unit_admin, assessment=a, scores={i11.pk: ("优", "")})
    # Reviewers are held to the same maximum.
    h.fill(cast, a)
    with pytest.raises(ValidationFailed, match="超过满分"):
        services.assessment_review(
            actor=cast.district_admin, assessment=a, action="approve", scores={i11.pk: (150, "")}
        )
    a.refresh_from_db()
    assert a.status == Assessment.Status.SUBMITTED
    # A computed indicator takes no hand-written score.
    with pytest.raises(ValidationFailed, match="自动计算"):
        services.assessment_review(
            actor=cast.district_admin,
            assessment=a,
            action="approve",
            scores={h.ind(c, "1.2").pk: (100, "")},
        )


def test_a_missing_required_evidence_file_is_refused(cast: Cast) -> None:
    c = h.campaign(cast)
    a = h.assessment(c, cast.tax)
    services.assessment_save(
        actor=cast.unit_admin,
        assessment=a,
        scores={h.ind(c, "1.1").pk: (90, "说明"), h.ind(c, "2.1").pk: (80, "")},
    )
    with pytest.raises(ValidationFailed, match="须上传佐证材料：第一议题制度落实") as err:
        services.assessment_submit(actor=cast.unit_admin, assessment=a, today=h.TODAY)
    assert "evidence" in err.value.detail["fields"]
    a.refresh_from_db()
    assert a.status == Assessment.Status.DRAFT


def test_unscored_indicators_and_the_deadline(cast: Cast) -> None:
    c = h.campaign(cast)
    a = h.assessment(c, cast.tax)
    with pytest.raises(ValidationFailed, match="还没有自评分"):
        services.assessment_submit(actor=cast.unit_admin, assessment=a, today=h.TODAY)
    late = c.submit_by + dt.timedelta(days=1)
    with pytest.raises(Conflict, match="截止"):
        services.assessment_submit(actor=cast.unit_admin, assessment=a, today=late)


def test_evidence_is_told_by_content(cast: Cast) -> None:
    c = h.campaign(cast)
    a = h.assessment(c, cast.tax)
    i11 = h.ind(c, "1.1")

    def add(name: str, data: bytes) -> list[Evidence]:
        return services.evidence_add(
            actor=cast.unit_admin, assessment=a, indicator=i11, files=[(name, data)]
        )

    assert add("材料.pdf", h.pdf())[0].kind == "pdf"
    assert add("方案.docx", h.docx())[0].kind == "docx"
    with pytest.raises(UnsupportedFile, match=r"假图片\.png"):
        add("假图片.png", b"MZ\x90\x00 this is a program")
    with pytest.raises(UnsupportedFile):
        add("表格.xlsx", b"PK\x03\x04not really a zip")
    with pytest.raises(FileTooLarge):
        add("大文件.pdf", b"%PDF-" + b"0" * services.EVIDENCE_MAX_BYTES)
    assert a.evidence.count() == 2


def test_grade_thresholds_are_configurable_and_checked(cast: Cast) -> None:
    with pytest.raises(ValidationFailed, match="分数线"):
        h.campaign(cast, excellent_min=70, good_min=80)
    c = h.campaign(cast, excellent_min=30, good_min=20, passing_min=10)
    a = h.assessment(c, cast.tax)
    h.fill(cast, a)
    h.approve(cast, a)
    services.campaign_publish(actor=cast.district_admin, campaign=c, published_on=h.TODAY)
    a.refresh_from_db()
    assert a.grade == "excellent"  # 90→18 + 80→24 = 42 ≥ 30


def test_publishing_needs_every_review_finished(cast: Cast) -> None:
    c = h.campaign(cast)
    with pytest.raises(Conflict, match="审定"):
        services.campaign_publish(actor=cast.district_admin, campaign=c)
    h.fill(cast, h.assessment(c, cast.tax))
    with pytest.raises(Conflict):
        services.campaign_publish(actor=cast.district_admin, campaign=c)
    with pytest.raises(Exception, match="无权"):
        services.campaign_publish(actor=cast.unit_admin, campaign=c)
