"""Free-text contact fields (联系人及电话): a mobile number typed into one is recognised,
validated like a member's phone, and kept apart — encrypted, with a blind index — from the
rest of the text, which stays plain (a name, an office, a landline such as 0571-88001234: a
landline is a switchboard, not a person's identifier, and stays as typed).

    contact = split_contact("contact", "王科长 138-0013-8000", _("联系人及电话"), 100)
    contact.text    # "王科长"
    contact.phone   # "13800138000" (goes into an `EncryptedTextField`)
    contact_display(contact.text, contact.phone)   # "王科长 138****8000"

On an edit page the field is filled with the masked form (`contact_display`); sent back as it
was, the masked number keeps the stored one (`keep=`), so the whole number is never put on a
page, and deleting it clears it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from gongjian.core import crypto
from gongjian.core.errors import ValidationFailed
from gongjian.core.masking import mask_phone
from gongjian.core.validation import clean_text, invalid
from gongjian.core.validators import normalize_mobile

# A mobile number as people write it inside a sentence: an optional +86/0086/86, then 1 and
# ten more digits, with spaces or dashes between groups; not a piece of a longer number (a
# landline's "0571-" before it, or more digits after).
_CANDIDATE = re.compile(r"(?<![\d+])(?<!\d-)(?:(?:\+|00)?86[\s\-]*)?1(?:[\s\-]?\d){10}(?!\d)")
# A masked number as `mask_phone` writes it.
_MASKED = re.compile(r"1\d{2}\*{4}\d{4}")


@dataclass(frozen=True)
class Contact:
    text: str  # the rest of what was typed (a name, an office, a landline)
    phone: str  # the mobile number's 11 digits, or ""

    @property
    def phone_hash(self) -> str:
        return crypto.blind_index(self.phone) if self.phone else ""


def _digits(value: str) -> str:
    """NFKC and every Unicode digit as ASCII, invisible marks dropped (what `normalize_text`
    does, keeping the spaces and dashes that separate words)."""
    out = []
    for ch in unicodedata.normalize("NFKC", value):
        if ch.isascii():
            out.append(ch)
            continue
        digit = unicodedata.decimal(ch, None)
        if digit is not None:
            out.append(str(digit))
        elif unicodedata.category(ch) != "Cf":
            out.append(ch)
    return "".join(out)


def split_contact(
    field: str, value: Any, label: Any, max_length: int, *, keep: str = ""
) -> Contact:
    """The text of a contact field without its mobile number, and the number (validated:
    a prefix no operator has is refused, naming the field). `keep`: the number stored so far,
    kept when the text still holds its masked form."""
    text = clean_text(field, value, label, max_length, required=False)
    text = _digits(text)
    phone = ""
    masked = _MASKED.search(text)
    if masked and keep and masked.group(0) == mask_phone(keep):
        phone = keep
        text = text[: masked.start()] + " " + text[masked.end() :]
    elif masked:
        raise invalid(
            field, _("%(label)s中的手机号不完整，请填写完整的11位手机号") % {"label": label}
        )
    found = list(_CANDIDATE.finditer(text))
    if len(found) + (1 if phone else 0) > 1:
        raise invalid(field, _("%(label)s只能填写一个手机号") % {"label": label})
    if found:
        match = found[0]
        try:
            phone = normalize_mobile(match.group(0), field_name=field)
        except ValidationFailed as exc:
            raise invalid(field, f"{label}：{exc.message}") from None
        text = text[: match.start()] + " " + text[match.end() :]
    text = " ".join(text.split()).strip(" ,，;；:：/、")
    return Contact(text=text, phone=phone)


def contact_display(text: str, phone: str) -> str:
    """The contact as shown to everyone: the text and the masked mobile number."""
    return " ".join(part for part in (text, mask_phone(phone)) if part)


def contact_full(text: str, phone: str) -> str:
    """The contact with the whole number: for a text message to the cadres it calls, and
    for an audited unmasking; never for a page or an export."""
    return " ".join(part for part in (text, phone) if part)


def split_stored(value: str) -> Contact:
    """A contact written before numbers were kept apart (the backfill): as `split_contact`,
    but a number that fails the check (an unallocated prefix) is moved out all the same, so
    no mobile number stays in plain text."""
    try:
        return split_contact("contact", value, "contact", 10_000)
    except ValidationFailed:
        text = _digits(value or "")
        match = _CANDIDATE.search(text)
        if match is None:
            return Contact(text=value or "", phone="")
        phone = re.sub(r"\D", "", match.group(0))[-11:]
        rest = " ".join((text[: match.start()] + " " + text[match.end() :]).split())
        return Contact(text=rest, phone=phone)


class HasContact:
    """For a model with `contact`, `contact_phone` (an `EncryptedTextField`) and
    `contact_phone_hash`: the contact as shown, and as sent to those it calls."""

    contact: str
    contact_phone: str
    contact_phone_hash: str

    @property
    def contact_masked(self) -> str:
        return contact_display(self.contact, self.contact_phone)

    @property
    def contact_with_phone(self) -> str:
        return contact_full(self.contact, self.contact_phone)


def contact_values(contact: Contact) -> dict[str, str]:
    """The three columns of a contact, for `objects.create(**…)` or `model_update`."""
    return {
        "contact": contact.text,
        "contact_phone": contact.phone,
        "contact_phone_hash": contact.phone_hash,
    }


def backfill(apps: Any, app_label: str, model_name: str) -> None:
    """A data migration's step: every stored contact holding a mobile number is split, the
    number moved into the encrypted column (see `split_stored`)."""
    model = apps.get_model(app_label, model_name)
    batch = []
    for row in model.objects.exclude(contact="").only("pk", "contact").iterator(chunk_size=1000):
        parts = split_stored(row.contact)
        if not parts.phone:
            continue
        row.contact = parts.text[:100]
        row.contact_phone = parts.phone
        row.contact_phone_hash = parts.phone_hash
        batch.append(row)
        if len(batch) >= 1000:
            model.objects.bulk_update(batch, ["contact", "contact_phone", "contact_phone_hash"])
            batch = []
    if batch:
        model.objects.bulk_update(batch, ["contact", "contact_phone", "contact_phone_hash"])


def unbackfill(apps: Any, app_label: str, model_name: str) -> None:
    """The reverse step: the number put back into the text."""
    model = apps.get_model(app_label, model_name)
    for row in model.objects.exclude(contact_phone="").iterator(chunk_size=1000):
        row.contact = contact_full(row.contact, row.contact_phone)[:100]
        row.save(update_fields=["contact"])


def contact_unmask(*, actor: Any, obj: Any, allowed: bool, reason: Any) -> str:
    """The contact of `obj` (a `HasContact` the actor may see) with its whole mobile number,
    for one who may call it; with a reason, always audited (a refusal too), as a member's
    phone. The number itself never goes into the log."""
    from gongjian.core.audit import audit_record
    from gongjian.core.errors import PermissionDenied

    reason = clean_text("reason", reason, _("查看原因"), 500)
    audit_record(
        actor=actor,
        action="unmask",
        obj=obj,
        success=allowed,
        reason=reason,
        changes={"field": "contact_phone"},
    )
    if not allowed:
        raise PermissionDenied(_("您的岗位不能查看完整的联系电话"))
    return str(obj.contact_with_phone)
