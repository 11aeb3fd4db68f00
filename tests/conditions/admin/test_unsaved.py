"""A workflow step posted with the edit form saves the form first (conditions/admin/unsaved.py)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from reversion.models import Version

from conditions.models import Status
from tests.factories import make_condition

from .test_conditions import _change_url, _form_data

pytestmark = pytest.mark.django_db


def _sections(condition, overview: str):
    return [
        (s.pk, s.kind, overview if s.kind == "overview" else s.body, s.position)
        for s in condition.sections.all()
    ]


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_step_posted_with_the_form_saves_then_takes_it(client, editor):
    condition = make_condition(editor, "Bursitis")
    versions = Version.objects.get_for_object(condition).count()
    client.force_login(editor)
    data = _form_data(
        condition,
        sections=_sections(condition, "Typed, then submitted."),
        _workflow_step="submit",
        **{"_workflow-text": "Please check the new overview."},
    )

    response = client.post(_change_url(condition), data)

    assert response.status_code == 302
    assert response["Location"] == _change_url(condition)
    condition.refresh_from_db()
    assert condition.status == Status.EXPERT_REVIEW
    assert condition.sections.get(kind="overview").body == "Typed, then submitted."
    # A version for the save, then one for the step, which carries the step's own note.
    assert Version.objects.get_for_object(condition).count() == versions + 2
    assert condition.review_events.order_by("-pk").first().comment == "Please check the new overview."
    assert _messages(response) == [
        "Your changes to “Bursitis” were saved (a new version in the history).",
        "“Bursitis”: submitted for expert review.",
    ]


def test_a_refused_step_still_keeps_the_saved_changes(client, editor):
    condition = make_condition(editor, "Bursitis")
    client.force_login(editor)
    # An empty overview fails the publish gate: the save goes through, the submission does not.
    data = _form_data(condition, sections=_sections(condition, ""), _workflow_step="submit")

    response = client.post(_change_url(condition), data)

    assert response.status_code == 302
    condition.refresh_from_db()
    assert condition.status == Status.DRAFT
    assert condition.sections.get(kind="overview").body == ""
    saved, refused = _messages(response)
    assert saved.startswith("Your changes to “Bursitis” were saved")
    assert "empty" in refused.lower()


def test_a_failed_save_takes_no_step(client, editor):
    condition = make_condition(editor, "Bursitis")
    client.force_login(editor)
    data = _form_data(
        condition, slug="not a slug!", sections=_sections(condition, "Typed."), _workflow_step="submit"
    )

    response = client.post(_change_url(condition), data)

    assert response.status_code == 200
    assert "Typed." in response.content.decode()
    assert _messages(response)[0].startswith(
        "Your changes could not be saved, so “Submit for expert review” was not done."
    )
    condition.refresh_from_db()
    assert condition.status == Status.DRAFT
    assert condition.sections.get(kind="overview").body != "Typed."


def test_a_step_the_user_may_not_take_is_refused_after_the_save(client, editor):
    condition = make_condition(editor, "Bursitis")
    client.force_login(editor)
    data = _form_data(condition, sections=_sections(condition, "Typed."), _workflow_step="approve")

    response = client.post(_change_url(condition), data)

    assert response.status_code == 302
    condition.refresh_from_db()
    assert condition.status == Status.DRAFT
    assert condition.sections.get(kind="overview").body == "Typed."
    assert len(_messages(response)) == 2


def test_an_unknown_step_is_a_plain_save(client, editor):
    condition = make_condition(editor, "Bursitis")
    client.force_login(editor)
    data = _form_data(condition, sections=_sections(condition, "Typed."), _workflow_step="publish_now")

    response = client.post(_change_url(condition), data)

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:conditions_condition_changelist")
    condition.refresh_from_db()
    assert condition.status == Status.DRAFT
    assert condition.sections.get(kind="overview").body == "Typed."
