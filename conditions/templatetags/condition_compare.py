"""Template helpers for the condition history page's "compare versions" form."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def version_id(revision_url: str) -> str:
    """The version id in a reversion revision URL, which ends ``…/history/<version_id>/``.

    Reversion's history context gives each row only its revision and that URL, and the
    comparison form needs the version id the URL was built from. Read from the end of the path
    rather than with ``resolve()``, which would fail under a script prefix.
    """
    return revision_url.rstrip("/").rsplit("/", 1)[-1]
