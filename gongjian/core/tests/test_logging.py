"""The log filter hides a phone or an ID number in every form a person types one."""

from __future__ import annotations

import pytest

from gongjian.core.logging import redact

VALID_ID = "11010519491231002X"


@pytest.mark.parametrize(
    "text",
    [
        "联系 13800138000 处理",
        "联系+8613800138000处理",
        "联系 +86 138 0013 8000",
        "联系0086-138-0013-8000",
        "联系 138-0013-8000",
        "联系１３８００１３８０００",
        "联系13800\u200b138000",
        f"身份证{VALID_ID}",
        "身份证110105 19491231 002X",
        "身份证１１０１０５１９４９１２３１００２Ｘ",
    ],
)
def test_typed_forms_are_hidden(text: str) -> None:
    out = redact(text)
    assert "[已隐藏]" in out
    assert "0013" not in out.replace(" ", "").replace("-", "")
    assert "1949" not in out


@pytest.mark.parametrize(
    "text",
    ["订单号1234567890123456789", "共有 12 人，2026-12-01", "端口 8000，进程 4321", "用时 1.25 秒"],
)
def test_other_numbers_stay(text: str) -> None:
    assert redact(text) == text
