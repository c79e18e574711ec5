"""One error family for every rule a service enforces; the API renders it as
`{"code", "message", "detail"}` and pages show its message."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A rule was broken by the caller's input or state. `message` is for a person."""

    code = "invalid"
    status = 400

    def __init__(
        self, message: str, *, code: str | None = None, detail: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.detail = detail or {}

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), "detail": self.detail}


class ValidationFailed(ApplicationError):
    """Input did not validate; `detail["fields"]` maps each field to its messages."""

    code = "validation"
    status = 400

    def __init__(
        self, message: str, *, fields: dict[str, list[str]] | None = None, **kw: Any
    ) -> None:
        detail = kw.pop("detail", None) or {}
        if fields:
            detail["fields"] = fields
        super().__init__(message, detail=detail, **kw)


class NotFound(ApplicationError):
    """The object does not exist, or the caller may not see it: the two look the same."""

    code = "not_found"
    status = 404


class PermissionDenied(ApplicationError):
    """The caller sees the object but may not do this to it."""

    code = "forbidden"
    status = 403


class Conflict(ApplicationError):
    code = "conflict"
    status = 409


class UnsupportedFile(ApplicationError):
    code = "unsupported_file"
    status = 415


class FileTooLarge(ApplicationError):
    code = "file_too_large"
    status = 413
