"""Putting images into the library, giving one a new file, and taking one out: the verbs.

Each checks the file (:mod:`images.processing`) and asks the apps that show images
(:mod:`images.usage`) before it changes anything, so a refused file or change leaves no row and
no file behind. Files are written before the row that names them, through Django's default
storage only (local files, or the S3-compatible store when one is configured), and are never
deleted: their names are their content's hash, and approved pages keep showing the files they
were approved with.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

import reversion
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.text import slugify

from . import processing, renditions, usage
from .models import Image
from .processing import ImageRefused, Processed

logger = logging.getLogger(__name__)

Upload = bytes | File | Processed
KEY_LENGTH = Image._meta.get_field("key").max_length or 80


def read_upload(upload: Upload, name: str = "") -> Processed:
    """The checked, re-encoded image of an upload (bytes or an uploaded file), or ImageRefused.

    An uploaded file larger than the limit is refused from its declared size, and never read
    past the limit whatever it declares."""
    if isinstance(upload, Processed):
        return upload
    if isinstance(upload, bytes):
        return processing.read_image(upload, name)
    name = name or upload.name or ""
    if upload.size is not None:
        processing.refuse_bytes(upload.size, name)
    upload.seek(0)
    data = upload.read(processing.max_bytes() + 1)
    processing.refuse_bytes(len(data), name)
    return processing.read_image(data, name)


def unique_key(title: str, *, exclude_pk: int | None = None) -> str:
    """A key from ``title`` that no other image has: ``knee-x-ray``, ``knee-x-ray-2``, …"""
    base = slugify(title)[: KEY_LENGTH - 4].strip("-") or "image"
    others = Image.objects.filter(key__startswith=base)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    taken = set(others.values_list("key", flat=True))
    key, number = base, 1
    while key in taken:
        number += 1
        key = f"{base}-{number}"
    return key


def _set_file(image: Image, processed: Processed) -> None:
    image.file.name = renditions.original_name(processed.sha256, processed.format)
    image.sha256 = processed.sha256
    image.format = processed.format
    image.width = processed.width
    image.height = processed.height


# --- files -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Spec:
    """What an image's stored names depend on."""

    sha256: str
    format: str
    width: int
    height: int
    focal_x: float
    focal_y: float

    @classmethod
    def of(cls, image: Image) -> _Spec:
        return cls(image.sha256, image.format, image.width, image.height, image.focal_x, image.focal_y)

    def names(self) -> list[str]:
        widths = renditions.renditions(self.sha256, self.format, self.width, self.height)
        return [r.name for r in widths] + [renditions.og_name(self.sha256, self.focal_x, self.focal_y)]


def _write(name: str, data: bytes) -> bool:
    """Store ``data`` as ``name`` unless it is stored already (names are content hashes)."""
    if default_storage.exists(name):
        return False
    saved = default_storage.save(name, ContentFile(data))
    if saved != name:  # pragma: no cover (another request wrote the same name meanwhile)
        logger.warning("Image file %s was stored as %s", name, saved)
    return True


def write_files(processed: Processed, *, focal_x: float = 0.5, focal_y: float = 0.5) -> list[str]:
    """Store an image's file, its renditions and its Open Graph crop; return the names written
    (none when all were stored already)."""
    original = renditions.original_name(processed.sha256, processed.format)
    written = [original] if _write(original, processed.data) else []
    spec = _Spec(processed.sha256, processed.format, processed.width, processed.height, focal_x, focal_y)
    return written + _write_renditions(processed.data, spec)


def write_renditions(image: Image) -> list[str]:
    """Store what is missing of ``image``'s renditions (after a new focal point, or a restore
    that brought only originals); return the names written."""
    spec = _Spec.of(image)
    if not _missing(spec):
        return []
    with default_storage.open(image.file.name, "rb") as stored:
        data = stored.read()
    return _write_renditions(data, spec)


def _missing(spec: _Spec) -> set[str]:
    return {name for name in spec.names() if not default_storage.exists(name)}


