from __future__ import annotations

import io

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image, ImageDraw

from conditions import workflow
from conditions.content import ConditionData, SectionData, write_condition
from images import library
from images.models import Image as LibraryImage
from tests.factories import CHECKED, make_condition, make_reference, publish
from tests.xss_checks import assert_inert_page

pytestmark = pytest.mark.django_db

# The page cache (conditions/public/caching.py), on a page not yet cached: the retirement
# generation, read before rendering (a page's key comes from the page its view read).
LISTING_CACHE_QUERIES = 1
PAGE_CACHE_QUERIES = 1


@pytest.fixture
def live(editor, reviewer):
    make_reference("smith2020", title="Flushing in practice", authors="Smith A")
    make_reference("jones2019", title="Listed but never cited", authors="Jones B")
    condition = make_condition(
        editor,
        name="Carcinoid syndrome",
        also_called=["Carcinoid"],
        sections=[
            ("overview", "Overview text with evidence [@smith2020]."),
            ("symptoms", "- **Flushing.** The skin feels hot [@smith2020]."),
        ],
        short_answers=[("What causes it?", "Hormones from a tumour.", "More detail here.")],
        reference_keys=["jones2019"],
    )
    publish(condition, editor=editor, reviewer=reviewer)
    condition.refresh_from_db()
    return condition


def test_condition_page_shows_reviewed_content(client, live):
    response = client.get("/conditions/carcinoid-syndrome/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Carcinoid syndrome</h1>" in page
    assert "Also called: Carcinoid" in page
    assert "Medically reviewed by <strong>Rita Reviewer, MD</strong>" in page
    assert "Last reviewed" in page and "Next review due" in page
    assert 'href="#overview"' in page and 'id="symptoms"' in page
    assert "What causes it?" in page and "Short answer" in page
    # Cited reference first (number 1), then the listed-only one (number 2); the body's order, not
    # the JSON-LD's in the head, which names the references too.
    body = page[page.index("<body") :]
    assert body.index('id="ref-1"') < body.index("Flushing in practice") < body.index('id="ref-2"')
    assert body.index('id="ref-2"') < body.index("Listed but never cited")
    assert 'href="#cite-1-2"' in page
    assert "does not replace advice" in page


def test_public_page_needs_at_most_two_queries(client, live):
    # 1: the condition joined to its live publication; nothing else (no session for anonymous).
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/conditions/carcinoid-syndrome/").status_code == 200
    assert len(queries) <= 2 + PAGE_CACHE_QUERIES, [q["sql"] for q in queries]


def test_query_count_does_not_grow_with_sections(client, editor, reviewer):
    condition = make_condition(
        editor, name="Long page", sections=[("overview", f"Part {n}.") for n in range(30)]
    )
    publish(condition, editor=editor, reviewer=reviewer)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(condition.get_absolute_url()).status_code == 200
    assert len(queries) <= 2 + PAGE_CACHE_QUERIES


def test_later_edits_do_not_change_public_page_until_approval(
    client, live, editor, reviewer2, django_capture_on_commit_callbacks
):
    write_condition(
        ConditionData(
            name=live.name, slug=live.slug, sections=[SectionData("overview", "Unreviewed new claim.")]
        ),
        by=editor,
        comment="Draft rewrite",
    )
    assert "Unreviewed new claim." not in client.get(live.get_absolute_url()).content.decode()
    workflow.submit(live, by=editor)
    assert "Unreviewed new claim." not in client.get(live.get_absolute_url()).content.decode()
    # Committed, as a reviewer's request commits it: that is when cached pages are retired.
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve(live, by=reviewer2, attestation=CHECKED)
    assert "Unreviewed new claim." in client.get(live.get_absolute_url()).content.decode()


def test_draft_is_404_and_unpublished_is_410(client, editor, reviewer, live):
    draft = make_condition(editor, name="Secret draft")
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get("/conditions/no-such-thing/").status_code == 404
    workflow.unpublish(live, by=reviewer, reason="Being rewritten")
    response = client.get(live.get_absolute_url())
    assert response.status_code == 410
    assert "no longer available" in response.content.decode()
    assert client.get(reverse("conditions:history", args=[live.slug])).status_code == 410


def test_home_and_a_to_z_list_only_published(client, editor, live):
    make_condition(editor, name="Zebra fever")
    home = client.get("/").content.decode()
    assert "Carcinoid syndrome" in home and "Zebra fever" not in home
    index = client.get("/conditions/")
    assert index.status_code == 200
    page = index.content.decode()
    assert 'id="letter-C"' in page and "Carcinoid syndrome" in page
    assert "Zebra fever" not in page


def test_list_pages_use_constant_queries(client, editor, reviewer):
    for n in range(5):
        publish(make_condition(editor, name=f"Condition {n}"), editor=editor, reviewer=reviewer)
    # 1: live conditions with their publication dates.
    for url in ("/", "/conditions/"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert len(queries) == 1 + LISTING_CACHE_QUERIES, (url, [q["sql"] for q in queries])


def test_history_lists_publications_and_serves_old_versions(client, live, editor, reviewer2):
    write_condition(
        ConditionData(
            name=live.name, slug=live.slug, sections=[SectionData("overview", "Second edition text.")]
        ),
        by=editor,
        comment="Update",
    )
    workflow.submit(live, by=editor)
    workflow.approve(live, by=reviewer2, comment="Updated overview", attestation=CHECKED)
    history = client.get(reverse("conditions:history", args=[live.slug])).content.decode()
    assert "Version 2" in history and "Version 1" in history and "Updated overview" in history
    old = client.get(reverse("conditions:publication", args=[live.slug, 1])).content.decode()
    assert "Overview text with evidence" in old and "It has since been replaced" in old
    assert client.get(reverse("conditions:publication", args=[live.slug, 9])).status_code == 404


def test_public_views_reject_post(client, live):
    assert client.post(live.get_absolute_url()).status_code == 405


def test_hostile_markdown_published_is_inert(client, editor, reviewer):
    condition = make_condition(
        editor,
        name="Hostile page",
        sections=[
            ("overview", "<script>alert(1)</script>[x](javascript:alert(2)) <img src=x onerror=alert(3)>")
        ],
    )
    publish(condition, editor=editor, reviewer=reviewer)
    page = client.get(condition.get_absolute_url()).content.decode()
    assert "<script>alert" not in page
    # CommonMark reads the rest of the <script> line as raw HTML: the link's source may show as
    # text, but nothing on the page is a javascript: address.
    assert_inert_page(page)
    assert 'href="javascript:' not in page
    assert "onerror" not in page


def test_static_stylesheet_is_linked(client, live):
    assert "/static/css/site.css" in client.get(live.get_absolute_url()).content.decode()


@pytest.mark.parametrize("versions", [1, 4])
def test_history_views_use_constant_queries(client, editor, reviewer, reviewer2, versions):
    condition = make_condition(editor, name="Versioned page")
    publish(condition, editor=editor, reviewer=reviewer)
    for n in range(versions - 1):
        write_condition(
            ConditionData(name=condition.name, slug=condition.slug, summary=f"Edition {n}."),
            by=editor,
            comment="x",
        )
        workflow.submit(condition, by=editor)
        workflow.approve(condition, by=reviewer2, kind="editorial")
    # History: 1 the condition with its live publication, 1 the publications that went live.
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("conditions:history", args=[condition.slug]))
    assert page.status_code == 200 and page.content.decode().count("Version ") >= versions
    assert len(queries) == 2 + PAGE_CACHE_QUERIES, [q["sql"] for q in queries]
    # One archived version: 1 the condition, 1 that publication.
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("conditions:publication", args=[condition.slug, 1])).status_code == 200
    assert len(queries) == 2 + PAGE_CACHE_QUERIES, [q["sql"] for q in queries]


