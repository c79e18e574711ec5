"""How a page turns a broken rule into a response, in one place (ADR 0010).

A view parses its input, calls one service or selector and renders the result. It never
catches `ApplicationError`: `PageErrorMiddleware` does, for every page:

- `NotFound` → the 404 page (the object does not exist or the caller may not see it);
- `PermissionDenied` → the 403 page;
- any other `ApplicationError` on a POST (or an htmx request) → its message, shown on the page
  the user came from: the checked `next`, else the view's declared `back`, else the referring
  page of this site, else the home page;
- any other `ApplicationError` on a GET → the error page with the message and the error's status;
- on the POST of a page declared with `@form_page(template)`, the form again, with the message
  and the error's status (a log-in refused is a 401 showing what was typed, not a redirect).

A page whose form the user fills in at length (a member's record, an upload) keeps what was
typed when the service refuses it: `form_save` runs the one service call and puts a broken
rule on the form (beside the fields a `ValidationFailed` names, else above the form), and
`render_form` shows the form again with the error's status. `NotFound` and
`PermissionDenied` still become the 404 and 403 pages.

The API is not a page: django-ninja renders the same errors as `{"code", "message", "detail"}`
(`config/api.py`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.handlers.exception import response_for_exception
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from gongjian.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed

View = TypeVar("View", bound=Callable[..., HttpResponse])
T = TypeVar("T")
_BACK_ATTR = "_gongjian_back"
_STATUS_ATTR = "_gongjian_status"


def is_safe_url(request: HttpRequest, url: str | None) -> bool:
    if not url or "\x00" in url:
        return False
    return url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def safe_next(request: HttpRequest, default: str = "/") -> str:
    """The `next` of the form or query when it points into this site, else `default`."""
    for candidate in (request.POST.get("next"), request.GET.get("next")):
        if is_safe_url(request, candidate):
            return str(candidate)
    return default


def back_url(request: HttpRequest) -> str:
    """Where to send the user after an action: the checked `next`, the view's `back`, the
    referring page of this site, the home page."""
    declared = getattr(request, _BACK_ATTR, None)
    if declared:
        return safe_next(request, declared)
    referer = request.META.get("HTTP_REFERER", "")
    return safe_next(request, referer if is_safe_url(request, referer) else "/")


def set_back(request: HttpRequest, to: str) -> None:
    """Declare, inside a view, where the user goes back to (for an error and for `done`)."""
    setattr(request, _BACK_ATTR, to)


def _resolve_back(back: str | Callable[..., str] | None, kwargs: dict[str, Any]) -> str | None:
    if back is None:
        return None
    if callable(back):
        return back(**kwargs)
    if back.startswith("/"):
        return back
    try:
        return reverse(back, kwargs=kwargs or None)
    except NoReverseMatch:
        return resolve_url(back)


def action(back: str | Callable[..., str] | None = None) -> Callable[[View], View]:
    """A POST that changes something: logged in, POST only, and the page to go back to.

    `back` is a URL name reversed with the view's URL arguments (`"cobuild:campaign_detail"`),
    a path, or a function of those arguments. The view calls one service and returns
    `done(request, message)`; a broken rule comes back to the same page with its message.
    A GET of the action's address (a bookmark, a reload, a typed URL) goes to that page
    instead of an empty 405; other methods are still refused with 405.
    """

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def posted(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            to = _resolve_back(back, kwargs)
            if to:
                set_back(request, to)
            return view(request, *args, **kwargs)

        checked = require_POST(posted)

        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in ("GET", "HEAD"):
                return redirect(_resolve_back(back, kwargs) or "home")
            return checked(request, *args, **kwargs)

        return login_required(wrapped)  # type: ignore[return-value]

    return decorate


_FORM_ATTR = "_gongjian_form_page"


def form_page(
    template: str, context: Callable[..., dict[str, Any]] | None = None
) -> Callable[[View], View]:
    """A page whose form, when its POST breaks a rule, is shown again with the message, the
    fields' errors, what was typed (`form`) and the error's status (400, 401, 429 …) instead
    of going back: for forms whose input a user should not lose and whose answer must be a
    4xx (log-in, codes). `context(request, **url)` gives what the template needs besides."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            setattr(request, _FORM_ATTR, (template, context, kwargs))
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


def render_form_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse | None:
    declared = getattr(request, _FORM_ATTR, None)
    if declared is None or request.method != "POST":
        return None
    template, context, kwargs = declared
    data: dict[str, Any] = dict(context(request, **kwargs)) if context else {}
    typed = {k: v for k, v in request.POST.items() if "password" not in k and k != "code"}
    data.update(error=exc, errors=exc.detail.get("fields", {}), form=typed)
    response = render(request, template, data, status=exc.status)
    retry = exc.detail.get("retry_after")
    if retry:
        response["Retry-After"] = str(retry)
    return response


def done(request: HttpRequest, message: str = "", to: str | None = None) -> HttpResponse:
    """After a successful action: the message, then `to` (or back where the user came from)."""
    if message:
        messages.success(request, message)
    return HttpResponseRedirect(to or back_url(request))


