"""A page never turns an error into a response itself: `PageErrorMiddleware` does, the same
way for every app. Told with a tiny set of routes that raise what services raise."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from gongjian.config.urls import urlpatterns as site_urls
from gongjian.core import web
from gongjian.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gongjian.testing.cast import PASSWORD, Cast


def _missing(request: HttpRequest) -> HttpResponse:
    raise NotFound("活动不存在或无权查看")


def _forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("只有区级管理员可以发起")


def _bad_filter(request: HttpRequest) -> HttpResponse:
    raise ValidationFailed("年份：应为2000至2100之间的年份")


@web.action(back="detail")
def _act(request: HttpRequest, pk: int) -> HttpResponse:
    if request.POST.get("ok") != "1":
        raise Conflict("名额已满")
    return web.done(request, "已报名")


def _detail(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("detail")


urlpatterns = [
    path("missing/", _missing),
    path("forbidden/", _forbidden),
    path("bad/", _bad_filter),
    path("things/<int:pk>/", _detail, name="detail"),
    path("things/<int:pk>/act/", _act, name="act"),
    *site_urls,  # the pages' navigation links
]
handler403 = "gongjian.core.views.forbidden"
handler404 = "gongjian.core.views.not_found"
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def member_client(cast: Cast) -> Client:
    client = Client()
    assert client.login(username=cast.member.username, password=PASSWORD)
    return client


def test_not_found_and_forbidden_become_the_404_and_403_pages(member_client: Client) -> None:
    assert member_client.get("/missing/").status_code == 404
    response = member_client.get("/forbidden/")
    assert response.status_code == 403
    assert "只有区级管理员可以发起" in response.content.decode()


def test_a_broken_rule_on_a_get_is_shown_with_its_status(member_client: Client) -> None:
    response = member_client.get("/bad/")
    assert response.status_code == 400
    assert "应为2000至2100之间的年份" in response.content.decode()


def test_a_broken_rule_on_a_post_goes_back_with_its_message(member_client: Client) -> None:
    response = member_client.post("/things/7/act/", {"ok": "0"})
    assert response.status_code == 302
    assert response["Location"] == "/things/7/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["名额已满"]


def test_success_goes_to_a_checked_next_or_back(member_client: Client) -> None:
    response = member_client.post("/things/7/act/", {"ok": "1", "next": "/things/8/"})
    assert response["Location"] == "/things/8/"
    response = member_client.post(
        "/things/7/act/", {"ok": "1", "next": "https://evil.example/steal"}
    )
    assert response["Location"] == "/things/7/"
    response = member_client.post("/things/7/act/", {"ok": "1", "next": "//evil.example/"})
    assert response["Location"] == "/things/7/"


def test_an_htmx_post_that_breaks_a_rule_refreshes_with_the_message(
    member_client: Client,
) -> None:
    response = member_client.post("/things/7/act/", {"ok": "0"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Refresh"] == "true"


def test_an_action_needs_a_log_in_and_a_post(cast: Cast) -> None:
    anonymous = Client()
    assert anonymous.post("/things/7/act/", {"ok": "1"}).status_code == 302
    client = Client()
    client.login(username=cast.member.username, password=PASSWORD)
    # A GET of the action (a reload, a bookmark) goes to its page, not to an empty 405
    response = client.get("/things/7/act/")
    assert response.status_code == 302
    assert response["Location"] == "/things/7/"
    assert client.put("/things/7/act/").status_code == 405


def test_safe_next_refuses_other_hosts_and_nul(rf: pytest.FixtureRequest) -> None:
    request = rf.post("/", {"next": "/ok/\x00"})  # type: ignore[attr-defined]
    assert web.safe_next(request, "/home/") == "/home/"
    request = rf.post("/", {"next": "/reporting/"})  # type: ignore[attr-defined]
    assert web.safe_next(request, "/home/") == "/reporting/"


# A form the user typed at length keeps what was typed when the service refuses it -------------


class _MemberForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=10)
    phone = forms.CharField(label="手机号", required=False)


def _raise(exc: Exception) -> Any:
    raise exc


def test_a_valid_form_is_saved_by_the_service(rf: Any) -> None:
    form = _MemberForm({"name": " 王芳 "})
    assert web.form_save(form, lambda data: data["name"]) == "王芳"
    response = web.render_form(rf.get("/"), "error.html", {"form": form, "error": None})
    assert response.status_code == 200


def test_a_service_s_field_errors_go_beside_the_fields_with_400(rf: Any) -> None:
    form = _MemberForm({"name": "王芳", "phone": "123"})
    refused = ValidationFailed("手机号格式不正确", fields={"phone": ["手机号格式不正确"]})
    assert web.form_save(form, lambda data: _raise(refused)) is None
    assert form.errors == {"phone": ["手机号格式不正确"]}
    response = web.render_form(rf.post("/"), "error.html", {"form": form, "error": refused})
    assert response.status_code == 400


def test_another_broken_rule_goes_above_the_form_with_its_status(rf: Any) -> None:
    form = _MemberForm({"name": "王芳"})
    assert web.form_save(form, lambda data: _raise(Conflict("名额已满"))) is None
    assert form.non_field_errors() == ["名额已满"]
    response = web.render_form(rf.post("/"), "error.html", {"form": form, "error": None})
    assert response.status_code == 409


def test_an_invalid_form_never_reaches_the_service() -> None:
    form = _MemberForm({"name": "名字长得超过了十个字的人名字"})
    assert web.form_save(form, lambda data: _raise(AssertionError("called"))) is None
    assert "name" in form.errors


@pytest.mark.parametrize("exc", [NotFound("不存在"), PermissionDenied("无权")])
def test_not_found_and_forbidden_are_not_a_form_s_business(exc: Exception) -> None:
    with pytest.raises(type(exc)):
        web.form_save(_MemberForm({"name": "王芳"}), lambda data: _raise(exc))


def test_ranked_choices_follow_the_numbers_then_the_order_sent() -> None:
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    data.setlist("chosen", ["7", "3", "9", "4"])
    data.update({"rank_7": "3", "rank_3": "1", "rank_9": "", "rank_4": "2", "rank_5": "1"})
    # 5 has a number but was not ticked: left out; 9 was ticked without a number: last
    assert web.ranked_choices(data, "chosen") == ["3", "4", "7", "9"]
