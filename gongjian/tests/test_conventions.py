"""Rules of shape that a grep can check (ADR 0010, STYLE.md): a module that breaks one fails
the test, naming the module."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent
DOMAIN_APPS = (
    "accounts",
    "orgs",
    "reporting",
    "service",
    "cobuild",
    "evaluation",
    "consult",
    "study",
    "inspection",
    "grid",
    "mobilise",
    "forms",
    "reports",
)


COMPOSERS = ("reports", "evaluation")


def _modules(kind: str) -> list[Path]:
    """Each app's `<kind>.py`, or every module of its `<kind>/` package."""
    out: list[Path] = []
    for app in DOMAIN_APPS:
        base = PACKAGE / app
        if (base / f"{kind}.py").exists():
            out.append(base / f"{kind}.py")
        if (base / kind).is_dir():
            out.extend(sorted((base / kind).glob("*.py")))
    return out


def _app_modules() -> list[Path]:
    out = []
    for app in DOMAIN_APPS:
        for path in sorted((PACKAGE / app).rglob("*.py")):
            parts = path.relative_to(PACKAGE).parts
            if "tests" in parts or "migrations" in parts:
                continue
            out.append(path)
    return out


def _rel(path: Path) -> str:
    return str(path.relative_to(PACKAGE))


CATCHES_ERRORS = re.compile(
    r"except\s*\(?[^:\n]*\b(ApplicationError|NotFound|PermissionDenied|ValidationFailed|Conflict)\b"
)
PAGE_WRAPPERS = re.compile(r"^(def|class) (_get|_act|_do|_fail|_back|_Refused)\b", re.M)
OBJECTS_GET = re.compile(r"\b[A-Z]\w*\.objects\.(get|filter|all|exclude)\(")
EXPORT_RESPONSE = re.compile(r"\b(xlsx_export|xlsx_response|write_xlsx)\(")
VALIDATION_HELPERS = re.compile(r"^def (_invalid|_text|_int|_required)\(", re.M)
UPLOAD_CHECK = re.compile(r"\.startswith\(\s*b[\"']|\bImage\.open\(|zipfile\.ZipFile\(")
MODELS_IMPORT = re.compile(
    r"from gongjian\.(\w+)\.models import|from gongjian\.(\w+) import models"
)


def _offenders(paths: list[Path], pattern: re.Pattern[str]) -> set[str]:
    return {_rel(p) for p in paths if pattern.search(p.read_text(encoding="utf-8"))}


def _cross_app_model_imports(paths: list[Path], allowed: tuple[str, ...] = ("core",)) -> set[str]:
    """Modules that import the models of an app other than their own and `allowed`."""
    out = set()
    for path in paths:
        app = path.relative_to(PACKAGE).parts[0]
        for match in MODELS_IMPORT.finditer(path.read_text(encoding="utf-8")):
            other = match.group(1) or match.group(2)
            if other not in (app, *allowed):
                out.add(_rel(path))
    return out


def _found() -> dict[str, set[str]]:
    views = _modules("views")
    return {
        "views catch ApplicationError": _offenders(views, CATCHES_ERRORS),
        "views define their own error wrappers": _offenders(views, PAGE_WRAPPERS),
        "views read Model.objects": _offenders(views, OBJECTS_GET),
        "views import another app's models": _cross_app_model_imports(views),
        "an app writes its own export": _offenders(_app_modules(), EXPORT_RESPONSE),
        "an app checks an upload's bytes itself": _offenders(_app_modules(), UPLOAD_CHECK),
        "services copy the validation helpers": _offenders(
            _modules("services") + _modules("selectors"), VALIDATION_HELPERS
        ),
        # They compose the figures the domain apps expose through their selectors; the floors
        # below every domain app (accounts, orgs) are theirs to use.
        "reports and evaluation import other apps' models": _cross_app_model_imports(
            [p for p in _app_modules() if p.relative_to(PACKAGE).parts[0] in COMPOSERS],
            allowed=("core", "accounts", "orgs"),
        ),
    }


RULES = sorted(_found())


@pytest.mark.parametrize("rule", RULES)
def test_no_module_breaks_the_rule(rule: str) -> None:
    offenders = _found()[rule]
    assert not offenders, f"{rule}: {sorted(offenders)}"


INLINE_SCRIPT = re.compile(r"\son[a-z]+\s*=\s*[\"']|<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


def test_no_template_has_an_inline_script() -> None:
    """The Content-Security-Policy allows scripts from this site only: no `on…=` handler and
    no inline `<script>` in any template (app.js gives data-confirm, data-check-all, data-href)."""
    offenders = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("templates/**/*.html")
        if INLINE_SCRIPT.search(path.read_text(encoding="utf-8"))
    )
    assert not offenders, f"inline scripts in templates: {offenders}"


INLINE_STYLE = re.compile(r"\sstyle\s*=|<style[\s>]", re.IGNORECASE)


def test_no_template_has_an_inline_style() -> None:
    """style-src is 'self' too: no `style="…"` attribute and no `<style>` element in any template
    (classes in the app's CSS; widths and category colours through app.js's data-width/data-cat)."""
    offenders = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("templates/**/*.html")
        if INLINE_STYLE.search(path.read_text(encoding="utf-8"))
    )
    assert not offenders, f"inline styles in templates: {offenders}"
