"""Synthetic personal data for demos, tests and benchmarks: ID numbers that pass the check
digit, phones in the range this project reserves for fiction (199-00xx-xxxx), and names drawn
from common characters. None of it describes a real person."""

from __future__ import annotations

import datetime as dt
import random

from gongjian.core.validators import id_check_digit

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉宁欣晨阳雪琳婷宇浩凯鹏志远思怡佳颖倩子涵梓轩雨博瑞嘉泽一诺安然晓东海峰春燕丹蕾立新振国俊德昊天"
# Region codes of this project's fictional district (prefix 11 passes the provincial check).
DEMO_REGION = "110199"


def id_number(*, birth: dt.date, seq: int, region: str = DEMO_REGION) -> str:
    """An 18-digit number with a valid check digit; `seq` (0–999) fills the sequence code."""
    first17 = f"{region}{birth:%Y%m%d}{seq % 1000:03d}"
    return first17 + id_check_digit(first17)


def phone(n: int) -> str:
    """The n-th number of the reserved fictional range 19900000000–19900999999."""
    return f"1990{n % 10_000_000:07d}"


def name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def birth_date(
    rng: random.Random, *, min_age: int = 23, max_age: int = 65, today: dt.date | None = None
) -> dt.date:
    today = today or dt.date(2026, 1, 1)
    days = rng.randint(min_age * 365, max_age * 365)
    return today - dt.timedelta(days=days)
