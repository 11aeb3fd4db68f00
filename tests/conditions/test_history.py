"""Revert and recovery from version history, and edit conflicts, through the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse
from reversion.models import Version

from conditions import history, workflow
from conditions.content import ConditionData, SectionData, ShortAnswerData, write_condition
from conditions.models import Condition, Status
from references.models import ConditionReference
from tests.factories import make_condition, make_reference, publish

pytestmark = pytest.mark.django_db


def _versions(condition):
    return list(Version.objects.get_for_object(condition).order_by("pk"))


def _write(condition, by, **parts):
    write_condition(ConditionData(name=condition.name, slug=condition.slug, **parts), by=by, comment="edit")


def test_revert_restores_order_of_sections_answers_and_references(editor):
    for key in ("a2020", "b2020", "c2020"):
        make_reference(key)
    condition = make_condition(
        editor,
        sections=[("overview", "One."), ("symptoms", "Two."), ("causes", "Three.")],
        short_answers=[("First?", "1.", ""), ("Second?", "2.", "")],
        reference_keys=["a2020", "b2020", "c2020"],
    )
    original = _versions(condition)[0]
    _write(
        condition,
        editor,
        sections=[
            SectionData("causes", "Three."),
            SectionData("overview", "One, changed."),
            SectionData("other", "New."),
        ],
        short_answers=[ShortAnswerData("Second?", "2."), ShortAnswerData("First?", "1.")],
        reference_keys=["c2020", "a2020"],
    )
    history.revert(original, by=editor)
    condition.refresh_from_db()
    assert [(s.kind, s.body) for s in condition.sections.all()] == [
        ("overview", "One."),
        ("symptoms", "Two."),
        ("causes", "Three."),
    ]
    assert [a.question for a in condition.short_answers.all()] == ["First?", "Second?"]
    assert [link.reference.key for link in ConditionReference.objects.filter(condition=condition)] == [
        "a2020",
        "b2020",
        "c2020",
    ]


def test_revert_is_a_new_draft_recorded_with_user_and_comment(editor, editor2, reviewer):
    condition = make_condition(editor, sections=[("overview", "Reviewed text.")])
    publication = publish(condition, editor=editor, reviewer=reviewer)
    first = _versions(condition)[0]
    _write(condition, editor, sections=[SectionData("overview", "Newer text.")])
    restored = history.revert(first, by=editor2)
    assert restored.status == Status.DRAFT
    assert restored.live_publication == publication
    assert restored.last_reviewed_on is not None
    latest = _versions(condition)[-1].revision
    assert latest.user == editor2 and latest.get_comment().startswith("Restored the version saved on")
    event = restored.review_events.first()
    assert (event.action, event.actor) == ("edit", editor2)
    # The editor who reverted edited this version: they cannot approve it themselves.
    assert editor2.pk in workflow.contributors(restored)


def test_revert_refused_while_in_review(editor):
    condition = make_condition(editor)
    first = _versions(condition)[0]
    workflow.submit(condition, by=editor)
    with pytest.raises(workflow.WorkflowError, match="in expert review"):
        history.revert(first, by=editor)


def test_revert_needs_edit_rights(editor, stranger):
    condition = make_condition(editor)
    with pytest.raises(workflow.WorkflowError, match="permission"):
        history.revert(_versions(condition)[0], by=stranger)


def test_recover_deleted_condition_through_admin(client, editor, superuser):
    condition = make_condition(editor, name="Deleted by mistake", sections=[("overview", "Keep me.")])
    pk = condition.pk
    client.force_login(superuser)
    delete = client.post(reverse("admin:conditions_condition_delete", args=[pk]), {"post": "yes"})
    assert delete.status_code == 302
    assert not Condition.objects.filter(pk=pk).exists()
    recover_list = client.get(reverse("admin:conditions_condition_recoverlist")).content.decode()
    assert "Deleted by mistake" in recover_list
    version = Version.objects.get_deleted(Condition).get(object_id=str(pk))
    response = client.post(reverse("admin:conditions_condition_recover", args=[version.pk]), {})
    assert response.status_code == 302
    recovered = Condition.objects.get(pk=pk)
    assert recovered.status == Status.DRAFT and recovered.live_publication is None
    assert recovered.sections.get().body == "Keep me."
    assert recovered.review_events.first().actor == superuser


def test_editors_cannot_delete_or_recover(client, editor):
    condition = make_condition(editor)
    client.force_login(editor)
    assert (
        client.post(
            reverse("admin:conditions_condition_delete", args=[condition.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert Condition.objects.filter(pk=condition.pk).exists()


def test_published_condition_cannot_be_deleted_in_admin(client, editor, reviewer, superuser):
    condition = make_condition(editor)
    publish(condition, editor=editor, reviewer=reviewer)
    client.force_login(superuser)
    page = client.post(reverse("admin:conditions_condition_delete", args=[condition.pk]), {"post": "yes"})
    assert page.status_code == 200
    assert "Cannot delete condition" in page.content.decode()
    assert Condition.objects.filter(pk=condition.pk).exists()


def test_stale_admin_form_keeps_section_text_typed_by_second_editor(client, editor, editor2):
    condition = make_condition(editor, sections=[("overview", "Shared starting text.")])
    section = condition.sections.get()

    def form(body, summary):
        return {
            "name": condition.name,
            "slug": condition.slug,
            "also_called": "",
            "summary": summary,
            "review_interval_months": 36,
            "source_updated_on": "",
            "lock_version_seen": 0,
            "sections-TOTAL_FORMS": 1,
            "sections-INITIAL_FORMS": 1,
            "sections-0-id": section.pk,
            "sections-0-condition": condition.pk,
            "sections-0-kind": "overview",
            "sections-0-heading": "",
            "sections-0-body": body,
            "sections-0-position": 0,
            "short_answers-TOTAL_FORMS": 0,
            "short_answers-INITIAL_FORMS": 0,
            "condition_references-TOTAL_FORMS": 0,
            "condition_references-INITIAL_FORMS": 0,
        }

    url = reverse("admin:conditions_condition_change", args=[condition.pk])
    client.force_login(editor)
    assert client.post(url, form("First editor's paragraph.", "First summary.")).status_code == 302
    client.force_login(editor2)
    response = client.post(url, form("Second editor's long careful paragraph.", "Second summary."))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Edna Editor saved this page after you opened it" in page
    assert "Second editor&#x27;s long careful paragraph." in page
    section.refresh_from_db()
    assert section.body == "First editor's paragraph."
    condition.refresh_from_db()
    assert condition.summary == "First summary." and condition.lock_version == 1


def _admin_history_queries(client, condition):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:conditions_condition_history", args=[condition.pk]))
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_admin_history_page_uses_constant_queries(client, editor):
    short = make_condition(editor, name="Few versions")
    long = make_condition(editor, name="Many versions")
    for n in range(10):
        _write(long, editor, summary=f"Edition {n}.")
    client.force_login(editor)
    few, _ = _admin_history_queries(client, short)
    many, page = _admin_history_queries(client, long)
    assert "Compare selected versions" in page
    assert few == many
