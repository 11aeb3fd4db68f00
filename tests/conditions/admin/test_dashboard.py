from __future__ import annotations

import re
from datetime import timedelta

import pytest
import reversion
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conditions import workflow
from conditions.admin.dashboard import PER_PAGE
from conditions.models import Condition, ShortAnswer
from tests.factories import make_condition, publish

pytestmark = pytest.mark.django_db

URL = "/admin/review-dashboard/"


def _get(client, user, query: str = ""):
    client.force_login(user)
    response = client.get(URL + query)
    assert response.status_code == 200
    return response


def _section(response, key: str) -> str:
    """The HTML of one list on the dashboard, or "" when the user is not shown that list."""
    html = response.content.decode()
    match = re.search(rf'<section id="{key}".*?</section>', html, re.DOTALL)
    return match.group(0) if match else ""


def _condition_of(row) -> Condition:
    if isinstance(row, Condition):
        return row
    if hasattr(row, "publication"):
        return row.publication.condition
    return row.condition


def _names(response, key: str) -> list[str]:
    """The conditions on the current page of one list, in order."""
    return [_condition_of(row).name for row in response.context[key].rows]


def _in_review(by, name: str, note: str = "") -> Condition:
    condition = make_condition(by, name)
    workflow.submit(condition, by=by, comment=note)
    return condition


def _due_in(condition: Condition, days: int) -> None:
    Condition.objects.filter(pk=condition.pk).update(next_review_due=timezone.localdate() + timedelta(days))


def _change_url(condition: Condition) -> str:
    return reverse("admin:conditions_condition_change", args=[condition.pk])


# --- access ----------------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_admin_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={URL}"


def test_non_staff_user_is_sent_to_admin_login(client, stranger):
    client.force_login(stranger)
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_without_access_to_condition_pages_is_refused(client, django_user_model):
    staff = django_user_model.objects.create_user("clerk", is_staff=True)
    client.force_login(staff)
    assert client.get(URL).status_code == 403


def test_admin_home_links_to_dashboard(client, editor):
    client.force_login(editor)
    response = client.get(reverse("admin:index"))
    assert f'href="{URL}"' in response.content.decode()


# --- the landing page after logging in -----------------------------------------------------------

PASSWORD = "correct horse battery"  # what tests/conftest.py gives every named user


def _log_in(client, user, **query) -> str:
    """Log in through the admin's own form, as a browser does; where the login sends the user."""
    login = reverse("admin:login")
    form = client.get(login, query).content.decode()
    next_url = re.search(r'name="next" value="([^"]*)"', form).group(1)
    response = client.post(login, {"username": user.username, "password": PASSWORD, "next": next_url})
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


@pytest.mark.parametrize("person", ["editor", "reviewer"])
def test_editors_and_reviewers_land_on_the_dashboard(client, request, person):
    assert _log_in(client, request.getfixturevalue(person)) == URL
    client.logout()
    # Sent to log in on their way to the admin's home, they land here as well.
    assert _log_in(client, request.getfixturevalue(person), next=reverse("admin:index")) == URL


def test_a_page_asked_for_before_logging_in_is_still_reached(client, editor):
    wanted = reverse("admin:conditions_condition_changelist")
    assert _log_in(client, editor, next=wanted) == wanted


def test_superusers_and_staff_without_a_role_land_on_the_admin_home(client, superuser, django_user_model):
    assert _log_in(client, superuser) == reverse("admin:index")
    client.logout()
    clerk = django_user_model.objects.create_user("clerk", password=PASSWORD, is_staff=True)
    assert _log_in(client, clerk) == reverse("admin:index")


# --- awaiting my review ----------------------------------------------------------------------


def test_reviewer_sees_submission_with_submitter_time_and_note(client, editor, reviewer):
    condition = _in_review(editor, "Gout", note="Please check the dosing table.")
    section = _section(_get(client, reviewer), "review")
    assert "Awaiting my review" in section
    assert f'href="{_change_url(condition)}">Gout</a>' in section
    assert "Edna Editor" in section
    assert "Please check the dosing table." in section
    review_url = reverse("admin:conditions_condition_review", args=[condition.pk])
    assert f'href="{review_url}">Review the changes' in section
    submitted = condition.review_events.get(action="submit").created_at
    assert f'datetime="{submitted:%Y-%m-%dT%H:%M:%S%z}"' in section


def test_reviewer_who_edited_the_version_does_not_see_it_but_another_reviewer_does(
    client, editor, reviewer, reviewer2
):
    condition = make_condition(editor, "Gout")
    condition.summary = "Edited by a reviewer."
    with reversion.create_revision():
        workflow.save_draft(condition, by=reviewer)
    workflow.submit(condition, by=editor)

    assert "Gout" not in _section(_get(client, reviewer), "review")
    assert not workflow.can_approve(condition, reviewer)
    assert "Gout" in _section(_get(client, reviewer2), "review")
    assert workflow.can_approve(condition, reviewer2)


