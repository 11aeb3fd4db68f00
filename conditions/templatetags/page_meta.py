"""Tags for the <head> of every public page: canonical and Open Graph metadata."""

from __future__ import annotations

import html

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from conditions.publishedpage import PublishedImage
from medsite.siteurl import absolute

register = template.Library()

# Search engines show about this much of a description before cutting it off themselves, often
# mid-word; a description cut here, at a word, reads as a sentence that goes on.
DESCRIPTION_LENGTH = 160


@register.simple_tag
def absolute_url(path: str) -> str:
    """``path`` as an absolute URL on the configured site address (medsite.siteurl)."""
    return absolute(path)


@register.filter
def meta_description(text: str) -> SafeString:
    """``text`` (already escaped, as ``{% capture %}`` holds it) on one line and at most
    DESCRIPTION_LENGTH characters: a longer text is cut at the last word that fits, with "…"."""
    plain = " ".join(html.unescape(str(text)).split())
    if len(plain) > DESCRIPTION_LENGTH:
        # Up to the last space within the limit, so the "…" fits too; a word longer than the
        # whole description (a pasted address) is cut where it must be.
        window = plain[:DESCRIPTION_LENGTH]
        cut = window.rsplit(" ", 1)[0] if " " in window else window[:-1]
        plain = cut.rstrip(" ,;:.–—-") + "…"
    return escape(plain)


@register.simple_tag
def lead_image(publication: object) -> PublishedImage | None:
    """The first image a publication shows (its Open Graph image), as approval froze it; None
    for a page without images, or no publication (the staff preview)."""
    page = getattr(publication, "page", None)
    images = getattr(page, "images", ())
    return images[0] if images else None


class CaptureNode(template.Node):
    def __init__(self, nodelist: template.NodeList, name: str) -> None:
        self.nodelist = nodelist
        self.name = name

    def render(self, context: template.Context) -> str:
        # The text was rendered (and escaped) by the template engine, so it is safe as it stands.
        context[self.name] = mark_safe(self.nodelist.render(context).strip())  # noqa: S308
        return ""


@register.tag
def capture(parser: template.base.Parser, token: template.base.Token) -> CaptureNode:
    """``{% capture as name %}…{% endcapture %}``: render once, use in several places.

    base.html wraps its ``description`` block in one, so a page that overrides the block sets
    its meta description and its og:description together.
    """
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Write {% capture as name %}…{% endcapture %}.")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])
