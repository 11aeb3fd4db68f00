"""Where an image is used, asked of the apps that show images.

The library knows no page (``images`` imports neither content app): the conditions app
registers a :class:`UsageProvider` when it starts, and the library's admin asks it whether an
image may change or be deleted, and where it is used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from .models import Image


@dataclass(frozen=True)
class Use:
    """One place an image is shown: a page's working copy, or one of its publications."""

    label: str  # "Gout (draft)", "Gout, version 3 (live)"
    url: str  # where staff can see it
    published: bool  # shown to the public now (live or in the public archive)


@dataclass
class Usage:
    uses: list[Use] = field(default_factory=list)

    @property
    def published(self) -> bool:
        return any(use.published for use in self.uses)


class UsageProvider(Protocol):
    def where_used(self, image: Image) -> list[Use]: ...

    def refusal_change(self, image: Image) -> str | None:
        """Why the image's shown fields or file may not change now (pages in review show it)."""

    def refusal_delete(self, image: Image) -> str | None:
        """Why the image may not be deleted (a published page, or a page's history, shows it)."""


_providers: list[UsageProvider] = []


def register(provider: UsageProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def usage(image: Image) -> Usage:
    return Usage([use for provider in _providers for use in provider.where_used(image)])


def refusal_change(image: Image) -> str | None:
    return next((r for p in _providers if (r := p.refusal_change(image))), None)


def refusal_delete(image: Image) -> str | None:
    return next((r for p in _providers if (r := p.refusal_delete(image))), None)
