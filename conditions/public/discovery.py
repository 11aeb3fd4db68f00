"""How search engines and feed readers find the public pages: sitemap, Atom feed, robots.txt.

All three list only what the public can read: live publications, never drafts. Every address in
them is made absolute from the configured site address (``MEDSITE_BASE_URL``, medsite.siteurl),
never from the request's Host header, which is the client's to choose.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, TypedDict
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.syndication.views import Feed
from django.db.models import Exists, F, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.dateformat import format as format_date
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.views.decorators.http import require_safe

from conditions.models import Condition, Publication
from medsite.siteurl import absolute, site_scheme

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

FEED_LENGTH = 30

# The language the public pages are written in: base.html's <html lang> and the structured
# data's inLanguage say the same.
PAGE_LANGUAGE = "en"


def question_path(condition_slug: str, question_slug: str) -> str | None:
    """The address of a short answer's own page, or None where the site has no such pages."""
    try:
        return reverse("conditions:question", kwargs={"slug": condition_slug, "question": question_slug})
    except NoReverseMatch:
        return None


def _live_conditions() -> QuerySet[Condition]:
    # The page list needs neither the frozen HTML nor the structured data.
    return (
        Condition.objects.live()
        .only("slug", "live_publication__slug", "live_publication__went_live_at")
        .order_by("name", "pk")
    )


class SiteSitemap(Sitemap):
    """A sitemap whose addresses are on the configured site, whatever host the request named.

    Django joins ``{protocol}://{domain}`` and each item's path; the domain is everything of
    ``MEDSITE_BASE_URL`` after its scheme, so a site served under a path keeps it.
    """

    def get_protocol(self, protocol: str | None = None) -> str:
        return site_scheme()

    def get_domain(self, site: object = None) -> str:
        return settings.MEDSITE_BASE_URL.split("://", 1)[-1]


class StaticPagesSitemap(SiteSitemap):
    def items(self) -> list[str]:
        return ["home", "conditions:index"]

    def location(self, item: str) -> str:
        return reverse(item)


class ConditionSitemap(SiteSitemap):
    def items(self) -> QuerySet[Condition]:
        return _live_conditions()

    def lastmod(self, item: Condition) -> datetime | None:
        return item.public_version.went_live_at


class QuestionSitemap(SiteSitemap):
    """Each short answer's own page, reviewed and dated with the page it belongs to."""

    def items(self) -> list[tuple[str, datetime | None]]:
        pages = _live_conditions().only(
            "slug",
            "live_publication__slug",
            "live_publication__went_live_at",
            "live_publication__structured_data",
        )
        items = []
        for condition in pages:
            publication = condition.public_version
            for answer in publication.page.short_answers:
                path = question_path(condition.public_slug, answer.slug)
                if path is not None:
                    items.append((path, publication.went_live_at))
        return items

    def location(self, item: tuple[str, datetime | None]) -> str:
        return item[0]

    def lastmod(self, item: tuple[str, datetime | None]) -> datetime | None:
        return item[1]


SITEMAPS = {"pages": StaticPagesSitemap, "conditions": ConditionSitemap, "questions": QuestionSitemap}


class _FeedAnnotations(TypedDict):
    is_update: bool  # an earlier public version exists
    live_slug: str  # the page's address now
    live_id: int  # the version the page shows now


class UpdatesFeed(Feed):
    """The most recent versions that went live: new pages, re-reviews and corrections."""

    feed_type = Atom1Feed
    title = "MedSite: new and updated pages"
    subtitle = description = "Condition pages newly published or updated after medical review."
    author_name = "MedSite"
    language = PAGE_LANGUAGE

    # Django makes a relative link absolute on the request's host; these are absolute already.
    def link(self) -> str:
        return absolute(reverse("home"))

    def feed_url(self) -> str:
        return absolute(reverse("feed-updates"))

    def items(self) -> QuerySet[Publication]:
        earlier = Publication.objects.public().filter(
            condition=OuterRef("condition"), number__lt=OuterRef("number")
        )
        return (
            Publication.objects.readable()
            # A page taken offline answers 410; its entries would only lead readers there.
            .filter(condition__live_publication__isnull=False)
            .select_related("condition")
            .defer("html", "structured_data", "attestation")
            .annotate(
                is_update=Exists(earlier),
                live_slug=F("condition__live_publication__slug"),
                live_id=F("condition__live_publication_id"),
            )
            .order_by("-went_live_at", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, item: WithAnnotations[Publication, _FeedAnnotations]) -> str:
        return f"{item.title} (updated)" if item.is_update else item.title

    def item_description(self, item: Publication) -> str:
        review = ""
        if item.reviewed_by_name and item.reviewed_on:
            review = (
                f"Medically reviewed by {item.reviewed_by_name} on {format_date(item.reviewed_on, 'j F Y')}."
            )
        # Atom readers render a summary as HTML (Django writes it with type="html"): plain text
        # goes in escaped, or a "<" in a page's summary would become markup in the reader.
        return escape(" ".join(part for part in (item.summary, review) if part))

    def item_link(self, item: WithAnnotations[Publication, _FeedAnnotations]) -> str:
        """The page for the version the page shows now; an earlier version's entry leads to that
        version in the archive, so the entry says what its reader will find."""
        if item.pk == item.live_id:
            return absolute(reverse("conditions:detail", args=[item.live_slug]))
        return absolute(reverse("conditions:publication", args=[item.live_slug, item.number]))

    def item_guid(self, item: Publication) -> str:
        # An id that survives renames and host aliases (RFC 4151 tag URI): one per version.
        authority = urlsplit(settings.MEDSITE_BASE_URL).hostname or "localhost"
        return f"tag:{authority},{item.went_live_at:%Y-%m-%d}:publication/{item.pk}"

    def item_updateddate(self, item: Publication) -> datetime | None:
        return item.went_live_at

    def item_pubdate(self, item: Publication) -> datetime | None:
        return item.went_live_at


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Everything public may be crawled; staff areas, search result pages and the health check
    may not.

    Only ``Disallow`` lines: what they leave out is allowed. An ``Allow: /`` before them would
    allow everything to a parser that takes the first matching rule (Python's
    ``urllib.robotparser``, as the original robots.txt convention reads), while RFC 9309's
    longest match reads the same file the same way without it.

    An admin moved from the well-known ``/admin/`` (``MEDSITE_ADMIN_URL``) is not named: this file
    is public, and naming it would hand the address to the scanners it was moved away from. Its
    pages need a login, and nothing public links to them.
    """
    admin_path = reverse("admin:index")
    lines = [
        "User-agent: *",
        *(["Disallow: /admin/"] if admin_path == "/admin/" else []),
        "Disallow: /editor/",
        "Disallow: /search/",
        f"Disallow: {reverse('healthz')}",
        f"Sitemap: {absolute(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