def test_reviewer_who_submitted_does_not_see_it(client, reviewer, reviewer2):
    _in_review(reviewer, "Gout")
    assert _names(_get(client, reviewer), "review") == []
    assert _names(_get(client, reviewer2), "review") == ["Gout"]


def test_edits_before_the_last_approval_do_not_count_against_the_reviewer(
    client, reviewer, reviewer2, editor
):
    condition = make_condition(reviewer, "Gout")
    publish(condition, editor=reviewer, reviewer=reviewer2)
    condition.summary = "A second version, by an editor."
    with reversion.create_revision():
        workflow.save_draft(condition, by=editor)
    workflow.submit(condition, by=editor)

    assert workflow.can_approve(condition, reviewer)
    assert _names(_get(client, reviewer), "review") == ["Gout"]


def test_awaiting_review_matches_the_workflow_rule_for_every_page(editor, reviewer, reviewer2):
    # The queryset is the SQL form of workflow.contributors(): it must agree page by page.
    _in_review(editor, "Acne")
    _in_review(reviewer, "Bunions")
    make_condition(editor, "Cystitis")  # a draft: nobody can approve it
    listed = set(Condition.objects.awaiting_review_by(reviewer))
    for condition in Condition.objects.all():
        assert (condition in listed) == workflow.can_approve(condition, reviewer), condition


def test_editors_are_not_shown_the_review_list(client, editor):
    _in_review(editor, "Gout")
    response = _get(client, editor)
    assert "review" not in response.context
    assert "Awaiting my review" not in response.content.decode()


def test_empty_review_list_says_so(client, reviewer):
    assert "No pages are waiting for your review." in _section(_get(client, reviewer), "review")


# --- my drafts -------------------------------------------------------------------------------


def test_my_drafts_lists_my_unapproved_edits_with_state(client, editor, editor2, reviewer):
    make_condition(editor, "Acne")
    _in_review(editor, "Bunions")
    live = make_condition(editor, "Cystitis")
    publish(live, editor=editor, reviewer=reviewer)
    approved = make_condition(editor, "Dandruff")
    publish(approved, editor=editor, reviewer=reviewer)
    live.summary = "A second version."
    with reversion.create_revision():
        workflow.save_draft(live, by=editor)
    make_condition(editor2, "Eczema")

    response = _get(client, editor)
    assert sorted(_names(response, "drafts")) == ["Acne", "Bunions", "Cystitis"]
    section = _section(response, "drafts")
    assert re.search(r"Bunions</a></th>\s*<td>In expert review</td>\s*<td>No</td>", section)
    assert re.search(r"Cystitis</a></th>\s*<td>Draft</td>\s*<td>Yes, an earlier version</td>", section)
    assert "Dandruff" not in section
    assert "Eczema" not in section


def test_empty_drafts_list_says_so(client, editor2, editor):
    make_condition(editor, "Acne")
    assert "None of your edits is waiting" in _section(_get(client, editor2), "drafts")


# --- changes requested of me -----------------------------------------------------------------


def test_changes_requested_show_reviewer_comment_to_the_editor(client, editor, editor2, reviewer):
    condition = _in_review(editor, "Gout")
    workflow.request_changes(condition, by=reviewer, comment="Add the 2023 guideline on urate targets.")

    section = _section(_get(client, editor), "changes")
    assert f'href="{_change_url(condition)}">Gout</a>' in section
    assert "Rita Reviewer, MD" in section
    assert "Add the 2023 guideline on urate targets." in section
    assert "Gout" not in _section(_get(client, editor2), "changes")


def test_changes_requested_leave_the_list_once_the_editor_edits_again(client, editor, reviewer):
    condition = _in_review(editor, "Gout")
    workflow.request_changes(condition, by=reviewer, comment="Add a diagnosis section.")
    condition.summary = "Revised."
    with reversion.create_revision():
        workflow.save_draft(condition, by=editor)
    section = _section(_get(client, editor), "changes")
    assert "Gout" not in section
    assert "No reviewer has asked you for changes." in section


# --- review due, recently published, short answers, scheduled --------------------------------


def test_review_due_lists_overdue_and_soon_live_pages_soonest_first(client, editor, reviewer):
    for name, days in [("Acne", 10), ("Bunions", -3), ("Cystitis", 60)]:
        condition = make_condition(editor, name)
        publish(condition, editor=editor, reviewer=reviewer)
        _due_in(condition, days)
    draft = make_condition(editor, "Dandruff")
    _due_in(draft, -5)  # never published: no public page to review

    response = _get(client, editor)
    assert _names(response, "due") == ["Bunions", "Acne"]
    section = _section(response, "due")
    assert "3 days overdue" in section
    assert "Due in 10 days" in section
    assert "Rita Reviewer, MD" in section


