from __future__ import annotations

import re

import lxml.html
import pytest
from django.template import Context, Template
from django.urls import reverse

from conditions.content import ConditionData, SectionData, write_condition
from conditions.templatetags.page_meta import DESCRIPTION_LENGTH, meta_description
from tests.factories import make_condition, make_image, publish

# 179 characters, of words of many lengths, so that a cut can land anywhere.
LONG = (
    "Gout is a kind of arthritis in which crystals of uric acid form in a joint, most often the "
    "big toe, and cause sudden attacks of pain, swelling and redness that last a week or two."
)


def test_a_short_description_is_left_as_it_is():
    assert meta_description("Painful swollen joints.") == "Painful swollen joints."


def test_a_long_description_is_cut_at_a_word_with_an_ellipsis():
    described = meta_description(LONG)
    assert described == (
        "Gout is a kind of arthritis in which crystals of uric acid form in a joint, most often the "
        "big toe, and cause sudden attacks of pain, swelling and redness that…"
    )
    assert len(described) <= DESCRIPTION_LENGTH


@pytest.mark.parametrize("length", range(DESCRIPTION_LENGTH - 20, DESCRIPTION_LENGTH + 20))
def test_every_cut_ends_on_a_whole_word(length):
    text = LONG[:length].rstrip()
    described = meta_description(text)
    assert len(described) <= DESCRIPTION_LENGTH
    if len(text) <= DESCRIPTION_LENGTH:
        assert described == text
    else:
        kept = described.removesuffix("…")
        assert described.endswith("…") and kept.split() == text.split()[: len(kept.split())]
        assert not kept.endswith((",", " "))


def test_line_breaks_and_runs_of_spaces_become_one_space():
    assert meta_description("Flushing\n   and\tdiarrhoea.\n") == "Flushing and diarrhoea."


def test_escaped_text_is_counted_as_read_and_stays_escaped():
    text = "Tom &amp; Jerry &lt;b&gt; " + "word " * 40
    described = meta_description(text)
    assert described.startswith("Tom &amp; Jerry &lt;b&gt; word")
    assert (
        len(described.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")) <= DESCRIPTION_LENGTH
    )


def test_one_word_longer_than_a_description_is_cut_where_it_must_be():
    described = meta_description("https://example.org/" + "a" * 300)
    assert len(described) == DESCRIPTION_LENGTH and described.endswith("a…")


def test_the_filter_in_a_template_escapes_once():
    rendered = Template("{% load page_meta %}{{ text|meta_description }}").render(
        Context({"text": "Salt & water"})
    )
    assert rendered == "Salt &amp; water"


# --- the Open Graph image: a page's lead image ------------------------------------------------


def _head_meta(html: str) -> dict[str, list[str]]:
    """Every <meta property|name=… content=…> of the page's head, by name, in order."""
    head = lxml.html.fromstring(html).find("head")
    found: dict[str, list[str]] = {}
    for meta in head.iter("meta"):
        name = meta.get("property") or meta.get("name")
        if name:
            found.setdefault(name, []).append(meta.get("content"))
    return found


@pytest.fixture
def illustrated(editor, reviewer, settings):
    settings.MEDSITE_BASE_URL = "https://health.example.org"
    make_image(
        "heel-pain-map",
        alt='Sole of a foot with the heel shaded red & marked "pain here"',
        focal_x=0.3,
        focal_y=0.8,
    )
    make_image("stretch", alt="A calf stretch against a wall")
    condition = make_condition(
        editor,
        name="Plantar fasciitis",
        sections=[
            ("overview", "Pain under the heel.\n\n![](image:heel-pain-map)"),
            ("treatment", "- Rest\n- Stretching\n\n![](image:stretch)"),
        ],
        short_answers=[("Does stretching help?", "Often it does.", "")],
    )
    publish(condition, editor=editor, reviewer=reviewer)
    condition.refresh_from_db()
    return condition


@pytest.mark.django_db
def test_a_page_with_images_shares_its_lead_image_cropped_for_open_graph(client, illustrated):
    meta = _head_meta(client.get(illustrated.get_absolute_url()).content.decode())
    lead = illustrated.live_publication.page.images[0]
    assert lead.key == "heel-pain-map"
    image = meta["og:image"]
    assert image == [f"https://health.example.org{lead.og_image}"]
    assert image[0].endswith("/og-30-80.jpg")  # cropped around the image's focal point
    assert meta["og:image:type"] == ["image/jpeg"]
    assert meta["og:image:width"] == ["1200"] and meta["og:image:height"] == ["630"]
    assert meta["og:image:alt"] == ['Sole of a foot with the heel shaded red & marked "pain here"']
    assert meta["twitter:card"] == ["summary_large_image"]
    assert meta["twitter:image"] == image
    assert meta["twitter:image:alt"] == meta["og:image:alt"]


@pytest.mark.django_db
def test_a_question_page_shares_the_lead_image_of_its_page(client, illustrated):
    answer = illustrated.live_publication.page.short_answers[0]
    url = reverse("conditions:question", args=[illustrated.public_slug, answer.slug])
    meta = _head_meta(client.get(url).content.decode())
    assert meta["og:image"][0].endswith("/og-30-80.jpg")


@pytest.mark.django_db
def test_an_archived_version_shares_the_image_it_showed(client, illustrated, editor, reviewer):
    first = illustrated.live_publication.page.images[0].og_image
    write_condition(
        ConditionData(
            name="Plantar fasciitis",
            slug="plantar-fasciitis",
            sections=[SectionData("overview", "Pain under the heel.\n\n![](image:stretch)")],
        ),
        by=editor,
        comment="Another lead image",
    )
    publish(illustrated, editor=editor, reviewer=reviewer)
    archived = _head_meta(client.get("/conditions/plantar-fasciitis/history/1/").content.decode())
    current = _head_meta(client.get("/conditions/plantar-fasciitis/").content.decode())
    assert archived["og:image"] == [f"https://health.example.org{first}"]
    assert current["og:image"] != archived["og:image"]
    assert current["og:image:alt"] == ["A calf stretch against a wall"]


@pytest.mark.django_db
def test_a_page_without_images_shares_the_sites_image(client, editor, reviewer):
    condition = make_condition(editor, name="Shin splints")
    publish(condition, editor=editor, reviewer=reviewer)
    meta = _head_meta(client.get(condition.get_absolute_url()).content.decode())
    assert re.fullmatch(r"http://testserver/static/img/og-default(\.[0-9a-f]+)?\.png", meta["og:image"][0])
    assert meta["og:image:type"] == ["image/png"]
    assert meta["twitter:card"] == ["summary"] and "twitter:image" not in meta


@pytest.mark.django_db
def test_a_decorative_lead_image_is_described_by_its_caption(client, editor, reviewer):
    make_image("pattern", alt="", decorative=True, caption="A foot in a supportive shoe")
    condition = make_condition(
        editor, name="Flat feet", sections=[("overview", "Low arches.\n\n![](image:pattern)")]
    )
    publish(condition, editor=editor, reviewer=reviewer)
    meta = _head_meta(client.get(condition.get_absolute_url()).content.decode())
    assert meta["og:image:alt"] == ["A foot in a supportive shoe"]