def _write_renditions(data: bytes, spec: _Spec) -> list[str]:
    missing = _missing(spec)
    if not missing:
        return []
    source = processing.open_stored(data)
    written = []
    og = renditions.og_name(spec.sha256, spec.focal_x, spec.focal_y)
    if og in missing:
        _write(og, processing.og_crop(source, spec.focal_x, spec.focal_y, renditions.OG_SIZE))
        written.append(og)
    # Each width is drawn once, for both its formats, and from the largest: a 6,000-pixel
    # photograph is reduced to 1,440 pixels once, not ten times.
    widths = renditions.renditions(spec.sha256, spec.format, spec.width, spec.height)
    base = source
    for width, height in sorted({(r.width, r.height) for r in widths}, reverse=True):
        wanted = [
            (name, format)
            for format in (renditions.WEBP, spec.format)
            if (name := renditions.rendition_name(spec.sha256, width, format)) in missing
        ]
        if not wanted:
            continue
        drawn = processing.scaled(base, width, height)
        base = drawn
        for name, format in wanted:
            _write(name, processing.encoded_as(drawn.copy(), format))
            written.append(name)
    return written


def attach_file(image: Image, processed: Processed) -> None:
    """Store ``processed`` and make it ``image``'s file (the caller saves ``image``)."""
    write_files(processed, focal_x=image.focal_x, focal_y=image.focal_y)
    _set_file(image, processed)


def stored_names(image: Image) -> list[str]:
    """Every name of ``image``'s current file and renditions."""
    return [image.file.name, *_Spec.of(image).names()]


# --- the verbs ---------------------------------------------------------------------------------


def add_image(
    upload: Upload,
    *,
    title: str,
    key: str | None = None,
    alt: str = "",
    decorative: bool = False,
    caption: str = "",
    credit: str = "",
    licence: str = "",
    source_url: str = "",
    copyright_notice: str = "",
    focal_x: float = 0.5,
    focal_y: float = 0.5,
    by,
    name: str = "",
) -> Image:
    """A new image in the library, from an upload (bytes or an uploaded file).

    Raises :class:`ImageRefused` when the file is refused, and ``ValidationError`` (by field)
    when the fields are not valid; in both cases nothing is stored."""
    processed = read_upload(upload, name)
    image = Image(
        key=key or unique_key(title),
        title=title,
        alt=alt,
        decorative=decorative,
        caption=caption,
        credit=credit,
        licence=licence,
        source_url=source_url,
        copyright_notice=copyright_notice,
        focal_x=focal_x,
        focal_y=focal_y,
    )
    _set_file(image, processed)
    image.full_clean()
    write_files(processed, focal_x=focal_x, focal_y=focal_y)
    with transaction.atomic(), reversion.create_revision():
        image.save()
        reversion.set_user(by)
        reversion.set_comment("Added the image.")
    return image


def refuse_change(image: Image) -> None:
    """Raise :class:`ImageRefused` if the pages showing ``image`` do not let it change now."""
    if refusal := usage.refusal_change(image):
        raise ImageRefused(refusal)


def replace_file(image: Image, upload: Upload, *, by, name: str = "") -> Image:
    """Give ``image`` a new file. The old file and renditions stay stored: pages approved with
    them keep showing them until they are approved again."""
    refuse_change(image)
    processed = read_upload(upload, name)
    write_files(processed, focal_x=image.focal_x, focal_y=image.focal_y)
    with transaction.atomic(), reversion.create_revision():
        locked = Image.objects.select_for_update().get(pk=image.pk)
        refuse_change(locked)
        _set_file(locked, processed)
        locked.save()
        reversion.set_user(by)
        reversion.set_comment(
            f"Replaced the file ({processed.width} × {processed.height} {processed.format.upper()})."
        )
    image.refresh_from_db()
    return image


def refuse_delete(images: Iterable[Image]) -> None:
    """Raise :class:`ImageRefused` if any of ``images`` may not be deleted."""
    for image in images:
        if refusal := usage.refusal_delete(image):
            raise ImageRefused(refusal)


def delete_image(image: Image, *, by) -> None:
    """Take ``image`` out of the library (it can be recovered from its history). Its files stay."""
    with transaction.atomic(), reversion.create_revision():
        locked = Image.objects.select_for_update().get(pk=image.pk)
        refuse_delete([locked])
        locked.delete()
        reversion.set_user(by)
        reversion.set_comment("Deleted the image.")