def test_recently_published_shows_kind_and_approver_newest_first(client, editor, reviewer, reviewer2):
    first = make_condition(editor, "Acne")
    publish(first, editor=editor, reviewer=reviewer)
    second = make_condition(editor, "Bunions")
    publish(second, editor=editor, reviewer=reviewer2)

    response = _get(client, editor)
    assert _names(response, "published") == ["Bunions", "Acne"]
    section = _section(response, "published")
    assert "Clinical review" in section
    assert "Ravi Reviewer, MBBS" in section
    assert f'href="{_change_url(second)}">Bunions</a>' in section


def test_short_answers_to_recheck_link_to_their_page(client, editor):
    condition = make_condition(
        editor, "Gout", short_answers=[("Is gout curable?", "It can be controlled.", "")]
    )
    make_condition(editor, "Acne", short_answers=[("Does diet cause acne?", "Rarely.", "")])
    ShortAnswer.objects.filter(condition=condition).update(needs_review=True)

    section = _section(_get(client, editor), "answers")
    assert f'href="{_change_url(condition)}">Gout</a>' in section
    assert "Is gout curable?" in section
    assert "Does diet cause acne?" not in section


def test_scheduled_publications_show_their_go_live_time(client, editor, reviewer):
    go_live_at = timezone.now() + timedelta(days=2)
    condition = make_condition(editor, "Gout")
    publish(condition, editor=editor, reviewer=reviewer, go_live_at=go_live_at)

    response = _get(client, editor)
    section = _section(response, "scheduled")
    assert f'href="{_change_url(condition)}">Gout</a>' in section
    assert f'datetime="{go_live_at:%Y-%m-%dT%H:%M:%S%z}"' in section
    assert "Gout" not in _section(response, "published")


def test_every_list_has_a_heading_and_an_empty_state(client, reviewer):
    response = _get(client, reviewer)
    for key in ("review", "drafts", "changes", "due", "published", "answers", "scheduled"):
        section = _section(response, key)
        assert f'<h2 id="{key}-heading">' in section
        assert "<table" not in section
        assert "<p>" in section


# --- pagination ------------------------------------------------------------------------------


def test_each_list_pages_on_its_own(client, editor, reviewer):
    names = [f"Condition {n:02d}" for n in range(PER_PAGE + 5)]
    for name in names:
        _in_review(editor, name)

    first = _get(client, reviewer)
    assert _names(first, "review") == names[:PER_PAGE]
    section = _section(first, "review")
    assert '<nav class="paginator medsite-pager" aria-label="Awaiting my review: pages">' in section
    assert 'href="?review_page=2#review" rel="next"' in section
    assert "Page 1 of 2" in section

    second = _get(client, reviewer, "?review_page=2&due_page=1")
    assert _names(second, "review") == names[PER_PAGE:]
    section = _section(second, "review")
    assert "Condition 24" in section and "Condition 00" not in section
    # The previous-page link keeps the other lists where they were.
    assert 'href="?review_page=1&amp;due_page=1#review" rel="prev"' in section


def test_a_bad_page_number_shows_the_first_page(client, editor, reviewer):
    _in_review(editor, "Gout")
    assert _names(_get(client, reviewer, "?review_page=nonsense"), "review") == ["Gout"]


# --- queries ---------------------------------------------------------------------------------


def _fill_every_list(rows: int, *, viewer, editor, other_reviewer) -> None:
    """``rows`` entries in each of the seven lists, as ``viewer`` (a reviewer) sees them."""
    soon = timezone.now() + timedelta(days=1)
    for n in range(rows):
        _in_review(editor, f"Awaiting {n}")
        sent_back = _in_review(viewer, f"Sent back {n}")  # in "my drafts" and "changes requested"
        workflow.request_changes(sent_back, by=other_reviewer, comment=f"Fix {n}")
        live = make_condition(editor, f"Live {n}", short_answers=[(f"Question {n}?", "Answer.", "")])
        publish(live, editor=editor, reviewer=other_reviewer)
        _due_in(live, n - 2)
        publish(
            make_condition(editor, f"Scheduled {n}"), editor=editor, reviewer=other_reviewer, go_live_at=soon
        )
    ShortAnswer.objects.update(needs_review=True)


@pytest.mark.parametrize("rows", [3, 25])
def test_dashboard_queries_do_not_grow_with_rows(client, rows, editor, reviewer, reviewer2):
    _fill_every_list(rows, viewer=reviewer, editor=editor, other_reviewer=reviewer2)
    client.force_login(reviewer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    for key in ("review", "drafts", "changes", "due", "published", "answers", "scheduled"):
        assert len(response.context[key].rows) == min(rows, PER_PAGE), key
    # session, user, the user's permissions and group permissions (4); then per list a count and
    # a page (7 x 2), plus one query for the submissions of "awaiting my review" and one for the
    # requests of "changes requested of me" on the page (2).
    assert len(queries) == 4 + 14 + 2, "\n".join(q["sql"] for q in queries.captured_queries)
