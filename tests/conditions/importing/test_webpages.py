"""Saved HTML pages: the page's own markup, its main content only, into the same document a text
file gives."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import CommandError

from conditions import importing as importers
from conditions.importing.webpages import read_web_page
from conditions.models import Condition
from tests.conditions.importing.test_importing import run, write

pytestmark = pytest.mark.django_db

NAVIGATION = """
<header><a href="/">Example Health</a>
<nav><ul><li><a href="/a-z">Health A to Z</a></li><li><a href="/donate">Donate today</a></li>
<li><a href="/appointments">Request an appointment</a></li></ul></nav></header>
"""
FOOTER = """
<aside><h2>Related pages</h2><ul><li><a href="/frostbite">Frostbite</a></li>
<li><a href="/raynauds">Raynaud's</a></li></ul></aside>
<footer><p>Sign up for our newsletter.</p><p>© Example Health. All rights reserved.</p></footer>
"""
JSON_LD = """
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "MedicalWebPage",
 "lastReviewed": "2024-05-02", "about": {"@type": "MedicalCondition", "name": "Chilblains",
 "alternateName": ["Pernio", "Perniosis"]}}</script>
"""
ARTICLE = """
<main><article>
<h1>Chilblains</h1>
<section><h2>Overview</h2>
<p>Chilblains are small, itchy swellings of the skin that come up after time in the cold. They
usually clear up by themselves within two or three weeks.</p></section>
<section><h2>Symptoms</h2>
<p>Symptoms of chilblains include:</p>
<ul><li><strong>Red or purple patches.</strong> Mostly on the toes and fingers.</li>
<li>Itching and burning, worse in a warm room</li><li>Swelling</li></ul></section>
<section><h2>When to see a doctor</h2>
<p>See a doctor if the swellings have not healed after three weeks, or if you have diabetes.</p></section>
<section><h2>Treatment</h2>
<p>Most chilblains need no treatment. Keep the feet warm and dry, and do not scratch.</p></section>
<p>Page last reviewed: <time datetime="2024-04-30">30 April 2024</time></p>
</article></main>
"""


def html_page(*, head: str = JSON_LD, article: str = ARTICLE) -> str:
    return (
        f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>Chilblains | Example Health"
        f"</title>{head}</head><body>{NAVIGATION}{article}{FOOTER}</body></html>"
    )


def test_a_saved_html_page_gives_sections_lists_names_and_date_from_its_markup():
    document = importers.parse_document(html_page(), source="chilblains.html")
    data = document.data
    assert data.name == "Chilblains"
    assert data.also_called == ["Pernio", "Perniosis"]
    assert data.source_updated_on == date(2024, 5, 2)  # JSON-LD's lastReviewed before <time>
    assert [s.kind for s in data.sections] == ["overview", "symptoms", "when_to_see_a_doctor", "treatment"]
    symptoms = data.sections[1].body
    assert "- **Red or purple patches.** Mostly on the toes and fingers." in symptoms
    assert "- Swelling" in symptoms
    assert data.summary.startswith("Chilblains are small, itchy swellings")


def test_navigation_sidebars_and_footers_are_not_imported():
    document = importers.parse_document(html_page(), source="chilblains.html")
    everything = " ".join(s.body for s in document.data.sections).lower()
    for chrome in ("health a to z", "donate", "request an appointment", "newsletter", "raynaud", "rights"):
        assert chrome not in everything


def test_without_json_ld_the_h1_names_the_page_and_time_dates_it():
    document = importers.parse_document(html_page(head=""), source="chilblains.html")
    assert document.data.name == "Chilblains"
    assert document.data.source_updated_on == date(2024, 4, 30)
    assert not document.title_given


def test_a_broken_json_ld_block_is_ignored():
    head = '<script type="application/ld+json">{"@type": "MedicalCondition", "name": </script>'
    document = importers.parse_document(html_page(head=head), source="chilblains.html")
    assert document.data.name == "Chilblains"


def test_title_still_overrides_the_markup():
    document = importers.parse_document(html_page(), source="c.html", title="Chilblains (pernio)")
    assert document.data.name == "Chilblains (pernio)"
    assert document.title_given


def test_an_html_file_imports_through_the_command(tmp_path):
    path = write(tmp_path, "chilblains.html", html_page())
    output = run(path)
    assert output.startswith("Imported “Chilblains” (created, 4 sections, 0 references) from chilblains.html")
    assert "    also called: Pernio; Perniosis" in output
    condition = Condition.objects.get()
    assert condition.import_source == str(path.resolve())
    assert condition.synonyms == ["Pernio", "Perniosis"]


def test_an_html_page_that_is_not_a_condition_page_is_refused(tmp_path):
    article = "<main><h1>Our opening hours</h1><p>We are open from nine to five on weekdays.</p></main>"
    with pytest.raises(CommandError, match=r"hours\.html"):
        run(write(tmp_path, "hours.html", html_page(head="", article=article)))
    assert Condition.objects.count() == 0


def test_the_pages_own_main_content_is_read_whole_without_its_tools_and_asides():
    article = (
        "<main><h1>About Tennis elbow</h1>"
        "<div class='page-actions'><a href='#'>Print</a> <a href='#'>Share</a></div>"
        "<div class='summary'><p>Tennis elbow is pain on the outer side of the elbow, where the forearm "
        "tendons attach to the bone. It comes from overusing those tendons.</p></div>"
        "<section><div class='section-header'><h2>Symptoms</h2></div><div class='section-body'>"
        "<p>Symptoms may include:</p><ul><li>Elbow pain that slowly gets worse</li><li>A weak grip</li></ul>"
        "</div></section>"
        "<aside class='callout'><h3>FIND A SERVICE</h3><p>Our finder lists clinics near you.</p></aside>"
        "<section class='sources'><h2>Sources</h2><ul>"
        "<li><a href='https://www.example.org/elbow'>Example Orthopaedic Society (Tennis elbow)</a></li>"
        "<li><a href='/elbow-injuries'>Elbow injuries</a></li></ul></section></main>"
    )
    page = read_web_page(html_page(head="", article=article), source="elbow.html")
    assert page.meta.name == "Tennis elbow"  # "About …" is the title's, not the name's
    assert page.heading_levels == {"symptoms": 2, "sources": 2}  # the aside's heading is not read
    assert "Tennis elbow is pain on the outer side" in page.layout  # a summary no extractor drops
    assert "• Elbow pain that slowly gets worse" in page.layout
    assert "Print" not in page.layout and "FIND A SERVICE" not in page.layout
    # A link to another site keeps its address, as a hand-written reference list would.
    assert "• Example Orthopaedic Society (Tennis elbow) (https://www.example.org/elbow)" in page.layout
    assert "• Elbow injuries\n" in page.layout + "\n"


def test_a_container_named_like_chrome_that_holds_the_article_is_read():
    sections = "".join(
        f"<h2>{heading}</h2><p>{text}</p>"
        for heading, text in [
            ("Overview", "Norovirus is a very contagious virus that causes vomiting and diarrhoea. " * 4),
            ("Symptoms", "Symptoms start a day or two after catching it and last a few days. " * 4),
        ]
    )
    article = f"<main><h1>Norovirus</h1><div class='syndicate'>{sections}</div></main>"
    page = read_web_page(html_page(head="", article=article), source="noro.html")
    assert set(page.heading_levels) == {"overview", "symptoms"}


def test_a_page_reviewed_then_updated_is_dated_by_its_update():
    head = JSON_LD.replace(
        '"lastReviewed": "2024-05-02",',
        '"lastReviewed": "2024-05-02", "dateModified": "2024-06-11T09:00:00Z",',
    )
    assert importers.parse_document(html_page(head=head), source="c.html").data.source_updated_on == date(
        2024, 6, 11
    )


def test_a_saved_page_is_cut_off_when_its_markup_stops_short_not_when_its_text_ends_in_a_link():
    sources = "<h2>Sources</h2><ol><li>Example Society. Chilblains. Accessed May 2, 2024. https://www.example.org/c</li></ol>"
    whole = html_page(article=ARTICLE.replace("</article>", sources + "</article>"))
    assert not [w for w in importers.parse_document(whole, source="c.html").warnings if "cut off" in w]
    cut = whole[: whole.index("</footer>")]
    (warning,) = [w for w in importers.parse_document(cut, source="c.html").warnings if "cut off" in w]
    assert "markup stops before its end" in warning
