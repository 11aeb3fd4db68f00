"""medsite/contentchecks/views.py: the live panel's endpoint, protected and bounded as the previews are."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from medsite import limits
from medsite.contentchecks.models import PlainTerm
from tests.xss_checks import assert_inert

pytestmark = pytest.mark.django_db

URL = reverse("editor-content-checks")
LONG = "This sentence goes on and on with " + "many more words " * 10 + "until it ends."


def post(client: Client, *triples: tuple[str, str, str]):
    return client.post(
        URL,
        {
            "field": [name for name, _, _ in triples],
            "label": [label for _, label, _ in triples],
            "text": [text for _, _, text in triples],
        },
    )


@pytest.fixture
def hypertension(db):
    PlainTerm.objects.get_or_create(term="hypertension", defaults={"alternatives": "high blood pressure"})


def test_an_editor_gets_the_checks_of_each_text_and_of_the_page(client, editor, hypertension):
    client.force_login(editor)
    response = post(
        client,
        ("sections-0-body", "Overview", f"Hypertension is common. {LONG}"),
        ("short_answers-0-answer", "Is it serious? (answer)", "It can be. Treat *hypertension*."),
    )
    assert response.status_code == 200
    data = response.json()
    overview = data["texts"]["sections-0-body"]
    assert overview["label"] == "Overview"
    assert overview["long_sentence_count"] == 1 and overview["long_sentences"][0]["words"] == 40
    assert [term["written"] for term in overview["terms"]] == ["Hypertension"]
    assert data["texts"]["short_answers-0-answer"]["terms"][0]["alternatives"] == ["high blood pressure"]
    assert data["page"]["terms"][0]["count"] == 2
    assert data["page"]["words"] == overview["words"] + data["texts"]["short_answers-0-answer"]["words"]
    # The panel's content, rendered on the server, with each text linked to its field.
    assert 'href="#id_sections-0-body"' in data["html"]
    assert "<mark>Hypertension</mark> → high blood pressure" in data["html"]
    assert "(40 words)" in data["html"]


def test_what_editors_write_is_escaped_in_the_panel(client, editor, hypertension):
    client.force_login(editor)
    label = '<img src=x onerror="alert(1)">'
    response = post(client, ("sections-0-body", label, f"<script>alert(2)</script> hypertension {LONG}"))
    assert response.status_code == 200
    assert_inert(response.json()["html"])
    assert "&lt;img src=x" in response.json()["html"]


def test_a_label_is_one_short_line(client, editor):
    client.force_login(editor)
    response = post(client, ("sections-0-body", "Over\nview " + "x" * 400, "Text."), ("b", "", "More."))
    labels = [text["label"] for text in response.json()["texts"].values()]
    assert labels == ["Over view " + "x" * 290, "b"]


def test_an_empty_page_has_nothing_to_check(client, editor):
    client.force_login(editor)
    response = client.post(URL, {})
    assert response.status_code == 200
    assert response.json()["page"]["words"] == 0
    assert "no text to check yet" in response.json()["html"]


def test_anonymous_visitors_and_non_staff_are_sent_to_log_in(client, stranger):
    response = post(client, ("a", "A", "Text."))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    client.force_login(stranger)
    response = post(client, ("a", "A", "Text."))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_only_post(client, editor):
    client.force_login(editor)
    assert client.get(URL).status_code == 405


def test_csrf_token_is_required(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert post(client, ("a", "A", "Text.")).status_code == 403
    client.get(reverse("admin:conditions_condition_add"))  # sets the CSRF cookie, as the editor does
    token = client.cookies["csrftoken"].value
    response = client.post(URL, {"field": "a", "label": "A", "text": "Text."}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200


def test_malformed_requests_are_refused(client, editor):
    client.force_login(editor)
    assert client.post(URL, {"field": ["a", "b"], "label": ["A"], "text": ["x", "y"]}).status_code == 400
    many = limits.MAX_PREVIEW_FIELDS + 1
    response = client.post(URL, {"field": ["a"] * many, "label": ["A"] * many, "text": ["x"] * many})
    assert response.status_code == 400


def test_a_text_over_the_size_limit_is_refused_by_name(client, editor):
    client.force_login(editor)
    response = post(
        client, ("a", "A", "ok"), ("sections-1-body", "Causes", "x" * (limits.MARKDOWN_FIELD_MAX_CHARS + 1))
    )
    assert response.status_code == 413
    assert response.json()["field"] == "sections-1-body"
    assert "the most is 20,000" in response.json()["error"]


def test_checks_share_the_previews_rate(client, editor, monkeypatch):
    monkeypatch.setattr(limits, "PREVIEWS_PER_MINUTE", 2)
    client.force_login(editor)
    assert client.post(reverse("editor-page-preview"), {"field": ["a"], "text": ["x"]}).status_code == 200
    assert post(client, ("a", "A", "x")).status_code == 200
    response = post(client, ("a", "A", "x"))
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "your text is not lost" in response.json()["error"]


def test_checks_render_within_the_preview_budget(client, editor, monkeypatch):
    monkeypatch.setattr(limits, "PREVIEW_BUDGET_SECONDS", 0.0)
    client.force_login(editor)
    response = post(client, ("sections-0-body", "Overview", "Some *text*."))
    assert response.status_code == 422
    assert response.json()["field"] == "sections-0-body"
    assert "too complex to preview in time" in response.json()["error"]


def test_checks_wait_for_a_free_preview_slot(client, editor, monkeypatch):
    monkeypatch.setattr(limits, "PREVIEW_SLOTS", 1)
    client.force_login(editor)
    with limits.preview_slot():
        response = post(client, ("a", "A", "x"))
    assert response.status_code == 503 and response["Retry-After"] == "2"
