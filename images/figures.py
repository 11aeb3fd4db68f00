"""Images as a page shows them: ``![alt](image:key "caption")`` -> a responsive ``<figure>``.

The renderer (:mod:`medsite.markdown`) finds the images of a text and asks a :class:`Figures`
for each one's HTML. A :class:`Figures` is made per page with the images the page shows (as the
working copy, or the submitted revision, holds them) and records which were used, which keys
the library does not hold, and which images stand in running text, for the publish gate.

The HTML is written here from the image's fields, escaped, never from the editor's Markdown:
``<picture>`` with WebP and JPEG/PNG ``srcset`` renditions, the image's own width and height (no
layout shift), lazy loading past the page's first figures, and a caption with the credit and the
licence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from . import renditions
from .content import ImageContent

SCHEME = "image:"
# The text column is at most 45 em wide; below that the image fills the screen's width less the
# page's margins.
SIZES = "(min-width: 48em) 45em, calc(100vw - 2rem)"


def library_key(src: str) -> str | None:
    """The key of ``image:key`` (None for any other address)."""
    if not src.startswith(SCHEME):
        return None
    return src[len(SCHEME) :].strip()


@dataclass
class Figures:
    """One page's images, and what its texts did with them."""

    images: Mapping[str, ImageContent] = field(default_factory=dict)  # by key
    url: Callable[[str], str] = renditions.url
    eager: int = 1  # the page's first figures load at once (above the fold); the rest lazily
    used: list[str] = field(default_factory=list)  # keys, in the order the page shows them
    first_use: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (alt, caption) written
    unknown: list[str] = field(default_factory=list)  # keys the library does not hold
    undescribed: list[str] = field(default_factory=list)  # shown without alt text or decision
    misplaced: list[str] = field(default_factory=list)  # images in running text, or from elsewhere
    count: int = 0

    def figure(self, key: str, alt: str, caption: str) -> SafeString | None:
        """The ``<figure>`` of one use of ``key``; None (recorded) when the library lacks it."""
        image = self.images.get(key)
        if image is None:
            if key not in self.unknown:
                self.unknown.append(key)
            return None
        if key not in self.used:
            self.used.append(key)
            self.first_use[key] = (image.alt_for(alt), caption.strip() or image.caption.strip())
        if not image.described_for(alt) and key not in self.undescribed:
            self.undescribed.append(key)
        self.count += 1
        return figure_html(image, alt=alt, caption=caption, lazy=self.count > self.eager, url=self.url)

    def misplace(self, src: str) -> None:
        if src not in self.misplaced:
            self.misplaced.append(src)


def _srcset(image: ImageContent, format: str, url: Callable[[str], str]) -> str:
    return ", ".join(
        f"{url(r.name)} {r.width}w"
        for r in renditions.renditions(image.sha256, image.format, image.width, image.height)
        if r.format == format
    )


def credit_line(image: ImageContent) -> SafeString:
    """ "Credit: Jane Doe · © 2026 Example Clinic · CC BY 4.0" (the licence linked to its deed)."""
    parts: list[SafeString] = []
    if image.credit.strip():
        parts.append(format_html("Credit: {}", image.credit.strip()))
    if image.copyright_notice.strip():
        parts.append(format_html("{}", image.copyright_notice.strip()))
    if image.licence_name:
        if image.licence_url:
            link = format_html('<a href="{}" rel="license">{}</a>', image.licence_url, image.licence_name)
            parts.append(link)
        else:
            parts.append(format_html("{}", image.licence_name))
    return format_html_join(" · ", "{}", ((part,) for part in parts))


def figure_html(
    image: ImageContent, *, alt: str, caption: str, lazy: bool, url: Callable[[str], str] = renditions.url
) -> SafeString:
    widths = renditions.widths_for(image.width)
    largest = widths[-1]
    height = renditions.height_for(image.width, image.height, largest)
    fallback = renditions.rendition_name(image.sha256, largest, image.format)
    text = caption.strip() or image.caption.strip()
    credit = credit_line(image)
    if text and credit:
        figcaption = format_html(
            '<figcaption>{} <small class="figure-credit">{}</small></figcaption>', text, credit
        )
    elif text or credit:
        only = text or format_html('<small class="figure-credit">{}</small>', credit)
        figcaption = format_html("<figcaption>{}</figcaption>", only)
    else:
        figcaption = SafeString("")
    loading = SafeString(' loading="lazy"') if lazy else SafeString("")
    return format_html(
        '<figure class="figure"><picture>'
        '<source type="image/webp" srcset="{}" sizes="{}">'
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" decoding="async"{}>'
        "</picture>{}</figure>",
        _srcset(image, renditions.WEBP, url),
        SIZES,
        url(fallback),
        _srcset(image, image.format, url),
        SIZES,
        largest,
        height,
        image.alt_for(alt),
        loading,
        figcaption,
    )
