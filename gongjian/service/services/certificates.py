"""Issuing a service-hours certificate: a number anyone can check, the issuing office."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from gongjian.core.audit import audit_record
from gongjian.orgs.models import Member
from gongjian.orgs.selectors import issuing_office
from gongjian.service.models import Attendance, Certificate

# No 0/O, 1/I/L: a number read off paper and typed in again.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_number(year: int) -> str:
    return f"FW{year}-" + "".join(secrets.choice(_ALPHABET) for _ in range(10))


@transaction.atomic
def certificate_issue(
    *, member: Member, attendances: Sequence[Attendance], year: int | None
) -> Certificate:
    """The member's certificate for `year` (None: all years) with today's figures: the one
    issued before when the figures are the same, else a new number."""
    hours = sum((a.hours for a in attendances), Decimal("0")).quantize(Decimal("0.1"))
    points = sum((a.points for a in attendances), Decimal("0")).quantize(Decimal("0.1"))
    issuer = issuing_office()
    found = (
        Certificate.objects.filter(
            member=member,
            year=year,
            activities=len(attendances),
            hours=hours,
            points=points,
            issuer=issuer,
        )
        .order_by("-id")
        .first()
    )
    if found is not None:
        return found
    today = timezone.localdate()
    cert = Certificate.objects.create(
        number=new_number(today.year),
        member=member,
        year=year,
        activities=len(attendances),
        hours=hours,
        points=points,
        issuer=issuer,
        issued_on=today,
    )
    audit_record(action="create", obj=cert, changes={"number": cert.number, "year": year})
    return cert
