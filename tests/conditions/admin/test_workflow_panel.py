"""The workflow panel on the edit page and the endpoint that runs a step
(conditions/admin/workflow_panel.py): every step the page's state allows, offered or explained;
the confirmation page of taking a page offline and of withdrawing versions; go-live times in the
reader's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conditions import workflow
from conditions.models import Condition, Status
from conditions.permissions import OWN_WORK
from tests.factories import CHECKED, make_condition, publish, reviewed_fields

pytestmark = pytest.mark.django_db


def _change_url(condition: Condition) -> str:
    return reverse("admin:conditions_condition_change", args=[condition.pk])


def _workflow_url(condition: Condition, action: str) -> str:
    return reverse("admin:conditions_condition_workflow", args=[condition.pk, action])


def _confirm_url(condition: Condition, action: str) -> str:
    return reverse("admin:conditions_condition_workflow_confirm", args=[condition.pk, action])


def _live(editor, reviewer) -> Condition:
    condition = make_condition(editor, "Gout")
    publish(condition, editor=editor, reviewer=reviewer)
    return Condition.objects.get(pk=condition.pk)


# --- what the panel offers, and explains ---------------------------------------------------------


def test_approve_on_your_own_edit_says_why_instead_of_disappearing(client, editor, reviewer):
    condition = make_condition(reviewer)
    workflow.submit(condition, by=editor)
    client.force_login(reviewer)
    page = client.get(_change_url(condition)).content.decode()
    assert "Approve this version" in page and OWN_WORK in page
    assert "Approve and publish</button>" not in page
    assert "Request changes</button>" in page  # what the author may still do


def test_an_editor_is_told_who_may_decide(client, editor):
    condition = make_condition(editor)
    workflow.submit(condition, by=editor)
    client.force_login(editor)
    page = client.get(_change_url(condition)).content.decode()
    assert "Only medical reviewers can approve pages for publication." in page
    assert "Only medical reviewers can send a page back with requested changes." in page
    assert "Withdraw from review</button>" in page
    # Steps the page's state rules out for everybody are not listed at all.
    assert "Take the page offline" not in page and "Send to a medical reviewer" not in page


def test_each_step_is_a_box_of_its_own_with_its_own_heading_and_button(client, editor, reviewer):
    condition = make_condition(editor)
    workflow.submit(condition, by=editor)
    client.force_login(reviewer)
    page = client.get(_change_url(condition)).content.decode()
    for name, heading, button in (
        ("request_changes", "Send back to the editors", "Request changes"),
        ("approve", "Approve this version", "Approve and publish"),
        ("withdraw", "Take it back out of review", "Withdraw from review"),
    ):
        start = page.index(f'<h3 id="wf-{name}-heading">{heading}</h3>')
        box = page[start : page.index("</section>", start)]
        assert f">{button}</button>" in box
        assert box.count("</button>") == 1


# --- taking a page offline asks first --------------------------------------------------------------


def test_the_panel_links_to_the_confirmation_page_rather_than_unpublishing(client, editor, reviewer):
    live = _live(editor, reviewer)
    client.force_login(reviewer)
    page = client.get(_change_url(live)).content.decode()
    assert f'href="{_confirm_url(live, "unpublish")}">Unpublish…</a>' in page
    assert f'action="{_workflow_url(live, "unpublish")}"' not in page


def test_the_confirmation_page_says_what_the_public_will_see(client, editor, reviewer):
    live = _live(editor, reviewer)
    client.force_login(reviewer)
    response = client.get(_confirm_url(live, "unpublish"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Take “Gout” offline?" in page
    assert "http://testserver/conditions/gout/" in page and "“410 Gone”" in page
    assert "Search engines drop a page that answers 410" in page
    assert 'name="confirmed" value="yes"' in page
    assert Condition.objects.get(pk=live.pk).live_publication is not None


def test_unpublishing_without_the_confirmation_only_asks(client, editor, reviewer):
    live = _live(editor, reviewer)
    client.force_login(reviewer)
    response = client.post(_workflow_url(live, "unpublish"), {"text": "Outdated."})
    assert response.status_code == 200 and "“410 Gone”" in response.content.decode()
    assert "Outdated." in response.content.decode()  # what was typed, kept for the confirmation
    assert Condition.objects.get(pk=live.pk).live_publication is not None
    assert client.get(live.get_absolute_url()).status_code == 200


def test_a_confirmation_without_a_reason_is_asked_again_and_says_why(client, editor, reviewer):
    live = _live(editor, reviewer)
    client.force_login(reviewer)
    response = client.post(_workflow_url(live, "unpublish"), {"text": "", "confirmed": "yes"})
    page = response.content.decode()
    assert response.status_code == 200 and "Give a reason for taking the page offline." in page
    assert Condition.objects.get(pk=live.pk).live_publication is not None


def test_a_confirmed_unpublish_takes_the_page_offline(client, editor, reviewer):
    live = _live(editor, reviewer)
    client.force_login(reviewer)
    data = {"text": "Outdated.", "confirmed": "yes"}
    response = client.post(_workflow_url(live, "unpublish"), data, follow=True)
    assert "“Gout”: taken offline." in response.content.decode()
    assert Condition.objects.get(pk=live.pk).status == Status.DRAFT
    assert client.get(live.get_absolute_url()).status_code == 410


def test_the_confirmation_page_sends_a_person_who_may_not_back_with_the_reason(client, editor, reviewer):
    live = _live(editor, reviewer)
    client.force_login(editor)
    response = client.get(_confirm_url(live, "unpublish"), follow=True)
    assert response.redirect_chain[-1][0] == _change_url(live)
    assert "You do not have permission to take pages offline." in response.content.decode()


def test_withdrawing_versions_asks_first_too(client, editor, reviewer):
    live = _live(editor, reviewer)
    make_condition(editor, "Gout", slug=live.slug, summary="Revised.")
    publish(live, editor=editor, reviewer=reviewer)
    client.force_login(reviewer)
    page = client.get(_confirm_url(live, "retract")).content.decode()
    assert "Withdraw versions of “Gout” from the public archive?" in page and "cannot be undone" in page
    client.post(_workflow_url(live, "retract"), {"text": "A dosing error.", "retract": ["1"]})
    assert not live.publications.filter(retracted_at__isnull=False).exists()
    data = {"text": "A dosing error.", "retract": ["1"], "confirmed": "yes"}
    client.post(_workflow_url(live, "retract"), data)
    assert list(live.publications.filter(retracted_at__isnull=False).values_list("number", flat=True)) == [1]


# --- go-live times in the reader's time zone ----------------------------------------------------------


def test_a_scheduled_approval_is_confirmed_in_the_readers_zone_named(client, editor, reviewer, settings):
    settings.TIME_ZONE = "Australia/Sydney"
    condition = make_condition(editor)
    workflow.submit(condition, by=editor)
    client.force_login(reviewer)
    year = timezone.now().year + 2
    data = {"kind": "clinical", "attestation": CHECKED, "go_live_at": f"{year}-01-15T09:00"}
    data.update(reviewed_fields(condition))
    text = client.post(_workflow_url(condition, "approve"), data, follow=True).content.decode()
    # Sydney keeps summer time in January: UTC+11.
    pending = Condition.objects.get(pk=condition.pk).scheduled_publication
    assert pending.go_live_at == datetime(year, 1, 14, 22, 0, tzinfo=UTC)
    assert f"it goes live on 15 Jan {year}, 09:00 AEDT (Australia/Sydney)." in text
    assert f"Version 1 goes live on 15 Jan {year}, 09:00 AEDT (Australia/Sydney)." in text


def test_a_go_live_time_already_past_is_refused_with_its_zone(client, editor, reviewer, settings):
    settings.TIME_ZONE = "Europe/London"
    condition = make_condition(editor)
    workflow.submit(condition, by=editor)
    client.force_login(reviewer)
    past = timezone.localtime() - timedelta(days=1)
    data = {"kind": "clinical", "attestation": CHECKED, "go_live_at": f"{past:%Y-%m-%dT%H:%M}"}
    data.update(reviewed_fields(condition))
    page = client.post(_workflow_url(condition, "approve"), data, follow=True).content.decode()
    assert "(Europe/London) has already passed" in page
