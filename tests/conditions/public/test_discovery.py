from __future__ import annotations

import re
import urllib.robotparser
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest
import reversion
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image
from protego import Protego

from conditions import workflow
from conditions.content import ConditionData, SectionData, write_condition
from conditions.models import Publication, SlugHistory
from tests.factories import make_condition, publish

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
ATOM_NS = {"atom": "http://www.w3.org/2005/Atom"}


@pytest.fixture
def live(editor, reviewer):
    condition = make_condition(
        editor,
        name="Carcinoid syndrome",
        summary="Flushing and diarrhoea caused by hormones from a tumour.",
        short_answers=[("What causes it?", "Hormones from a tumour.", "")],
    )
    publish(condition, editor=editor, reviewer=reviewer)
    condition.refresh_from_db()
    return condition


def _rename(condition, slug: str, *, by) -> None:
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(by)
        condition.slug = slug
        workflow.save_draft(condition, by=by, comment="Renamed")


def _republish(condition, *, editor, reviewer, text: str, **options) -> Publication:
    write_condition(
        ConditionData(name=condition.name, slug=condition.slug, sections=[SectionData("overview", text)]),
        by=editor,
        comment="Update",
    )
    return publish(condition, editor=editor, reviewer=reviewer, **options)


def _went_live(publication: Publication, moment: datetime) -> None:
    Publication.objects.filter(pk=publication.pk).update(went_live_at=moment)


