from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

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
