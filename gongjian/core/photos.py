"""Photos from a phone: checked by content (JPEG, PNG, or HEIC/HEIF from an iPhone), within
size limits, turned upright, EXIF (and with it the location) and every other metadata dropped,
scaled down and stored as JPEG: for every app that takes photos from phones (findings,
opinions, visits). No app's models here: `store` saves into the photo model it is given."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pillow_heif
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from gongjian.core.errors import FileTooLarge, UnsupportedFile
from gongjian.core.validation import invalid

pillow_heif.register_heif_opener()

MAX_BYTES = 15 * 1024 * 1024  # what a phone's camera makes, with room
MAX_PIXELS = 60_000_000  # refuse decompression bombs before decoding
LONG_SIDE = 1600
QUALITY = 80
MAX_PHOTOS = 9
ACCEPTED = {"JPEG": "JPEG", "PNG": "PNG", "HEIF": "HEIC", "HEIC": "HEIC", "MPO": "JPEG"}


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes  # JPEG, no metadata
    width: int
    height: int


def clean(data: bytes, *, name: str = "") -> CleanPhoto:
    """The stored form of an uploaded photo, or `UnsupportedFile` / `FileTooLarge` naming it."""
    label = name or _("照片")
    if len(data) > MAX_BYTES:
        raise FileTooLarge(
            _("“%(n)s”超过%(mb)dMB") % {"n": label, "mb": MAX_BYTES // (1024 * 1024)}
        )
    if not data:
        raise UnsupportedFile(_("“%(n)s”是空文件") % {"n": label})
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format or ""
            if kind not in ACCEPTED:
                raise UnsupportedFile(_("“%(n)s”不是JPEG、PNG或HEIC照片") % {"n": label})
            if probe.width * probe.height > MAX_PIXELS:
                raise UnsupportedFile(_("“%(n)s”像素过大，已拒绝") % {"n": label})
            probe.load()
            image = ImageOps.exif_transpose(probe)
            if image.mode not in ("RGB", "L"):
                background = Image.new("RGB", image.size, (255, 255, 255))
                rgba = image.convert("RGBA")
                background.paste(rgba, mask=rgba.getchannel("A"))
                image = background
            image.thumbnail((LONG_SIDE, LONG_SIDE))
            out = io.BytesIO()
            # A new image written without `exif=`: nothing of the original's metadata goes.
            image.convert("RGB").save(out, "JPEG", quality=QUALITY, optimize=True)
            return CleanPhoto(data=out.getvalue(), width=image.width, height=image.height)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise UnsupportedFile(_("“%(n)s”不是JPEG、PNG或HEIC照片") % {"n": label}) from None


def photo_files(files: Iterable[Any] | None) -> list[tuple[str, bytes]]:
    """The uploaded photos of a page or an API call as (name, bytes), each read to one byte
    past the largest photo accepted, so that a larger one is refused by its size."""
    return [(f.name or "", f.read(MAX_BYTES + 1)) for f in files or []]


def clean_all(uploads: Sequence[tuple[str, bytes]], *, most: int = MAX_PHOTOS) -> list[CleanPhoto]:
    """Every upload (name, bytes) checked before anything is written: at most `most`, each a
    photo."""
    if len(uploads) > most:
        raise invalid("photos", _("照片不能超过%(n)d张") % {"n": most})
    return [clean(data, name=name) for name, data in uploads]


def store(
    model: Any,
    uploads: Sequence[tuple[str, bytes]],
    *,
    most: int = MAX_PHOTOS,
    sized: bool = False,
    **owner: Any,
) -> list[Any]:
    """The uploads checked (`clean_all`), then each saved as a row of the photo `model` (its
    `image`, `width`, `height`, and with `sized` its `size` in bytes) belonging to `owner`."""
    out = []
    for c in clean_all(uploads, most=most):
        extra = {"size": len(c.data)} if sized else {}
        photo = model(width=c.width, height=c.height, **extra, **owner)
        photo.image.save(f"{uuid.uuid4().hex}.jpg", ContentFile(c.data), save=False)
        photo.save()
        out.append(photo)
    return out
