"""What a page shows of an image, as a reviewer approves it: typed, comparable, hashable.

Read from the library's row (:meth:`ImageContent.of`) or from a version's stored fields
(:meth:`ImageContent.from_fields`), so the page approval publishes shows the image as it was
submitted, whatever the library holds by then.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .licences import licence_url, short_name

# Every field a page shows or publishes of an image (not the library's bookkeeping: its title,
# timestamps). The file is named by its hash, so a new file is a new value.
IMAGE_FIELDS = (
    "key",
    "sha256",
    "format",
    "width",
    "height",
    "alt",
    "decorative",
    "caption",
    "credit",
    "licence",
    "source_url",
    "copyright_notice",
    "focal_x",
    "focal_y",
)


@dataclass(frozen=True)
class ImageContent:
    id: int
    key: str
    sha256: str
    format: str
    width: int
    height: int
    alt: str = ""
    decorative: bool = False
    caption: str = ""
    credit: str = ""
    licence: str = ""
    source_url: str = ""
    copyright_notice: str = ""
    focal_x: float = 0.5
    focal_y: float = 0.5

    @classmethod
    def of(cls, image) -> ImageContent:  # an images.models.Image
        return cls(id=image.pk, **{name: getattr(image, name) for name in IMAGE_FIELDS})

    @classmethod
    def from_fields(cls, pk: int, values: Mapping) -> ImageContent:
        known = {name: values[name] for name in IMAGE_FIELDS if name in values}
        return cls(id=pk, **known)

    def value(self) -> tuple:
        return tuple(getattr(self, name) for name in IMAGE_FIELDS)

    @property
    def licence_name(self) -> str:
        return short_name(self.licence)

    @property
    def licence_url(self) -> str:
        return licence_url(self.licence)

    def alt_for(self, written: str) -> str:
        """The alt text of one use: the text's own (``![alt](image:key)``), else the library's."""
        return written.strip() or ("" if self.decorative else self.alt.strip())

    def described_for(self, written: str) -> bool:
        return bool(self.alt_for(written)) or self.decorative
