from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError

from gongjian.core import context


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        token = context.set_current(
            context.RequestContext(
                user=user if user is not None and user.is_authenticated else None,
                ip=context.client_ip(request),
            )
        )
        try:
            return self.get_response(request)
        finally:
            context.reset(token)


NUL_MESSAGE = "请求参数不能包含空字符"
BODY_MESSAGE = "请求内容格式不正确（multipart 边界缺失或损坏）"


def _nul_fields(request: HttpRequest) -> list[str]:
    """The names of the query and form fields (and, for a JSON body, `body`) carrying a NUL."""
    fields = [
        k for k, values in request.GET.lists() if "\x00" in k or any("\x00" in v for v in values)
    ]
    content_type = request.META.get("CONTENT_TYPE", "")
    if request.method in ("POST", "PUT", "PATCH"):
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            fields += [
                k
                for k, values in request.POST.lists()
                if "\x00" in k or any("\x00" in v for v in values)
            ]
        elif content_type.startswith("application/json"):
            body = request.body
            if b"\\u0000" in body or b"\x00" in body:
                fields.append("body")
    return fields


class RejectNulMiddleware:
    """No text a client sends may carry a NUL character (PostgreSQL cannot store one, and no
    person types one): the API answers 422 in its error shape, a page 400, naming the field,
    before any view runs. Uploaded files are not text and are not looked at here."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            return self._refuse(request, ["path"])
        try:
            fields = _nul_fields(request)
        except MultiPartParserError:
            # A body that says multipart but is not (no boundary, a broken one): a 400 in the
            # error shape, not a traceback from whatever reads the form first.
            return self._refuse(request, ["body"], message=BODY_MESSAGE, status=400)
        if fields:
            return self._refuse(request, fields)
        return self.get_response(request)

    def _refuse(
        self,
        request: HttpRequest,
        fields: list[str],
        *,
        message: str = NUL_MESSAGE,
        status: int = 422,
    ) -> HttpResponse:
        from django.http import JsonResponse
        from django.shortcuts import render

        from gongjian.core.errors import ValidationFailed

        error = ValidationFailed(
            message, fields={name.replace("\x00", ""): [message] for name in fields}
        )
        if request.path.startswith("/api/"):
            return JsonResponse(error.as_dict(), status=status)
        return render(request, "error.html", {"error": error}, status=400)


request_logger = logging.getLogger("gongjian.request")


class RequestIdMiddleware:
    """First in the chain: each request gets an id (nginx's `X-Request-ID` when it sends a
    sane one), carried by every log line written while it runs and sent back in the
    response's `X-Request-ID`; one log line per request, with the path but never the query
    string (it may carry a search for a name or a phone)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from gongjian.core import logging as core_logging

        rid = core_logging.clean_request_id(request.META.get("HTTP_X_REQUEST_ID"))
        token = core_logging.set_request_id(rid)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = rid
            user = getattr(request, "user", None)
            match = getattr(request, "resolver_match", None)
            request_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "request_id": rid,
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "view": match.view_name if match is not None else None,
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                },
            )
            return response
        finally:
            core_logging.reset_request_id(token)
