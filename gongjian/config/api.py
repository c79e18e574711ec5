"""The API: django-ninja under /api/v1/, token or session authentication, one error shape."""

from __future__ import annotations

import logging

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, django_auth

from gongjian.accounts.api import router as accounts_router
from gongjian.accounts.services import SecondFactorRequired, api_token_authenticate
from gongjian.cobuild.api import router as cobuild_router
from gongjian.consult.api import router as consult_router
from gongjian.core import context
from gongjian.core.api import router as core_router
from gongjian.core.errors import ApplicationError
from gongjian.evaluation.api import router as evaluation_router
from gongjian.forms.api import router as forms_router
from gongjian.grid.api import router as grid_router
from gongjian.inspection.api import router as inspection_router
from gongjian.mobilise.api import router as mobilise_router
from gongjian.orgs.api import router as orgs_router
from gongjian.reporting.api import router as reporting_router
from gongjian.reports.api import router as reports_router
from gongjian.service.api import router as service_router
from gongjian.study.api import router as study_router

logger = logging.getLogger(__name__)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> object | None:
        user = api_token_authenticate(key=token)
        if user is not None:
            request.user = user
            # The audit context was set before authentication: name the token's owner now.
            context.set_current(context.RequestContext(user=user, ip=context.client_ip(request)))
        return user


api = NinjaAPI(
    title="Gongjian 共建 API",
    version="1",
    urls_namespace="api",
    auth=[TokenAuth(), django_auth],
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(ApplicationError)
def on_application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(SecondFactorRequired)
def on_second_factor_required(request: HttpRequest, exc: SecondFactorRequired) -> HttpResponse:
    body = {"code": "second_factor_stale", "message": exc.message, "detail": {}}
    return api.create_response(request, body, status=403)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        loc = [
            str(p) for p in error.get("loc", []) if p not in ("body", "query", "path", "payload")
        ]
        fields.setdefault(".".join(loc) or "request", []).append(str(error.get("msg", "")))
    body = {"code": "validation", "message": "请求参数不正确", "detail": {"fields": fields}}
    return api.create_response(request, body, status=422)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    body = {"code": "not_found", "message": "对象不存在或无权查看", "detail": {}}
    return api.create_response(request, body, status=404)


@api.exception_handler(DatabaseError)
def on_database_error(request: HttpRequest, exc: DatabaseError) -> HttpResponse:
    """The database is down or refused the connection: 503 and when to try again. Any other
    database error is a fault of ours: 500, in the same shape, with nothing of the error."""
    if isinstance(exc, OperationalError | InterfaceError):
        logger.error("API: database unavailable: %s", type(exc).__name__)
        body = {"code": "unavailable", "message": "服务暂时不可用，请稍后重试", "detail": {}}
        response = api.create_response(request, body, status=503)
        response["Retry-After"] = "30"
        return response
    return on_server_error(request, exc)


@api.exception_handler(Exception)
def on_server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API: unexpected error on %s %s", request.method, request.path)
    body = {"code": "server_error", "message": "服务器内部错误", "detail": {}}
    return api.create_response(request, body, status=500)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body = {"code": "unauthorized", "message": "需要登录或有效的接口令牌", "detail": {}}
    return api.create_response(request, body, status=401)


api.add_router("/", core_router)
api.add_router("/", orgs_router)
api.add_router("/", reporting_router)
api.add_router("/service/", service_router)
api.add_router("/evaluation/", evaluation_router)
api.add_router("/reports/", reports_router)
api.add_router("/cobuild/", cobuild_router)
api.add_router("/accounts/", accounts_router)
api.add_router("/study/", study_router)
api.add_router("/inspection/", inspection_router)
api.add_router("/consult/", consult_router)
api.add_router("/grid/", grid_router)
api.add_router("/mobilise/", mobilise_router)
api.add_router("/forms/", forms_router)
