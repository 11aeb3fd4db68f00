"""Patient-facing pages: short-answer pages, A–Z with other names, structured data, cite box."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conditions import workflow
from tests.factories import make_condition, make_reference, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(editor, reviewer):
    make_reference("smith2020", title="Flushing in practice")
    condition = make_condition(
        editor,
        name="Carcinoid syndrome",
        also_called=["Carcinoid", "Flushing syndrome"],
        sections=[
            ("overview", "A rare syndrome [@smith2020]."),
            (
                "symptoms",
                "- **Skin flushing.** Hot face.\n- **Diarrhoea.** Frequent stools [@smith2020].\n- Wheezing",
            ),
            ("causes", "- **Tumour hormones.** Serotonin reaches the blood."),
            ("complications", "- **Heart valve damage.** Valves leak."),
        ],
        short_answers=[
            ("What causes carcinoid syndrome?", "Hormones released by a tumour.", "More **detail** here."),
            ("Is it </script> common?", "No, it is rare.", ""),
        ],
    )
    publish(condition, editor=editor, reviewer=reviewer)
    condition.refresh_from_db()
    return condition


def _json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


def test_short_answer_has_its_own_page(client, live):
    url = "/conditions/carcinoid-syndrome/questions/what-causes-carcinoid-syndrome/"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    # The condition joined to its live publication, and the page cache's generation
    # (conditions/public/caching.py).
    assert len(queries) == 2
    page = response.content.decode()
    assert "<h1>What causes carcinoid syndrome?</h1>" in page
    assert "Short answer" in page and "Medically reviewed summary" in page and "Last updated" in page
    assert "Hormones released by a tumour." in page and "<strong>detail</strong>" in page
    assert 'href="/conditions/carcinoid-syndrome/"' in page
    assert "Medically reviewed by <strong>Rita Reviewer, MD</strong>" in page


def test_condition_page_links_to_each_answer_page(client, live):
    page = client.get(live.get_absolute_url()).content.decode()
    assert 'href="/conditions/carcinoid-syndrome/questions/what-causes-carcinoid-syndrome/"' in page
    assert 'href="/conditions/carcinoid-syndrome/questions/is-it-script-common/"' in page


def test_unknown_question_or_unpublished_page(client, live, reviewer):
    assert client.get("/conditions/carcinoid-syndrome/questions/nothing-like-this/").status_code == 404
    workflow.unpublish(live, by=reviewer, reason="Revising")
    assert (
        client.get("/conditions/carcinoid-syndrome/questions/what-causes-carcinoid-syndrome/").status_code
        == 410
    )


def test_a_to_z_lists_other_names_as_see_entries_with_counts(client, live):
    page = client.get("/conditions/").content.decode()
    assert re.search(r'id="letter-C">C <span class="az-count">\(1\)</span>', page)
    assert re.search(
        r"Flushing syndrome: <span class=\"see\">see</span> <a href=\"/conditions/carcinoid-syndrome/\">",
        page,
    )
    assert re.search(r'id="letter-F">F <span class="az-count">\(0\)</span>', page)
    assert "(1 condition)" in page


def test_json_ld_describes_the_reviewed_page(client, live):
    data = _json_ld(client.get(live.get_absolute_url()).content.decode())
    assert data["@context"] == "https://schema.org"
    by_type = {node["@type"]: node for node in data["@graph"]}
    page = by_type["MedicalWebPage"]
    assert page["url"] == "http://testserver/conditions/carcinoid-syndrome/"
    assert page["lastReviewed"] == live.last_reviewed_on.isoformat()
    assert page["reviewedBy"] == {
        "@type": "Person",
        "name": "Rita Reviewer",
        "honorificSuffix": "MD",
        "knowsAbout": "Gastroenterology",
    }
    about = page["about"]
    assert about["@type"] == "MedicalCondition"
    assert about["alternateName"] == ["Carcinoid", "Flushing syndrome"]
    assert [s["name"] for s in about["signOrSymptom"]] == ["Skin flushing", "Diarrhoea", "Wheezing"]
    assert [c["name"] for c in about["cause"]] == ["Tumour hormones"]
    assert about["possibleComplication"] == ["Heart valve damage"]
    assert [part["name"] for part in page["hasPart"]] == ["Overview", "Symptoms", "Causes", "Complications"]
    faq = by_type["FAQPage"]
    assert faq["mainEntity"][0]["acceptedAnswer"]["text"] == "Hormones released by a tumour."
    crumbs = [item["name"] for item in by_type["BreadcrumbList"]["itemListElement"]]
    assert crumbs == ["Home", "Conditions A–Z", "Carcinoid syndrome"]


def test_json_ld_cannot_break_out_of_its_script_element(client, live):
    html = client.get(live.get_absolute_url()).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "</script" not in block and "<" not in block
    assert "Is it </script> common?" in json.dumps(_json_ld(html), ensure_ascii=False)


def test_cite_this_page_points_at_the_exact_version(client, live):
    page = client.get(live.get_absolute_url()).content.decode()
    assert "Cite this page" in page
    assert "http://testserver/conditions/carcinoid-syndrome/history/1/" in page


def test_not_found_and_gone_pages_offer_search(client, live, reviewer):
    missing = client.get("/conditions/no-such-page/")
    assert missing.status_code == 404
    assert (
        'action="/search/"' in missing.content.decode()
        and "Search for a condition" in missing.content.decode()
    )
    workflow.unpublish(live, by=reviewer, reason="Revising")
    gone = client.get(live.get_absolute_url())
    assert gone.status_code == 410 and "Search for a condition" in gone.content.decode()


def test_server_error_page_leaks_nothing(client, settings, monkeypatch):
    from conditions.public import views

    settings.DEBUG = False

    def explode(*args, **kwargs):
        raise RuntimeError("secret database password in traceback")

    monkeypatch.setattr(views, "_live_conditions", explode)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page
    assert "secret database password" not in page and "Traceback" not in page


def test_public_pages_answer_head_requests(client, live):
    for url in ("/", "/conditions/", live.get_absolute_url(), "/search/?q=carcinoid"):
        assert client.head(url).status_code == 200, url


def test_public_pages_show_the_approved_names_not_the_working_copys(client, editor, reviewer):
    condition = make_condition(
        editor, "Gout", also_called=["Podagra"], summary="Joint pain from urate crystals."
    )
    publish(condition, editor=editor, reviewer=reviewer)
    condition.refresh_from_db()
    condition.name, condition.also_called, condition.summary = "Unreviewed name", "Unreviewed alias", "Draft"
    workflow.save_draft(condition, by=editor)

    for url in ["/", reverse("conditions:index"), condition.get_absolute_url()]:
        text = client.get(url).content.decode()
        assert "Gout" in text, url
        assert "Unreviewed" not in text and "Draft" not in text.split("<main", 1)[-1], url
    index = client.get(reverse("conditions:index")).content.decode()
    assert "Podagra" in index


def test_an_offline_page_is_named_as_the_public_last_saw_it(client, editor, reviewer, superuser):
    condition = make_condition(editor, "Gout")
    publish(condition, editor=editor, reviewer=reviewer)
    workflow.unpublish(condition, by=superuser, reason="Being revised")
    condition.refresh_from_db()
    condition.name = "Unreviewed name"
    workflow.save_draft(condition, by=editor)

    response = client.get(condition.get_absolute_url())
    assert response.status_code == 410
    text = response.content.decode()
    assert "The page about Gout has been taken offline" in text and "Unreviewed" not in text
