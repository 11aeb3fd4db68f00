"""medsite/limits.py: how much one request may ask for, and what the editor is told when refused."""

from __future__ import annotations

import contextlib
import logging
import time

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from conditions.checks import publish_problems
from conditions.models import Section, ShortAnswer
from medsite import limits
from tests.factories import make_condition
from tests.xss_checks import assert_inert

pytestmark = pytest.mark.django_db

FIELD = limits.MARKDOWN_FIELD_MAX_CHARS
PREVIEW = reverse("editor-preview")
PAGE_PREVIEW = reverse("editor-page-preview")


# --- sizes -----------------------------------------------------------------------------------


def test_markdown_field_at_the_limit_is_valid_and_one_character_more_is_not():
    limits.validate_markdown_field("x" * FIELD)
    with pytest.raises(ValidationError, match="20,001 characters long; the most is 20,000"):
        limits.validate_markdown_field("x" * (FIELD + 1))


@pytest.mark.parametrize(
    ("model", "field"), [(Section, "body"), (ShortAnswer, "answer"), (ShortAnswer, "details")]
)
def test_markdown_model_fields_refuse_text_over_the_limit(model, field):
    with pytest.raises(ValidationError) as raised:
        model(**{field: "x" * (FIELD + 1)}).full_clean()
    assert "the most is 20,000" in " ".join(raised.value.message_dict[field])


def test_page_over_the_total_is_a_publish_problem(editor):
    per_section = FIELD - 1000
    count = limits.PAGE_MARKDOWN_MAX_CHARS // per_section + 1
    kinds = ["overview", "symptoms", "causes", "diagnosis", "treatment", "prevention", "complications"]
    condition = make_condition(editor, sections=[(kind, "x " * (per_section // 2)) for kind in kinds[:count]])
    problems = publish_problems(condition)
    assert any("a page may have at most 100,000" in problem for problem in problems), problems


def test_page_within_the_total_has_no_size_problem(editor):
    assert not any("characters long" in problem for problem in publish_problems(make_condition(editor)))


# --- the preview endpoints -----------------------------------------------------------------------


def test_oversize_preview_is_refused_with_the_limit(client, editor):
    client.force_login(editor)
    response = client.post(PREVIEW, {"content": "[a](" * 8000})  # the 32 KB
    assert response.status_code == 413
    assert "32,000 characters long; the most is 20,000" in response.content.decode()
    assert_inert(response.content.decode())


def test_oversize_page_preview_names_the_field(client, editor):
    client.force_login(editor)
    response = client.post(
        PAGE_PREVIEW, {"field": ["sections-0-body", "sections-1-body"], "text": ["ok", "x" * (FIELD + 1)]}
    )
    assert response.status_code == 413
    assert response.json()["field"] == "sections-1-body"
    assert "the most is 20,000" in response.json()["error"]


def test_page_preview_over_the_page_total_is_refused(client, editor):
    client.force_login(editor)
    fields = limits.PAGE_MARKDOWN_MAX_CHARS // FIELD + 1
    response = client.post(
        PAGE_PREVIEW, {"field": [f"sections-{n}-body" for n in range(fields)], "text": ["x" * FIELD] * fields}
    )
    assert response.status_code == 413
    assert response.json()["field"] is None
    assert "a page may have at most 100,000" in response.json()["error"]


def test_preview_out_of_time_answers_422_with_the_reason(client, editor, monkeypatch):
    monkeypatch.setattr(limits, "PREVIEW_BUDGET_SECONDS", 0.0)
    client.force_login(editor)
    response = client.post(PREVIEW, {"content": "Some *text*."})
    assert response.status_code == 422
    assert "too complex to preview in time" in response.content.decode()
    response = client.post(PAGE_PREVIEW, {"field": ["sections-0-body"], "text": ["Some *text*."]})
    assert response.status_code == 422
    assert response.json()["field"] == "sections-0-body"
    assert "too complex to preview in time" in response.json()["error"]


def test_previews_past_the_rate_answer_429_with_retry_after(client, editor, monkeypatch):
    monkeypatch.setattr(limits, "PREVIEWS_PER_MINUTE", 3)
    client.force_login(editor)
    for _ in range(2):
        assert client.post(PREVIEW, {"content": "x"}).status_code == 200
    assert client.post(PAGE_PREVIEW, {"field": ["a"], "text": ["x"]}).status_code == 200
    response = client.post(PAGE_PREVIEW, {"field": ["a"], "text": ["x"]})
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "Previews resume in" in response.json()["error"]
    response = client.post(PREVIEW, {"content": "x"})
    assert response.status_code == 429
    assert "your text is not lost" in response.content.decode()


def test_rate_is_counted_per_editor(client, editor, editor2, monkeypatch):
    monkeypatch.setattr(limits, "PREVIEWS_PER_MINUTE", 1)
    client.force_login(editor)
    client.post(PREVIEW, {"content": "x"})
    assert client.post(PREVIEW, {"content": "x"}).status_code == 429
    client.force_login(editor2)
    assert client.post(PREVIEW, {"content": "x"}).status_code == 200


def test_rendering_time_counts_against_the_rate(client, editor, monkeypatch):
    monkeypatch.setattr(limits, "PREVIEW_SECONDS_PER_MINUTE", 0.05)
    slow = limits.preview_work

    @contextlib.contextmanager
    def taking_a_while(*args, **kwargs):
        with slow(*args, **kwargs) as budget:
            time.sleep(0.06)  # as long as a hard text would take
            yield budget

    monkeypatch.setattr(limits, "preview_work", taking_a_while)
    client.force_login(editor)
    assert client.post(PREVIEW, {"content": "x"}).status_code == 200  # within the rate when asked
    response = client.post(PREVIEW, {"content": "x"})
    assert response.status_code == 429 and "or slow ones" in response.content.decode()


def test_rate_limit_fails_open_with_a_warning_when_the_cache_fails(client, editor, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "incr", broken)
    monkeypatch.setattr(limits, "PREVIEWS_PER_MINUTE", 0)
    client.force_login(editor)
    with caplog.at_level(logging.WARNING, logger="medsite.limits"):
        response = client.post(PREVIEW, {"content": "*x*"})
    assert response.status_code == 200 and "<em>x</em>" in response.content.decode()
    assert [record.getMessage() for record in caplog.records if record.name == "medsite.limits"] == [
        "Preview rate limit skipped: the cache failed (cache down)."
    ]


def test_preview_while_every_slot_is_taken_answers_503(client, editor, monkeypatch):
    monkeypatch.setattr(limits, "PREVIEW_SLOTS", 1)
    client.force_login(editor)
    with limits.preview_slot():
        response = client.post(PREVIEW, {"content": "x"})
        page = client.post(PAGE_PREVIEW, {"field": ["a"], "text": ["x"]})
    assert response.status_code == 503 and response["Retry-After"] == "2"
    assert "Other previews are being made just now" in response.content.decode()
    assert page.status_code == 503 and "Other previews" in page.json()["error"]
    # The slot is free again once its holder is done.
    assert client.post(PREVIEW, {"content": "x"}).status_code == 200


def test_slots_are_let_go_when_a_preview_fails(client, editor, monkeypatch):
    monkeypatch.setattr(limits, "PREVIEW_SLOTS", 1)
    monkeypatch.setattr(limits, "PREVIEW_BUDGET_SECONDS", 0.0)
    client.force_login(editor)
    assert client.post(PREVIEW, {"content": "x"}).status_code == 422
    monkeypatch.setattr(limits, "PREVIEW_BUDGET_SECONDS", 1.0)
    assert client.post(PREVIEW, {"content": "x"}).status_code == 200
