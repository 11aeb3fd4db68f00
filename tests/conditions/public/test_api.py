from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import reversion
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conditions import workflow
from conditions.content import ConditionData, SectionData, ShortAnswerData, write_condition
from conditions.models import Publication
from conditions.public import api, discovery
from images.models import Image
from tests.factories import make_condition, make_image, make_reference, publish

pytestmark = pytest.mark.django_db

LIST = "/api/conditions/"


@pytest.fixture
def live(editor, reviewer):
    make_reference(
        "smith2020",
        title="Flushing in practice",
        authors="Smith A\nBrown C",
        doi="10.1000/flush.2020",
        pmid="12345678",
    )
    make_reference(
        "nhs2024",
        kind="web-page",
        authors="",
        title="Carcinoid syndrome",
        container_title="NHS website",
        url="https://www.nhs.uk/conditions/carcinoid-syndrome/",
        accessed_on=date(2024, 5, 1),
        year=2024,
    )
    condition = make_condition(
        editor,
        name="Carcinoid syndrome",
        summary="Flushing and diarrhoea caused by hormones from a tumour.",
        also_called=["Carcinoid", "Neuroendocrine tumour syndrome"],
        sections=[
            ("overview", "Overview text with evidence [@smith2020]."),
            ("symptoms", "- **Flushing.** The skin feels hot."),
        ],
        short_answers=[("What causes it?", "Hormones from a *tumour*.", "More detail here.")],
        reference_keys=["nhs2024"],
    )
    publish(condition, editor=editor, reviewer=reviewer)
    condition.refresh_from_db()
    return condition


def _rename(condition, slug: str, *, by) -> None:
    """An edit of the slug alone, saved the way every edit is saved."""
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(by)
        condition.slug = slug
        workflow.save_draft(condition, by=by, comment="Renamed")


def _went_live(condition, moment: datetime) -> None:
    Publication.objects.filter(pk=condition.live_publication_id).update(went_live_at=moment)


# --- list -------------------------------------------------------------------------------------


def test_list_shows_live_pages_by_name_with_links(client, editor, reviewer, live):
    make_condition(editor, name="Acne draft")  # never published
    gone = make_condition(editor, name="Beriberi")
    publish(gone, editor=editor, reviewer=reviewer)
    workflow.unpublish(gone, by=reviewer, reason="Being rewritten")
    publish(make_condition(editor, name="anaemia"), editor=editor, reviewer=reviewer)

    response = client.get(LIST)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "public, no-cache"
    body = response.json()
    assert body["count"] == 2 and body["next"] is None and body["previous"] is None
    assert [item["name"] for item in body["results"]] == ["anaemia", "Carcinoid syndrome"]
    item = body["results"][1]
    publication = live.live_publication
    assert item == {
        "name": "Carcinoid syndrome",
        "slug": "carcinoid-syndrome",
        "status": "published",
        "also_called": ["Carcinoid", "Neuroendocrine tumour syndrome"],
        "code": [],
        "summary": "Flushing and diarrhoea caused by hormones from a tumour.",
        "language": "en",
        "first_published": publication.went_live_at.isoformat(),
        "last_reviewed": publication.reviewed_on.isoformat(),
        "next_review_due": publication.next_review_due.isoformat(),
        "url": "http://testserver/conditions/carcinoid-syndrome/",
        "api_url": "http://testserver/api/conditions/carcinoid-syndrome/",
        "updated": publication.went_live_at.isoformat(),
        "license": None,
        "copyright_holder": "MedSite",
        "attribution": "Content from MedSite",
    }


def test_list_shows_the_published_name_not_a_draft_rename(client, editor, live):
    write_condition(
        ConditionData(name="Carcinoid tumour syndrome", slug=live.slug, summary="Unreviewed summary."),
        by=editor,
        comment="Draft",
    )
    [item] = client.get(LIST).json()["results"]
    assert item["name"] == "Carcinoid syndrome"
    assert item["summary"] == "Flushing and diarrhoea caused by hormones from a tumour."