def _drawing(colour: tuple[int, int, int]) -> bytes:
    """A made-up diagram: a pale square with a coloured disc in it."""
    picture = Image.new("RGB", (700, 500), (245, 242, 236))
    ImageDraw.Draw(picture).ellipse((200, 100, 500, 400), fill=colour)
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def _figure(html: str) -> str:
    [figure] = lxml.html.fromstring(html).cssselect("figure.figure")
    return lxml.html.tostring(figure, encoding="unicode")


def test_an_archived_version_shows_the_figure_it_was_approved_with(
    client, editor, reviewer, reviewer2, media_root
):
    image = library.add_image(
        _drawing((200, 40, 40)),
        title="Rash on the cheeks",
        key="cheek-rash",
        alt="Drawing of a face with red patches on both cheeks",
        caption="The first drawing",
        credit="Jane Doe",
        licence="cc-by-4.0",
        by=editor,
    )
    first_sha = image.sha256
    condition = make_condition(
        editor, name="Slapped cheek", sections=[("overview", "A viral rash.\n\n![](image:cheek-rash)")]
    )
    publish(condition, editor=editor, reviewer=reviewer)
    first = _figure(client.get(condition.get_absolute_url()).content.decode())
    # The library's image changes (a new file, a new caption), and the page is approved again.
    library.replace_file(image, _drawing((40, 90, 200)), by=editor)
    LibraryImage.objects.filter(pk=image.pk).update(caption="The second drawing")
    write_condition(
        ConditionData(
            name="Slapped cheek",
            slug=condition.slug,
            sections=[SectionData("overview", "A viral rash of childhood.\n\n![](image:cheek-rash)")],
        ),
        by=editor,
        comment="Update",
    )
    workflow.submit(condition, by=editor)
    workflow.approve(condition, by=reviewer2, comment="New drawing", attestation=CHECKED)

    archived = client.get(reverse("conditions:publication", args=[condition.slug, 1])).content.decode()
    current = client.get(condition.get_absolute_url()).content.decode()
    assert _figure(archived) == first
    assert first_sha in first and "The first drawing" in first
    assert first_sha not in _figure(current) and "The second drawing" in _figure(current)
    # The archived figure's files are still stored and served.
    [img] = lxml.html.fromstring(archived).cssselect("figure.figure img")
    for address in [img.get("src")] + [c.split()[0] for c in img.get("srcset").split(",")]:
        assert client.get(address).status_code == 200, address