def job_redirect(job: Any) -> HttpResponse:
    """After starting a background job (core/jobs.py): its result when it has already ended
    (the immediate tasks backend runs it at once), else its progress page."""
    if job.state == "done" and job.result_url:
        return HttpResponseRedirect(job.result_url)
    return redirect("core:job_detail", job_id=job.public_id)


def job_done(request: HttpRequest, job: Any, to: str | None = None) -> HttpResponse:
    """After an action started a background job: when it has already ended (the immediate
    tasks backend), its summary (or its error, as any broken rule) and then `to` or back;
    else its progress page."""
    from gongjian.core.jobs import job_checked

    job_checked(job)
    if job.state == "done":
        return done(request, job.summary, to=to)
    return redirect("core:job_detail", job_id=job.public_id)


def posted(request: HttpRequest, *names: str) -> dict[str, str]:
    """The POST's text fields `names`, each "" when absent: a service's keyword arguments as
    the form named them (the service checks and names each field)."""
    return {name: request.POST.get(name, "") for name in names}


def form_data(
    form_class: type[forms.BaseForm], data: Any, files: Any = None, **kwargs: Any
) -> dict[str, Any]:
    """A Django form's cleaned data, or `ValidationFailed` naming every field that failed."""
    form = form_class(data, files, **kwargs)
    if form.is_valid():
        return dict(form.cleaned_data)
    fields = {name: [str(m) for m in errors] for name, errors in form.errors.items()}
    first_field, first = next(iter(fields.items()))
    label = form.fields[first_field].label if first_field in form.fields else ""
    message = f"{label}：{first[0]}" if label else first[0]
    raise ValidationFailed(message, fields=fields)


def form_errors(form: forms.BaseForm, exc: ApplicationError) -> None:
    """Put a broken rule on the form: a `ValidationFailed`'s messages beside the fields it
    names (above the form for a field the form does not have), any other error's message
    above the form; the form remembers the error's status for `render_form`."""
    fields = exc.detail.get("fields", {}) if isinstance(exc, ValidationFailed) else {}
    if not fields:
        form.add_error(None, exc.message)
    for name, field_messages in fields.items():
        for message in field_messages:
            form.add_error(name if name in form.fields else None, message)
    setattr(form, _STATUS_ATTR, exc.status)


def form_save(form: forms.BaseForm, save: Callable[[dict[str, Any]], T]) -> T | None:
    """What `save` (one service call) returns for the form's cleaned data; None when the form
    is not valid or the service refused it (the refusal is then on the form, see
    `form_errors`). `NotFound` and `PermissionDenied` go on to the 404 and 403 pages."""
    if not form.is_valid():
        return None
    try:
        return save(dict(form.cleaned_data))
    except (NotFound, PermissionDenied):
        raise
    except ApplicationError as exc:
        form_errors(form, exc)
        return None


def render_form(
    request: HttpRequest, template: str, context: dict[str, Any], *, form: str = "form"
) -> HttpResponse:
    """The page of a form: 200, or, when the form holds errors, the status of the error (400
    for a field, 409 for a conflict, 413 or 415 for a refused file)."""
    bound = context[form]
    status = getattr(bound, _STATUS_ATTR, 400) if bound.errors else 200
    return render(request, template, context, status=status)


def render_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    """The error page for a GET that broke a rule (a bad filter, a state that forbids it)."""
    return render(request, "error.html", {"error": exc}, status=exc.status)


class PageErrorMiddleware:
    """Turns `ApplicationError` raised by a page into a response (see the module's doc)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.api_prefix = getattr(settings, "API_PREFIX", "/api/")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, ApplicationError) or request.path.startswith(self.api_prefix):
            return None
        if isinstance(exc, NotFound):
            return response_for_exception(request, Http404(exc.message))
        if isinstance(exc, PermissionDenied):
            return response_for_exception(request, DjangoPermissionDenied(exc.message))
        form = render_form_error(request, exc)
        if form is not None:
            return form
        if request.headers.get("HX-Request") == "true":
            messages.error(request, exc.message)
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        if request.method == "POST":
            messages.error(request, exc.message)
            return HttpResponseRedirect(back_url(request))
        return render_error(request, exc)


def ranked_choices(data: Any, name: str) -> list[str]:
    """The ticked values of the checkboxes `name`, in the order the person gave them: by the
    number typed (or filled in as they ticked, by app.js) in `rank_<value>`, the ones without a
    number after, in the order they were sent. A preference list is ranked the way it was
    ticked, not the way the page happened to list it, and can be reordered by its numbers."""
    values = list(dict.fromkeys(v for v in data.getlist(name) if v))

    def key(item: tuple[int, str]) -> tuple[int, int, int]:
        position, value = item
        raw = str(data.get(f"rank_{value}", "")).strip()
        if raw.isdigit():
            return (0, int(raw), position)
        return (1, 0, position)

    return [value for _position, value in sorted(enumerate(values), key=key)]