def test_list_is_paginated_with_absolute_links(client, editor, reviewer, monkeypatch):
    monkeypatch.setattr(api, "PAGE_SIZE", 2)
    for name in ("Delta", "Alpha", "Echo", "Charlie", "Bravo"):
        publish(make_condition(editor, name=name), editor=editor, reviewer=reviewer)

    first = client.get(LIST).json()
    assert first["count"] == 5
    assert [item["name"] for item in first["results"]] == ["Alpha", "Bravo"]
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/conditions/?page=2"

    second = client.get(first["next"]).json()
    assert [item["name"] for item in second["results"]] == ["Charlie", "Delta"]
    assert second["previous"] == "http://testserver/api/conditions/?page=1"

    last = client.get(second["next"]).json()
    assert [item["name"] for item in last["results"]] == ["Echo"] and last["next"] is None

    beyond = client.get(LIST, {"page": 4})
    assert beyond.status_code == 404
    assert beyond.json() == {"error": "There is no page 4: the last page is 3."}
    assert client.get(LIST, {"page": "two"}).status_code == 400


def test_the_default_page_holds_fifty():
    assert api.PAGE_SIZE == 50


def test_updated_since_keeps_pages_that_went_live_then_or_later(client, editor, reviewer):
    for name, moment in (
        ("Old page", datetime(2024, 12, 31, 23, 59, tzinfo=UTC)),
        ("New year page", datetime(2025, 1, 1, 0, 0, tzinfo=UTC)),
        ("Spring page", datetime(2025, 3, 1, 9, 30, tzinfo=UTC)),
    ):
        condition = make_condition(editor, name=name)
        publish(condition, editor=editor, reviewer=reviewer)
        condition.refresh_from_db()
        _went_live(condition, moment)

    def names(since: str) -> list[str]:
        response = client.get(LIST, {"updated_since": since})
        assert response.status_code == 200, response.json()
        return [item["name"] for item in response.json()["results"]]

    assert names("2025-01-01") == ["New year page", "Spring page"]
    assert names("2025-03-01T09:30:00Z") == ["Spring page"]
    assert names("2025-03-01T10:30:00+01:00") == ["Spring page"]
    assert names("2025-03-01T09:30:01") == []
    assert names("") == ["New year page", "Old page", "Spring page"]


def test_updated_since_is_kept_in_page_links(client, editor, reviewer, monkeypatch):
    monkeypatch.setattr(api, "PAGE_SIZE", 1)
    for name in ("Alpha", "Bravo"):
        publish(make_condition(editor, name=name), editor=editor, reviewer=reviewer)
    body = client.get(LIST, {"updated_since": "2000-01-01"}).json()
    assert body["next"] == "http://testserver/api/conditions/?updated_since=2000-01-01&page=2"


@pytest.mark.parametrize("value", ["yesterday", "2025-13-01", "2025-02-30", "01/03/2025", "2025-03-01T25:00"])
def test_malformed_updated_since_is_a_400_that_says_what_to_send(client, live, value):
    response = client.get(LIST, {"updated_since": value})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert value in error and "YYYY-MM-DD" in error and "ISO 8601" in error
    assert response.json()["parameter"] == "updated_since"
    assert response["Cache-Control"] == "public, max-age=60"


def test_list_needs_two_queries_whatever_its_length(client, editor, reviewer):
    for n in range(6):
        publish(make_condition(editor, name=f"Condition {n}"), editor=editor, reviewer=reviewer)
    # 1: count of live pages; 2: the page of conditions joined to their live publications (with
    # when each first went live); 3-4: the history of the pages changed since (publications,
    # unpublish events), for "removed"; 5-6: the latest go-live or retraction, the latest unpublish.
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"updated_since": "2000-01-01"})
    assert response.status_code == 200 and len(response.json()["results"]) == 6
    assert len(queries) <= 6, [q["sql"] for q in queries]


