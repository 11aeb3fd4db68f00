"""Where an image's file and renditions are stored, by the hash of its content.

Names depend only on the re-encoded file's SHA-256 and the rendition's size and format, so a
rendition never changes once written (it is served with a year's immutable max-age), and a page
approved with one file keeps its renditions when the image is given another.

``images/<sha[:2]>/<sha>/original.jpg``, ``…/w640.webp``, ``…/w640.jpg``, ``…/og-50-50.jpg``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.storage import default_storage

# Widths written for srcset. The page's text column is at most about 45 em (720 CSS px): 1440
# covers it at twice the density; phones take 320-640.
WIDTHS = (320, 480, 640, 960, 1440)
WEBP = "webp"
EXTENSIONS = {"jpeg": "jpg", "png": "png", "webp": "webp"}
MIME_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
# The Open Graph image: 1200 x 630, cropped around the focal point.
OG_SIZE = (1200, 630)


def folder(sha256: str) -> str:
    return f"images/{sha256[:2]}/{sha256}"


def original_name(sha256: str, format: str) -> str:
    return f"{folder(sha256)}/original.{EXTENSIONS[format]}"


def widths_for(width: int) -> list[int]:
    """The rendition widths of an image ``width`` pixels wide: never wider than the image."""
    largest = min(width, WIDTHS[-1])
    return [w for w in WIDTHS if w < largest] + [largest]


def height_for(width: int, height: int, rendition_width: int) -> int:
    return max(1, round(height * rendition_width / width))


def rendition_name(sha256: str, width: int, format: str) -> str:
    return f"{folder(sha256)}/w{width}.{EXTENSIONS[format]}"


def og_name(sha256: str, focal_x: float, focal_y: float) -> str:
    return f"{folder(sha256)}/og-{round(focal_x * 100)}-{round(focal_y * 100)}.jpg"


@dataclass(frozen=True)
class Rendition:
    name: str
    width: int
    height: int
    format: str

    @property
    def mime_type(self) -> str:
        return MIME_TYPES[self.format]


def renditions(sha256: str, format: str, width: int, height: int) -> list[Rendition]:
    """Every width rendition of one image, WebP first, then its own format (the fallback)."""
    return [
        Rendition(rendition_name(sha256, w, fmt), w, height_for(width, height, w), fmt)
        for fmt in (WEBP, format)
        for w in widths_for(width)
    ]


def url(name: str) -> str:
    """The public address of a stored name (the storage's: /media/… or the S3 store's)."""
    return default_storage.url(name)