def _xml(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 - the site's own output, not untrusted input


def _head(html: str) -> str:
    return html.split("</head>", 1)[0]


def _meta(html: str, attribute: str, name: str) -> str:
    found = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', _head(html))
    assert found, f"no {name} in the head"
    return found.group(1)


def _canonical(html: str) -> str:
    found = re.search(r'<link rel="canonical" href="([^"]*)">', _head(html))
    assert found, "no canonical link"
    return found.group(1)


# --- sitemap ----------------------------------------------------------------------------------


def test_sitemap_lists_live_pages_with_their_go_live_time(client, editor, reviewer, live):
    make_condition(editor, name="Secret draft")
    gone = make_condition(editor, name="Withdrawn page")
    publish(gone, editor=editor, reviewer=reviewer)
    workflow.unpublish(gone, by=reviewer, reason="Outdated")
    _went_live(live.live_publication, datetime(2025, 3, 1, 9, 30, tzinfo=UTC))

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = _xml(response.content)
    entries = {
        url.findtext("sm:loc", namespaces=SITEMAP_NS): url.findtext("sm:lastmod", namespaces=SITEMAP_NS)
        for url in root.findall("sm:url", SITEMAP_NS)
    }
    assert entries == {
        "http://testserver/": None,
        "http://testserver/conditions/": None,
        "http://testserver/conditions/carcinoid-syndrome/": "2025-03-01",
        "http://testserver/conditions/carcinoid-syndrome/questions/what-causes-it/": "2025-03-01",
    }


def _locations(content: bytes) -> list[str]:
    return [
        url.findtext("sm:loc", namespaces=SITEMAP_NS) for url in _xml(content).findall("sm:url", SITEMAP_NS)
    ]


def test_sitemap_addresses_are_on_the_configured_site_whatever_the_host(client, settings, live):
    settings.ALLOWED_HOSTS = ["testserver", "forged.example"]
    settings.MEDSITE_BASE_URL = "https://health.example.org"
    forged = client.get("/sitemap.xml", HTTP_HOST="forged.example")
    assert _locations(forged.content) == [
        "https://health.example.org/",
        "https://health.example.org/conditions/",
        "https://health.example.org/conditions/carcinoid-syndrome/",
        "https://health.example.org/conditions/carcinoid-syndrome/questions/what-causes-it/",
    ]


def test_sitemap_keeps_the_path_of_a_site_served_under_one(client, settings, live):
    settings.MEDSITE_BASE_URL = "https://example.org/health"
    assert "https://example.org/health/conditions/carcinoid-syndrome/" in _locations(
        client.get("/sitemap.xml").content
    )


def test_sitemap_queries_do_not_grow_with_pages(client, editor, reviewer):
    for n in range(5):
        publish(make_condition(editor, name=f"Condition {n}"), editor=editor, reviewer=reviewer)
    # Pages: count and list of live conditions; questions: live conditions with their answers.
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/sitemap.xml").status_code == 200
    assert len(queries) <= 4, [q["sql"] for q in queries]


# --- Atom feed --------------------------------------------------------------------------------


def test_feed_lists_versions_that_went_live_newest_first(client, editor, reviewer, live):
    first = live.live_publication
    _went_live(first, datetime(2025, 1, 10, tzinfo=UTC))
    second = _republish(live, editor=editor, reviewer=reviewer, text="Re-reviewed overview.")
    _went_live(second, datetime(2025, 6, 1, tzinfo=UTC))
    other = make_condition(editor, name="Gout", summary="Painful swollen joints.")
    _went_live(publish(other, editor=editor, reviewer=reviewer), datetime(2025, 3, 1, tzinfo=UTC))
    later = make_condition(editor, name="Scheduled page")
    publish(later, editor=editor, reviewer=reviewer, go_live_at=timezone.now() + timedelta(days=3))

    response = client.get("/feeds/updates/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = _xml(response.content)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    entries = root.findall("atom:entry", ATOM_NS)
    titles = [entry.findtext("atom:title", namespaces=ATOM_NS) for entry in entries]
    assert titles == ["Carcinoid syndrome (updated)", "Gout", "Carcinoid syndrome"]
    newest = entries[0]
    assert newest.findtext("atom:updated", namespaces=ATOM_NS) == "2025-06-01T00:00:00+00:00"
    assert newest.find("atom:link", ATOM_NS).get("href") == "http://testserver/conditions/carcinoid-syndrome/"
    summary = newest.findtext("atom:summary", namespaces=ATOM_NS)
    reviewed = timezone.localdate(second.approved_at)
    assert summary == (
        "Flushing and diarrhoea caused by hormones from a tumour. "
        f"Medically reviewed by Rita Reviewer, MD on {reviewed.day} {reviewed:%B %Y}."
    )
    ids = [entry.findtext("atom:id", namespaces=ATOM_NS) for entry in entries]
    assert len(set(ids)) == 3 and all(entry_id.startswith("tag:") for entry_id in ids)


def test_feed_leaves_out_pages_taken_offline(client, live, reviewer):
    workflow.unpublish(live, by=reviewer, reason="Outdated")
    root = _xml(client.get("/feeds/updates/").content)
    assert root.findall("atom:entry", ATOM_NS) == []


def test_feed_holds_the_thirty_latest(client, editor, reviewer, reviewer2, live):
    _went_live(live.live_publication, datetime(2024, 1, 1, tzinfo=UTC))
    for n in range(30):
        _went_live(
            _republish(live, editor=editor, reviewer=reviewer2 if n % 2 else reviewer, text=f"Edition {n}."),
            datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=n),
        )
    root = _xml(client.get("/feeds/updates/").content)
    entries = root.findall("atom:entry", ATOM_NS)
    assert len(entries) == 30
    assert entries[0].findtext("atom:updated", namespaces=ATOM_NS).startswith("2025-01-30")
    assert entries[-1].findtext("atom:title", namespaces=ATOM_NS) == "Carcinoid syndrome (updated)"


def _parsed_feed(client, **headers) -> feedparser.FeedParserDict:
    response = client.get("/feeds/updates/", **headers)
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def test_feed_entry_for_an_earlier_version_leads_to_that_version(client, editor, reviewer, live):
    _went_live(live.live_publication, datetime(2025, 1, 10, tzinfo=UTC))
    _went_live(
        _republish(live, editor=editor, reviewer=reviewer, text="Re-reviewed overview."),
        datetime(2025, 6, 1, tzinfo=UTC),
    )
    _rename_approved(live, "carcinoid-tumour-syndrome", editor=editor, reviewer=reviewer)

    entries = _parsed_feed(client).entries

    assert [(entry.title, entry.link) for entry in entries] == [
        ("Carcinoid syndrome (updated)", "http://testserver/conditions/carcinoid-tumour-syndrome/"),
        ("Carcinoid syndrome (updated)", "http://testserver/conditions/carcinoid-tumour-syndrome/history/2/"),
        ("Carcinoid syndrome", "http://testserver/conditions/carcinoid-tumour-syndrome/history/1/"),
    ]
    # Each link answers with the version its entry announced (and no redirect on the way).
    assert [client.get(entry.link).status_code for entry in entries] == [200, 200, 200]
    assert "Re-reviewed overview." in client.get(entries[1].link).content.decode()
    assert "Re-reviewed overview." not in client.get(entries[2].link).content.decode()


def test_feed_addresses_are_on_the_configured_site_whatever_the_host(
    client, settings, editor, reviewer, live
):
    _republish(live, editor=editor, reviewer=reviewer, text="Second edition.")
    settings.ALLOWED_HOSTS = ["testserver", "forged.example"]
    settings.MEDSITE_BASE_URL = "https://health.example.org"

    honest = _parsed_feed(client)
    forged = _parsed_feed(client, HTTP_HOST="forged.example", secure=True)

    feed = forged.feed
    assert feed.id == feed.link == "https://health.example.org/"
    assert [(link.rel, link.href) for link in feed.links] == [
        ("alternate", "https://health.example.org/"),
        ("self", "https://health.example.org/feeds/updates/"),
    ]
    assert [entry.link for entry in forged.entries] == [
        "https://health.example.org/conditions/carcinoid-syndrome/",
        "https://health.example.org/conditions/carcinoid-syndrome/history/1/",
    ]
    ids = [entry.id for entry in forged.entries]
    assert all(entry_id.startswith("tag:health.example.org,") for entry_id in ids)
    assert ids == [entry.id for entry in honest.entries]
    assert feed == honest.feed and forged.entries == honest.entries


def test_feed_is_in_the_language_of_the_pages(client, live):
    page_language = re.search(
        r'<html lang="([^"]+)">', client.get("/conditions/carcinoid-syndrome/").content.decode()
    )
    assert page_language
    feed = _xml(client.get("/feeds/updates/").content)
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == page_language.group(1) == "en"
    assert _parsed_feed(client).feed.language == "en"


def test_pages_link_to_the_feed(client, live):
    page = client.get("/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in _head(page)
    assert 'href="/feeds/updates/"' in _head(page)


# --- robots.txt -------------------------------------------------------------------------------


PRIVATE_PATHS = [
    "/admin/",
    "/admin/login/?next=/admin/",
    "/admin/conditions/condition/1/change/",
    "/admin/review-dashboard/",
    "/editor/markdownify/",
    "/editor/page-preview/",
    "/search/",
    "/search/?q=gout",
    "/healthz",
]
PUBLIC_PATHS = [
    "/",
    "/conditions/",
    "/conditions/gout/",
    "/conditions/gout/questions/what-causes-it/",
    "/conditions/gout/history/2/",
    "/feeds/updates/",
    "/sitemap.xml",
    "/api/conditions/",
]


def _standard_library_reader(text: str) -> urllib.robotparser.RobotFileParser:
    """Python's own parser, which takes the first rule that matches a path."""
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(text.splitlines())
    return parser


def test_robots_txt_is_plain_text_naming_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Sitemap: http://testserver/sitemap.xml" in lines


@pytest.mark.parametrize("agent", ["Googlebot", "Bingbot", "AnyCrawler/1.0"])
def test_robots_txt_keeps_first_match_parsers_out_of_private_paths(client, agent):
    robots = _standard_library_reader(client.get("/robots.txt").content.decode())
    assert [path for path in PRIVATE_PATHS if robots.can_fetch(agent, path)] == []
    assert [path for path in PUBLIC_PATHS if not robots.can_fetch(agent, path)] == []


@pytest.mark.parametrize("agent", ["Googlebot", "Bingbot", "AnyCrawler/1.0"])
def test_robots_txt_keeps_rfc_9309_parsers_out_of_private_paths(client, agent):
    # Protego (Scrapy's) matches as RFC 9309 says: the longest rule wins, Allow on a tie.
    robots = Protego.parse(client.get("/robots.txt").content.decode())
    assert [path for path in PRIVATE_PATHS if robots.can_fetch(path, agent)] == []
    assert [path for path in PUBLIC_PATHS if not robots.can_fetch(path, agent)] == []
    assert list(robots.sitemaps) == ["http://testserver/sitemap.xml"]


def test_robots_txt_sitemap_is_on_the_configured_site_whatever_the_host(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "forged.example"]
    settings.MEDSITE_BASE_URL = "https://health.example.org"
    lines = client.get("/robots.txt", HTTP_HOST="forged.example").content.decode().splitlines()
    assert "Sitemap: https://health.example.org/sitemap.xml" in lines


# --- canonical and Open Graph -----------------------------------------------------------------


def test_home_has_canonical_and_open_graph(client, live):
    page = client.get("/", {"utm_source": "newsletter"}).content.decode()
    assert _canonical(page) == "http://testserver/"
    assert _meta(page, "property", "og:url") == "http://testserver/"
    assert _meta(page, "property", "og:type") == "website"
    assert _meta(page, "property", "og:site_name") == "MedSite"
    assert _meta(page, "property", "og:title") == "MedSite"
    assert _meta(page, "property", "og:description") == _meta(page, "name", "description")
    assert _meta(page, "name", "twitter:card") == "summary"


def test_condition_page_is_an_article_at_its_own_address(client, live):
    page = client.get("/conditions/carcinoid-syndrome/", {"ref": "home"}).content.decode()
    assert _canonical(page) == "http://testserver/conditions/carcinoid-syndrome/"
    assert _meta(page, "property", "og:url") == "http://testserver/conditions/carcinoid-syndrome/"
    assert _meta(page, "property", "og:type") == "article"
    assert _meta(page, "property", "og:title") == "Carcinoid syndrome"
    description = "Flushing and diarrhoea caused by hormones from a tumour."
    assert _meta(page, "name", "description") == description
    assert _meta(page, "property", "og:description") == description


def test_archived_version_is_canonical_at_its_own_address(client, live, editor, reviewer):
    _republish(live, editor=editor, reviewer=reviewer, text="Second edition.")
    archived = client.get("/conditions/carcinoid-syndrome/history/1/").content.decode()
    assert _canonical(archived) == "http://testserver/conditions/carcinoid-syndrome/history/1/"
    current = client.get("/conditions/carcinoid-syndrome/history/2/").content.decode()
    assert _canonical(current) == "http://testserver/conditions/carcinoid-syndrome/"


def _public_pages(client, condition, *, editor, reviewer, **headers) -> dict[str, str]:
    """Every kind of public page, by name, as its HTML."""
    _republish(condition, editor=editor, reviewer=reviewer, text="Second edition.")
    gone = make_condition(editor, name="Withdrawn page")
    publish(gone, editor=editor, reviewer=reviewer)
    workflow.unpublish(gone, by=reviewer, reason="Outdated")
    paths = {
        "home": ("/", 200),
        "A–Z": ("/conditions/", 200),
        "condition": ("/conditions/carcinoid-syndrome/", 200),
        "short answer": ("/conditions/carcinoid-syndrome/questions/what-causes-it/", 200),
        "history": ("/conditions/carcinoid-syndrome/history/", 200),
        "archived version": ("/conditions/carcinoid-syndrome/history/1/", 200),
        "search": ("/search/?q=carcinoid", 200),
        "not found": ("/conditions/no-such-page/", 404),
        "taken offline": ("/conditions/withdrawn-page/", 410),
    }
    pages = {}
    for name, (path, status) in paths.items():
        response = client.get(path, **headers)
        assert response.status_code == status, name
        pages[name] = response.content.decode()
    return pages


def test_every_public_page_has_the_sites_open_graph_image(client, settings, editor, reviewer, live):
    settings.ALLOWED_HOSTS = ["testserver", "forged.example"]
    pages = _public_pages(client, live, editor=editor, reviewer=reviewer)
    images = {name: _meta(page, "property", "og:image") for name, page in pages.items()}
    image = images["home"]
    assert re.fullmatch(r"http://testserver/static/img/og-default(\.[0-9a-f]+)?\.png", image)
    assert set(images.values()) == {image}
    for page in pages.values():
        assert _meta(page, "property", "og:image:width") == "1200"
        assert _meta(page, "property", "og:image:height") == "630"
        assert _meta(page, "property", "og:image:alt")
    # The address is the configured site's, whatever host the request named.
    settings.MEDSITE_BASE_URL = "https://health.example.org"
    forged = client.get("/conditions/", HTTP_HOST="forged.example").content.decode()
    assert _meta(forged, "property", "og:image") == image.replace(
        "http://testserver", "https://health.example.org"
    )


def test_a_forged_host_appears_nowhere_on_a_public_page(client, settings, editor, reviewer, live):
    settings.ALLOWED_HOSTS = ["testserver", "forged.example"]
    settings.MEDSITE_BASE_URL = "https://health.example.org"
    pages = _public_pages(client, live, editor=editor, reviewer=reviewer, HTTP_HOST="forged.example")
    assert [name for name, page in pages.items() if "forged.example" in page] == []
    # The citation a reader copies names the version on the configured site.
    assert "https://health.example.org/conditions/carcinoid-syndrome/history/2/" in pages["condition"]


def test_the_open_graph_image_is_a_png_of_the_size_the_tags_give():

    with Image.open(Path(django_settings.BASE_DIR) / "static" / "img" / "og-default.png") as image:
        assert (image.format, image.size) == ("PNG", (1200, 630))


def test_a_long_summary_makes_a_description_cut_at_a_word(client, editor, reviewer):
    summary = (
        "Raynaud's phenomenon makes the fingers and toes turn white, then blue, then red when "
        "they are cold or when you are stressed, because the small blood vessels narrow for a "
        "while; it is common and usually harmless."
    )
    publish(
        make_condition(editor, name="Raynaud's phenomenon", summary=summary), editor=editor, reviewer=reviewer
    )
    page = client.get("/conditions/raynauds-phenomenon/").content.decode()
    expected = (
        "Raynaud&#x27;s phenomenon makes the fingers and toes turn white, then blue, then red when "
        "they are cold or when you are stressed, because the small blood vessels…"
    )
    assert _meta(page, "name", "description") == expected
    assert _meta(page, "property", "og:description") == expected
    # The page itself still says all of it.
    assert "it is common and usually harmless." in page


# --- renamed pages ----------------------------------------------------------------------------


def _rename_approved(condition, slug: str, *, editor, reviewer) -> None:
    """A rename, and its approval: addresses change by review."""
    _rename(condition, slug, by=editor)
    publish(condition, editor=editor, reviewer=reviewer)


def test_renamed_page_redirects_from_its_old_addresses(
    client, live, editor, reviewer, django_capture_on_commit_callbacks
):
    _republish(live, editor=editor, reviewer=reviewer, text="Second edition.")
    _rename(live, "carcinoid-tumour-syndrome", by=editor)
    old, new = "/conditions/carcinoid-syndrome/", "/conditions/carcinoid-tumour-syndrome/"
    # Until the rename is approved, the public reads the page where it was.
    assert client.get(old).status_code == 200
    assert client.get(new).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):  # the approval retires cached pages
        publish(live, editor=editor, reviewer=reviewer)
    for suffix in ("", "history/", "history/1/", "questions/what-causes-it/"):
        response = client.get(old + suffix)
        assert (response.status_code, response["Location"]) == (301, new + suffix)
    assert client.get(old, {"ref": "mail"})["Location"] == new + "?ref=mail"
    assert client.get(new).status_code == 200
    assert list(SlugHistory.objects.values_list("slug", "condition")) == [("carcinoid-syndrome", live.pk)]


def test_every_old_slug_leads_to_the_current_one(client, live, editor, reviewer):
    _rename_approved(live, "carcinoid-2", editor=editor, reviewer=reviewer)
    _rename_approved(live, "carcinoid-3", editor=editor, reviewer=reviewer)
    for old in ("carcinoid-syndrome", "carcinoid-2"):
        assert client.get(f"/conditions/{old}/")["Location"] == "/conditions/carcinoid-3/"


def test_taking_a_slug_back_ends_its_redirect(client, live, editor, reviewer):
    _rename_approved(live, "carcinoid-tumour-syndrome", editor=editor, reviewer=reviewer)
    _rename_approved(live, "carcinoid-syndrome", editor=editor, reviewer=reviewer)
    assert list(SlugHistory.objects.values_list("slug", flat=True)) == ["carcinoid-tumour-syndrome"]
    assert client.get("/conditions/carcinoid-syndrome/").status_code == 200
    assert client.get("/conditions/carcinoid-tumour-syndrome/").status_code == 301


def test_a_new_page_takes_an_old_slug_only_by_review(
    client, live, editor, reviewer, django_capture_on_commit_callbacks
):
    _rename_approved(live, "carcinoid-tumour-syndrome", editor=editor, reviewer=reviewer)
    newcomer = make_condition(editor, name="Carcinoid syndrome")  # a new draft at the old address
    # The address served an approved page: it keeps redirecting there until a review gives it away.
    assert SlugHistory.objects.filter(slug="carcinoid-syndrome").exists()
    assert (
        client.get("/conditions/carcinoid-syndrome/")["Location"] == "/conditions/carcinoid-tumour-syndrome/"
    )
    with django_capture_on_commit_callbacks(execute=True):
        publish(newcomer, editor=editor, reviewer=reviewer)
    assert not SlugHistory.objects.filter(slug="carcinoid-syndrome").exists()
    page = client.get("/conditions/carcinoid-syndrome/")
    assert page.status_code == 200 and page.context["condition"] == newcomer


def test_a_draft_that_never_went_live_leaves_no_redirect(client, editor, reviewer):
    draft = make_condition(editor, name="Draft page")
    _rename(draft, "draft-page-renamed", by=editor)
    scheduled = make_condition(editor, name="Scheduled page")
    publish(scheduled, editor=editor, reviewer=reviewer, go_live_at=timezone.now() + timedelta(days=1))
    _rename(scheduled, "scheduled-page-renamed", by=editor)
    assert not SlugHistory.objects.exists()
    assert client.get("/conditions/draft-page/").status_code == 404