# --- detail -----------------------------------------------------------------------------------


def test_detail_is_the_published_content(client, live):
    response = client.get("/api/conditions/carcinoid-syndrome/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, no-cache"
    body = response.json()
    publication = live.live_publication
    frozen = publication.structured_data
    assert body["name"] == "Carcinoid syndrome" and body["slug"] == "carcinoid-syndrome"
    assert body["also_called"] == ["Carcinoid", "Neuroendocrine tumour syndrome"]
    assert body["summary"] == "Flushing and diarrhoea caused by hormones from a tumour."
    assert body["url"] == "http://testserver/conditions/carcinoid-syndrome/"
    assert body["version"] == 1 and body["status"] == "published" and body["language"] == "en"
    assert body["updated"] == body["first_published"] == publication.went_live_at.isoformat()
    assert (body["license"], body["copyright_holder"], body["attribution"]) == (
        None,
        "MedSite",
        "Content from MedSite",
    )
    assert body["sections"] == [
        {key: section[key] for key in ("id", "kind", "heading", "markdown", "html")}
        for section in frozen["sections"]
    ]
    assert body["sections"][0]["kind"] == "overview"
    assert body["sections"][0]["markdown"] == "Overview text with evidence [@smith2020]."
    assert 'href="#ref-1"' in body["sections"][0]["html"]
    assert body["review"] == {
        "reviewed_by": "Rita Reviewer, MD",
        "last_reviewed": publication.reviewed_on.isoformat(),
        "next_review_due": publication.next_review_due.isoformat(),
        "kind": "clinical",
        "approved_at": publication.approved_at.isoformat(),
    }


def test_detail_short_answers_link_to_their_pages(client, live):
    [answer] = client.get("/api/conditions/carcinoid-syndrome/").json()["short_answers"]
    assert answer["question"] == "What causes it?"
    assert answer["answer_markdown"] == "Hormones from a *tumour*."
    assert "<em>tumour</em>" in answer["answer_html"]
    assert answer["details_markdown"] == "More detail here."
    assert "More detail here." in answer["details_html"]
    assert answer["url"] == "http://testserver/conditions/carcinoid-syndrome/questions/what-causes-it/"
    assert client.get(answer["url"]).status_code == 200


def test_detail_short_answers_have_no_url_without_question_pages(client, live, monkeypatch):
    monkeypatch.setattr(discovery, "question_path", lambda *args: None)
    monkeypatch.setattr(api, "question_path", lambda *args: None)
    [answer] = client.get("/api/conditions/carcinoid-syndrome/").json()["short_answers"]
    assert "url" not in answer and answer["question"] == "What causes it?"


def test_detail_references_are_structured(client, live):
    cited, listed = client.get("/api/conditions/carcinoid-syndrome/").json()["references"]
    assert cited["number"] == 1 and cited["key"] == "smith2020" and cited["kind"] == "journal-article"
    assert cited["authors"] == ["Smith A", "Brown C"]
    assert cited["title"] == "Flushing in practice"
    assert cited["container_title"] == "J Clin Things"
    assert (cited["year"], cited["volume"], cited["issue"], cited["pages"]) == (2021, "12", "3", "100-110")
    assert cited["doi"] == "10.1000/flush.2020" and cited["pmid"] == "12345678"
    assert cited["text"].startswith("Smith A, Brown C. Flushing in practice.")
    assert "<" not in cited["text"] and "<i>J Clin Things</i>" in cited["html"]
    assert listed["number"] == 2 and listed["key"] == "nhs2024" and listed["kind"] == "web-page"
    assert listed["url"] == "https://www.nhs.uk/conditions/carcinoid-syndrome/"
    assert listed["accessed_on"] == "2024-05-01"
    assert listed["authors"] == []
    expected = {
        "number", "key", "kind", "authors", "title", "container_title", "edition", "publisher", "year",
        "volume", "issue", "pages", "url", "doi", "pmid", "accessed_on", "text", "html",
    }  # fmt: skip
    assert set(cited) == set(listed) == expected


def test_a_draft_edit_after_publishing_does_not_appear(client, live, editor):
    make_reference("new2025", title="An unreviewed source")
    write_condition(
        ConditionData(
            name="Carcinoid syndrome (draft)",
            slug=live.slug,
            summary="Unreviewed summary.",
            sections=[SectionData("overview", "Unreviewed new claim [@new2025].")],
            short_answers=[ShortAnswerData("Unreviewed question?", "No.", "")],
            reference_keys=[],
        ),
        by=editor,
        comment="Draft rewrite",
    )
    text = client.get("/api/conditions/carcinoid-syndrome/").content.decode()
    assert "Unreviewed" not in text and "new2025" not in text
    assert "Overview text with evidence" in text and "nhs2024" in text


def test_detail_writes_non_ascii_as_is(client, editor, reviewer):
    condition = make_condition(editor, name="Sjögren syndrome", slug="sjogren-syndrome")
    publish(condition, editor=editor, reviewer=reviewer)
    response = client.get("/api/conditions/sjogren-syndrome/")
    assert "Sjögren syndrome".encode() in response.content


def test_detail_needs_at_most_three_queries(client, editor, reviewer):
    keys = [make_reference().key for _ in range(8)]
    condition = make_condition(
        editor,
        name="Well referenced",
        sections=[("overview", " ".join(f"Claim [@{key}]." for key in keys))],
        short_answers=[(f"Question {n}?", "Answer.", "") for n in range(4)],
    )
    publish(condition, editor=editor, reviewer=reviewer)
    # 1: the condition joined to its live publication; 2: its references with their sources.
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/conditions/well-referenced/")
    assert response.status_code == 200 and len(response.json()["references"]) == 8
    assert len(queries) <= 3, [q["sql"] for q in queries]


def test_drafts_and_unknown_slugs_are_404_json(client, editor, live):
    make_condition(editor, name="Secret draft")
    for url in ("/api/conditions/secret-draft/", "/api/conditions/no-such-page/"):
        response = client.get(url)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert "No published condition page" in response.json()["error"]


def test_draft_in_review_is_404_until_approved(client, editor):
    condition = make_condition(editor, name="In review")
    workflow.submit(condition, by=editor)
    assert client.get("/api/conditions/in-review/").status_code == 404


def test_unpublished_page_is_410_json(client, live, reviewer):
    workflow.unpublish(live, by=reviewer, reason="Being rewritten")
    response = client.get("/api/conditions/carcinoid-syndrome/")
    assert response.status_code == 410
    assert "taken offline" in response.json()["error"]
    assert [item["slug"] for item in client.get(LIST).json()["results"]] == []


def test_old_slug_redirects_to_the_new_api_url(
    client, live, editor, reviewer, django_capture_on_commit_callbacks
):
    _rename(live, "carcinoid-tumour-syndrome", by=editor)
    assert client.get("/api/conditions/carcinoid-syndrome/").json()["slug"] == "carcinoid-syndrome"
    with django_capture_on_commit_callbacks(execute=True):  # the approval retires cached pages
        publish(live, editor=editor, reviewer=reviewer)
    response = client.get("/api/conditions/carcinoid-syndrome/")
    assert response.status_code == 301
    assert response["Location"] == "/api/conditions/carcinoid-tumour-syndrome/"
    assert client.get(response["Location"]).json()["slug"] == "carcinoid-tumour-syndrome"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("url", [LIST, "/api/conditions/carcinoid-syndrome/"])
def test_writes_are_405_even_without_a_csrf_token(live, method, url):
    response = getattr(Client(enforce_csrf_checks=True), method)(url)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert "read-only" in response.json()["error"]


def test_head_is_answered_like_get(client, live):
    response = client.head("/api/conditions/carcinoid-syndrome/")
    assert response.status_code == 200 and response["Cache-Control"] == "public, no-cache"
    assert response.content == b"" and response["ETag"] and response["Last-Modified"]


# --- withdrawals, as a mirror sees them ----------------------------------------------------------


def _publish_at(editor, reviewer, name: str, moment: datetime, **options):
    condition = make_condition(editor, name=name, **options)
    publish(condition, editor=editor, reviewer=reviewer)
    condition.refresh_from_db()
    _went_live(condition, moment)
    return condition


def test_a_withdrawal_reaches_every_api_answer_at_once(
    client, live, editor, reviewer, django_capture_on_commit_callbacks
):
    detail = "/api/conditions/carcinoid-syndrome/"
    _went_live(live, datetime(2025, 1, 10, 9, 0, tzinfo=UTC))
    # Read once, so the server's page cache holds both answers.
    assert client.get(detail).status_code == 200
    assert [item["slug"] for item in client.get(LIST).json()["results"]] == ["carcinoid-syndrome"]

    with django_capture_on_commit_callbacks(execute=True):
        workflow.unpublish(live, by=reviewer, reason="A safety concern")

    gone = client.get(detail)
    assert gone.status_code == 410
    assert gone["Content-Type"] == "application/json"
    assert gone["Cache-Control"] == "public, max-age=60"
    body = gone.json()
    withdrawn_at = datetime.fromisoformat(body["withdrawn_at"])
    assert body["status"] == "withdrawn" and body["slug"] == "carcinoid-syndrome"
    assert body["name"] == "Carcinoid syndrome"
    assert f"taken offline on {withdrawn_at:%Y-%m-%d}" in body["error"]
    assert "A safety concern" not in gone.content.decode()  # the reason is the editors' own
    assert client.get(LIST).json()["results"] == []

    since = client.get(LIST, {"updated_since": "2025-01-01"}).json()
    assert since["results"] == []
    assert since["removed"] == [
        {
            "slug": "carcinoid-syndrome",
            "name": "Carcinoid syndrome",
            "status": "withdrawn",
            "date": body["withdrawn_at"],
            "api_url": "http://testserver/api/conditions/carcinoid-syndrome/",
            "moved_to": None,
        }
    ]


def test_updated_since_reports_a_rename_with_the_new_address(
    client, live, editor, reviewer, django_capture_on_commit_callbacks
):
    _went_live(live, datetime(2024, 6, 1, tzinfo=UTC))
    _rename(live, "carcinoid-tumour-syndrome", by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        second = publish(live, editor=editor, reviewer=reviewer)

    body = client.get(LIST, {"updated_since": "2025-01-01"}).json()
    assert [item["slug"] for item in body["results"]] == ["carcinoid-tumour-syndrome"]
    assert body["results"][0]["first_published"] == "2024-06-01T00:00:00+00:00"
    assert body["results"][0]["updated"] == second.went_live_at.isoformat()
    assert body["removed"] == [
        {
            "slug": "carcinoid-syndrome",
            "name": "Carcinoid syndrome",
            "status": "renamed",
            "date": second.went_live_at.isoformat(),
            "api_url": "http://testserver/api/conditions/carcinoid-syndrome/",
            "moved_to": {
                "slug": "carcinoid-tumour-syndrome",
                "url": "http://testserver/conditions/carcinoid-tumour-syndrome/",
                "api_url": "http://testserver/api/conditions/carcinoid-tumour-syndrome/",
            },
        }
    ]
    assert client.get(LIST, {"updated_since": "2000-01-01"}).json()["removed"][0]["status"] == "renamed"
    later = (second.went_live_at + timedelta(seconds=1)).isoformat()
    assert client.get(LIST, {"updated_since": later}).json()["removed"] == []


def test_a_page_republished_at_its_address_is_not_removed(client, live, editor, reviewer):
    workflow.unpublish(live, by=reviewer, reason="Being rewritten")
    publish(live, editor=editor, reviewer=reviewer)
    body = client.get(LIST, {"updated_since": "2000-01-01"}).json()
    assert [item["slug"] for item in body["results"]] == ["carcinoid-syndrome"]
    assert body["removed"] == []


def test_a_list_without_updated_since_has_no_removed(client, live):
    assert "removed" not in client.get(LIST).json()


# --- what list items say, and how to ask for them --------------------------------------------------


def test_list_items_state_the_terms_in_settings(client, live, settings):
    settings.MEDSITE_CONTENT_LICENSE = "https://creativecommons.org/licenses/by-nc/4.0/"
    settings.MEDSITE_COPYRIGHT_HOLDER = "Northfield Health Trust"
    settings.MEDSITE_API_ATTRIBUTION = "Contains material from Northfield Health Trust"
    [item] = client.get(LIST, {"page": 1}).json()["results"]
    detail = client.get("/api/conditions/carcinoid-syndrome/", {"v": 1}).json()
    for answer in (item, detail):
        assert answer["license"] == "https://creativecommons.org/licenses/by-nc/4.0/"
        assert answer["copyright_holder"] == "Northfield Health Trust"
        assert answer["attribution"] == "Contains material from Northfield Health Trust"


@pytest.fixture
def four(editor, reviewer):
    """Four live pages whose names, go-live times and review dates each sort differently."""
    pages = {
        "Bursitis": datetime(2025, 3, 1, tzinfo=UTC),
        "anaemia": datetime(2025, 1, 1, tzinfo=UTC),
        "Écthyma": datetime(2025, 4, 1, tzinfo=UTC),
        "22q11 deletion": datetime(2025, 2, 1, tzinfo=UTC),
    }
    reviewed = {
        "Bursitis": date(2024, 5, 1),
        "anaemia": date(2025, 2, 1),
        "Écthyma": None,
        "22q11 deletion": date(2023, 1, 1),
    }
    due = {
        "Bursitis": date(2027, 5, 1),
        "anaemia": date(2026, 2, 1),
        "Écthyma": date(2028, 1, 1),
        "22q11 deletion": date(2026, 1, 1),
    }
    for name, moment in pages.items():
        condition = _publish_at(editor, reviewer, name, moment)
        Publication.objects.filter(pk=condition.live_publication_id).update(
            reviewed_on=reviewed[name], next_review_due=due[name]
        )


def _names(client, **params) -> list[str]:
    response = client.get(LIST, params)
    assert response.status_code == 200, response.json()
    return [item["name"] for item in response.json()["results"]]


@pytest.mark.parametrize(
    ("order_by", "expected"),
    [
        ("name", ["22q11 deletion", "anaemia", "Bursitis", "Écthyma"]),
        ("-name", ["Écthyma", "Bursitis", "anaemia", "22q11 deletion"]),
        ("updated", ["anaemia", "22q11 deletion", "Bursitis", "Écthyma"]),
        ("-updated", ["Écthyma", "Bursitis", "22q11 deletion", "anaemia"]),
        # A page with no review date comes last either way.
        ("last_reviewed", ["22q11 deletion", "Bursitis", "anaemia", "Écthyma"]),
        ("-last_reviewed", ["anaemia", "Bursitis", "22q11 deletion", "Écthyma"]),
        ("next_review_due", ["22q11 deletion", "anaemia", "Bursitis", "Écthyma"]),
        ("-next_review_due", ["Écthyma", "Bursitis", "anaemia", "22q11 deletion"]),
    ],
)
def test_order_by(client, four, order_by, expected):
    assert _names(client, order_by=order_by) == expected


def test_letter_filters_by_the_a_to_z_rule(client, four):
    assert _names(client, letter="B") == ["Bursitis"]
    assert _names(client, letter="a") == ["anaemia"]
    assert _names(client, letter="E") == ["Écthyma"]  # accents folded, as on the A–Z page
    assert _names(client, letter="#") == ["22q11 deletion"]
    assert _names(client, letter="Z") == []
    assert _names(client, letter="E", order_by="-updated", updated_since="2025-01-01") == ["Écthyma"]


def test_q_searches_through_the_site_search(client, live, editor, reviewer):
    publish(make_condition(editor, name="Gout", summary="Painful joints."), editor=editor, reviewer=reviewer)
    body = client.get(LIST, {"q": "carcinoid"}).json()
    assert body["count"] == 1 and body["next"] is None
    [item] = body["results"]
    assert item["slug"] == "carcinoid-syndrome" and item["also_called"] == [
        "Carcinoid",
        "Neuroendocrine tumour syndrome",
    ]
    assert _names(client, q="neuroendocrine") == ["Carcinoid syndrome"]
    assert _names(client, q="no such words here") == []


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"order_by": "popularity"}, "order_by"),
        ({"order_by": "--name"}, "order_by"),
        ({"letter": "AB"}, "letter"),
        ({"letter": "3"}, "letter"),
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "two"}, "page"),
        ({"updated_since": "soon"}, "updated_since"),
        ({"q": "gout", "order_by": "updated"}, "order_by"),
        ({"q": "gout", "letter": "G"}, "letter"),
    ],
)
def test_invalid_parameters_are_400_naming_the_parameter(client, live, params, parameter):
    response = client.get(LIST, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["parameter"] == parameter and parameter in body["error"]


def test_unknown_parameters_are_left_alone(client, live):
    assert _names(client, utm_source="newsletter") == ["Carcinoid syndrome"]


# --- conditional GET --------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [LIST, "/api/conditions/carcinoid-syndrome/", f"{LIST}?order_by=-updated"])
def test_conditional_get_answers_304(client, live, url):
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert client.get(url, headers={"If-Modified-Since": first["Last-Modified"]}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_last_modified_moves_when_a_page_is_withdrawn(client, live, editor, reviewer):
    other = _publish_at(editor, reviewer, "Bursitis", datetime(2025, 1, 1, tzinfo=UTC))
    _went_live(live, datetime(2025, 1, 2, tzinfo=UTC))
    before = client.get(LIST, {"page": 1})
    assert before["Last-Modified"] == "Thu, 02 Jan 2025 00:00:00 GMT"
    workflow.unpublish(other, by=reviewer, reason="Merged into another page")
    after = client.get(LIST, {"page": 1}, headers={"If-Modified-Since": before["Last-Modified"]})
    assert after.status_code == 200
    assert [item["name"] for item in after.json()["results"]] == ["Carcinoid syndrome"]


# --- images -----------------------------------------------------------------------------------


@pytest.fixture
def illustrated(editor, reviewer, settings):
    settings.MEDSITE_BASE_URL = "https://health.example.org"
    make_image(
        "flush-areas",
        width=1200,
        height=800,
        alt="Outline of a face and chest with the flushed areas shaded pink",
        caption="Where flushing shows",
        credit="Jane Doe",
        licence="cc-by-4.0",
        source_url="https://drawings.example.org/flushing",
        copyright_notice="© 2025 Jane Doe",
        focal_x=0.5,
        focal_y=0.25,
    )
    make_image(
        "scan-liver",
        format="png",
        width=400,
        height=300,
        alt="A scan of a liver with small bright spots",
        credit="Northfield Clinic",
        licence="all-rights-reserved",
        source_url="https://northfield.example.org/permissions/77",
    )
    condition = make_condition(
        editor,
        name="Carcinoid syndrome",
        sections=[
            ("overview", "Hormones from a tumour cause flushing.\n\n![](image:flush-areas)"),
            ("diagnosis", 'Scans find the tumour.\n\n![Scan](image:scan-liver "A liver scan")'),
        ],
        short_answers=[("Is flushing harmful?", "Rarely.", "![](image:flush-areas)")],
    )
    publish(condition, editor=editor, reviewer=reviewer)
    return condition


def test_detail_lists_each_image_shown_with_its_terms_and_absolute_renditions(client, illustrated):
    first, second = client.get("/api/conditions/carcinoid-syndrome/").json()["images"]
    base = "https://health.example.org/media/images/"
    assert first["key"] == "flush-areas"
    assert first["url"].startswith(base) and first["url"].endswith("/w1200.jpg")
    assert (first["width"], first["height"], first["type"]) == (1200, 800, "image/jpeg")
    assert first["alt"] == "Outline of a face and chest with the flushed areas shaded pink"
    assert first["caption"] == "Where flushing shows"
    assert first["credit"] == "Jane Doe"
    assert first["licence"] == {
        "code": "cc-by-4.0",
        "name": "CC BY 4.0",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    }
    assert first["source_url"] == "https://drawings.example.org/flushing"
    assert first["copyright_notice"] == "© 2025 Jane Doe"
    assert first["og_image"].startswith(base) and first["og_image"].endswith("/og-50-25.jpg")
    assert [(r["width"], r["type"]) for r in first["renditions"]] == [
        (w, kind) for kind in ("image/webp", "image/jpeg") for w in (320, 480, 640, 960, 1200)
    ]
    assert all(r["url"].startswith(base) for r in first["renditions"])
    assert first["renditions"][0]["height"] == 213
    # Used with permission: no deed, the source says on what terms.
    assert second["key"] == "scan-liver" and second["type"] == "image/png"
    assert second["alt"] == "Scan" and second["caption"] == "A liver scan"  # as the page writes them
    assert second["licence"] == {"code": "all-rights-reserved", "name": "All rights reserved", "url": None}
    assert second["source_url"] == "https://northfield.example.org/permissions/77"


def test_detail_images_are_the_frozen_ones_not_the_librarys_now(client, illustrated):
    Image.objects.filter(key="flush-areas").update(caption="Changed after approval", credit="Someone else")
    [first, _second] = client.get("/api/conditions/carcinoid-syndrome/").json()["images"]
    assert (first["caption"], first["credit"]) == ("Where flushing shows", "Jane Doe")


def test_the_html_of_sections_and_answers_names_images_at_absolute_addresses(client, illustrated):
    body = client.get("/api/conditions/carcinoid-syndrome/").json()
    image = body["images"][0]
    for html in (body["sections"][0]["html"], body["short_answers"][0]["details_html"]):
        assert f'src="{image["url"]}"' in html
        assert "/media/" in html and '"/media/' not in html and " /media/" not in html
    # The public page keeps its own paths.
    page = client.get("/conditions/carcinoid-syndrome/").content.decode()
    assert 'src="/media/images/' in page


def test_images_in_the_api_keep_an_s3_stores_addresses(client, illustrated):
    """Addresses the storage gave as absolute (an S3 store's) are served as they were frozen."""
    publication = illustrated.live_publication
    data = publication.structured_data
    store = "https://cdn.example.net/medsite"
    for image in data["images"]:
        image["src"] = image["src"].replace("/media", store)
        for rendition in image["renditions"]:
            rendition["url"] = rendition["url"].replace("/media", store)
    Publication.objects.filter(pk=publication.pk).update(structured_data=data)
    [first, _second] = client.get("/api/conditions/carcinoid-syndrome/").json()["images"]
    assert first["url"].startswith(store + "/images/")
    assert all(r["url"].startswith(store) for r in first["renditions"])


def test_a_page_without_images_lists_none(client, live):
    assert client.get("/api/conditions/carcinoid-syndrome/").json()["images"] == []


def test_list_items_carry_no_images(client, illustrated):
    [item] = client.get(LIST).json()["results"]
    assert "images" not in item and "image" not in item
