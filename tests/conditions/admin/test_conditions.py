from __future__ import annotations

import re

import pytest
from django.urls import reverse
from reversion.models import Version

from conditions.models import Condition, Status
from tests.factories import CHECKED, make_condition, make_reference, publish, reviewed_fields

pytestmark = pytest.mark.django_db


def _change_url(condition):
    return reverse("admin:conditions_condition_change", args=[condition.pk])


def _workflow_url(condition, action):
    return reverse("admin:conditions_condition_workflow", args=[condition.pk, action])


def _form_data(condition, **overrides):
    """The change form as the browser would post it, with the sections given."""
    sections = overrides.pop(
        "sections", [(s.pk, s.kind, s.body, s.position) for s in condition.sections.all()]
    )
    data = {
        "name": condition.name,
        "slug": condition.slug,
        "also_called": condition.also_called,
        "summary": condition.summary,
        "review_interval_months": condition.review_interval_months,
        "source_updated_on": "",
        "lock_version_seen": condition.lock_version,
        "sections-TOTAL_FORMS": len(sections),
        "sections-INITIAL_FORMS": sum(1 for s in sections if s[0]),
        "short_answers-TOTAL_FORMS": 0,
        "short_answers-INITIAL_FORMS": 0,
        "condition_references-TOTAL_FORMS": 0,
        "condition_references-INITIAL_FORMS": 0,
    }
    for i, (pk, kind, body, position) in enumerate(sections):
        data.update(
            {
                f"sections-{i}-id": pk or "",
                f"sections-{i}-condition": condition.pk,
                f"sections-{i}-kind": kind,
                f"sections-{i}-heading": "",
                f"sections-{i}-body": body,
                f"sections-{i}-position": position,
            }
        )
    data.update(overrides)
    return data


def test_editor_adds_condition_with_sections_through_admin(client, editor):
    client.force_login(editor)
    data = {
        "name": "Shin splints",
        "slug": "shin-splints",
        "also_called": "Medial tibial stress syndrome",
        "summary": "Pain along the shin bone after exercise.",
        "review_interval_months": 36,
        "source_updated_on": "",
        "lock_version_seen": "",
        "sections-TOTAL_FORMS": 2,
        "sections-INITIAL_FORMS": 0,
        "sections-0-kind": "overview",
        "sections-0-heading": "",
        "sections-0-body": "Pain along the inner edge of the shin.",
        "sections-0-position": 0,
        "sections-1-kind": "symptoms",
        "sections-1-heading": "",
        "sections-1-body": "- **Aching.** Worse when running.",
        "sections-1-position": 1,
        "short_answers-TOTAL_FORMS": 0,
        "short_answers-INITIAL_FORMS": 0,
        "condition_references-TOTAL_FORMS": 0,
        "condition_references-INITIAL_FORMS": 0,
    }
    response = client.post(reverse("admin:conditions_condition_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    condition = Condition.objects.get(slug="shin-splints")
    assert condition.status == Status.DRAFT
    assert [s.kind for s in condition.sections.all()] == ["overview", "symptoms"]
    assert condition.created_by == editor
    version = Version.objects.get_for_object(condition).get()
    assert version.revision.user == editor
    assert condition.review_events.get().action == "edit"


def test_edit_through_admin_bumps_lock_and_makes_draft(client, editor, reviewer):
    condition = make_condition(editor)
    publish(condition, editor=editor, reviewer=reviewer)
    condition.refresh_from_db()
    client.force_login(editor)
    response = client.post(_change_url(condition), _form_data(condition, summary="A clearer summary."))
    assert response.status_code == 302
    condition.refresh_from_db()
    assert condition.summary == "A clearer summary."
    assert condition.status == Status.DRAFT
    assert condition.lock_version == 1
    assert condition.live_publication is not None


def test_stale_form_is_refused_and_keeps_what_was_typed(client, editor, editor2):
    condition = make_condition(editor)
    stale = _form_data(condition, summary="Second editor's careful wording.")
    client.force_login(editor)
    assert (
        client.post(_change_url(condition), _form_data(condition, summary="First editor wins.")).status_code
        == 302
    )
    client.force_login(editor2)
    response = client.post(_change_url(condition), stale)
    assert response.status_code == 200
    text = response.content.decode()
    assert "saved this page after you opened it" in text
    assert "Second editor&#x27;s careful wording." in text
    condition.refresh_from_db()
    assert condition.summary == "First editor wins."


def test_page_in_review_is_read_only_in_admin(client, editor):
    condition = make_condition(editor)
    client.force_login(editor)
    client.post(_workflow_url(condition, "submit"), {"text": ""})
    condition.refresh_from_db()
    assert condition.status == Status.EXPERT_REVIEW
    page = client.get(_change_url(condition))
    assert page.status_code == 200
    assert "cannot be edited" in page.content.decode()
    response = client.post(_change_url(condition), _form_data(condition, summary="Changed in review"))
    assert response.status_code == 403
    condition.refresh_from_db()
    assert condition.summary == "A condition used in tests."


def test_workflow_buttons_follow_predicates(client, editor, reviewer):
    condition = make_condition(editor)
    client.force_login(editor)
    page = client.get(_change_url(condition)).content.decode()
    assert "Submit for expert review" in page
    assert "Approve and publish" not in page
    client.post(_workflow_url(condition, "submit"), {"text": "Please check the causes."})
    page = client.get(_change_url(condition)).content.decode()
    assert "Withdraw from review" in page
    assert "Approve and publish" not in page
    client.force_login(reviewer)
    page = client.get(_change_url(condition)).content.decode()
    assert "Approve and publish" in page
    assert "Request changes" in page


def test_reviewer_approves_through_admin_and_public_page_appears(client, editor, reviewer):
    condition = make_condition(editor)
    client.force_login(editor)
    client.post(_workflow_url(condition, "submit"))
    client.force_login(reviewer)
    version = reviewed_fields(condition)
    unticked = client.post(_workflow_url(condition, "approve"), {"kind": "clinical", **version}, follow=True)
    assert "needs every item of the review checklist" in unticked.content.decode()
    assert client.get(condition.get_absolute_url()).status_code == 404
    data = {"kind": "clinical", "text": "First review", "attestation": CHECKED, **version}
    response = client.post(_workflow_url(condition, "approve"), data, follow=True)
    assert "“Example syndrome”: approved." in response.content.decode()
    public = client.get(condition.get_absolute_url())
    assert public.status_code == 200
    assert "Rita Reviewer, MD" in public.content.decode()


def test_workflow_error_is_shown_not_raised(client, editor, reviewer):
    condition = make_condition(reviewer)
    client.force_login(reviewer)
    client.post(_workflow_url(condition, "submit"))
    response = client.post(_workflow_url(condition, "approve"), {"kind": "clinical"}, follow=True)
    assert response.status_code == 200
    assert "another medical reviewer must approve it" in response.content.decode()
    condition.refresh_from_db()
    assert condition.status == Status.EXPERT_REVIEW


def test_crafted_post_cannot_bypass_roles(client, editor):
    condition = make_condition(editor)
    client.force_login(editor)
    client.post(_workflow_url(condition, "submit"))
    response = client.post(_workflow_url(condition, "approve"), {"kind": "clinical"}, follow=True)
    assert "Only medical reviewers" in response.content.decode()
    condition.refresh_from_db()
    assert condition.live_publication is None


def test_workflow_endpoint_is_post_only_and_staff_only(client, editor, stranger):
    condition = make_condition(editor)
    client.force_login(editor)
    assert client.get(_workflow_url(condition, "submit")).status_code == 405
    assert client.post(_workflow_url(condition, "explode")).status_code == 403
    client.force_login(stranger)
    response = client.post(_workflow_url(condition, "submit"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.logout()
    response = client.post(_workflow_url(condition, "submit"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    condition.refresh_from_db()
    assert condition.status == Status.DRAFT


def test_preview_renders_draft_for_staff_only(client, editor, stranger):
    make_reference("lee2019", title="Shin pain in runners")
    condition = make_condition(
        editor, sections=[("overview", "Common in runners [@lee2019] and [@missing].")]
    )
    url = reverse("admin:conditions_condition_preview", args=[condition.pk])
    client.force_login(editor)
    page = client.get(url).content.decode()
    assert "Preview." in page
    assert "Shin pain in runners" in page
    assert 'class="citation-unknown"' in page
    assert "[@missing]" in page
    client.force_login(stranger)
    assert client.get(url).status_code == 302
    client.logout()
    assert client.get(url).status_code == 302
    assert client.get(condition.get_absolute_url()).status_code == 404


def test_reference_search_in_admin(client, editor):
    make_reference("okafor2022", title="Gout flares and diet", authors="Okafor A")
    client.force_login(editor)
    response = client.get(reverse("admin:references_reference_changelist"), {"q": "Okafor"})
    assert "okafor2022" in response.content.decode()


def test_condition_changelist_filters(client, editor, reviewer):
    live = make_condition(editor, name="Alpha fever")
    publish(live, editor=editor, reviewer=reviewer)
    make_condition(editor, name="Beta cough")
    client.force_login(editor)
    url = reverse("admin:conditions_condition_changelist")
    page = client.get(url, {"live": "yes"}).content.decode()
    assert "Alpha fever" in page and "Beta cough" not in page
    page = client.get(url, {"status": "draft"}).content.decode()
    assert "Beta cough" in page and "Alpha fever" not in page


def test_revert_restores_content_as_draft_without_touching_public_page(client, editor, reviewer):
    condition = make_condition(editor, sections=[("overview", "Original overview.")])
    publication = publish(condition, editor=editor, reviewer=reviewer)
    first_version = Version.objects.get_for_object(condition).order_by("pk").first()
    condition.refresh_from_db()
    client.force_login(editor)
    sections = [(s.pk, s.kind, "Rewritten overview.", s.position) for s in condition.sections.all()]
    assert client.post(_change_url(condition), _form_data(condition, sections=sections)).status_code == 302
    url = reverse("admin:conditions_condition_revision", args=[condition.pk, first_version.pk])
    response = client.post(url, {})
    assert response.status_code == 302
    condition.refresh_from_db()
    assert condition.sections.get().body == "Original overview."
    assert condition.status == Status.DRAFT
    assert condition.live_publication == publication
    assert condition.review_events.first().comment.startswith("Restored the version saved on")


def test_change_page_uses_markdown_editor_with_our_preview_endpoint(client, editor):
    condition = make_condition(editor)
    client.force_login(editor)
    page = client.get(_change_url(condition)).content.decode()
    assert 'data-markdownx-urls-path="/editor/markdownify/"' in page
    assert "markdownx-preview" in page
    assert "Preview as the public will see it" in page


def test_admin_history_lists_revisions_with_comments(client, editor, reviewer):
    condition = make_condition(editor)
    publish(condition, editor=editor, reviewer=reviewer, comment="Checked against the guideline")
    client.force_login(editor)
    page = client.get(reverse("admin:conditions_condition_history", args=[condition.pk])).content.decode()
    assert "Checked against the guideline" in page
    assert "Submitted for expert review" in page


def test_admin_history_is_paged_newest_first(client, editor, monkeypatch):
    monkeypatch.setattr("conditions.admin.conditions.HISTORY_PER_PAGE", 2)
    for n in range(5):
        condition = make_condition(editor, slug="paged", summary=f"Edition {n}.")
    newest_first = Version.objects.get_for_object(condition).order_by("-pk").values_list("pk", flat=True)
    versions = list(newest_first)
    url = reverse("admin:conditions_condition_history", args=[condition.pk])
    client.force_login(editor)
    first, last = client.get(url).content.decode(), client.get(url + "?p=3").content.decode()
    assert f'name="to" value="{versions[0]}"' in first and f'value="{versions[1]}"' in first
    assert f'value="{versions[2]}"' not in first
    assert f'value="{versions[-1]}"' in last
    assert '<a href="?p=2">2</a>' in first and "5 versions" in first


def test_admin_refuses_a_name_with_a_line_break_and_says_why(client, editor):
    condition = make_condition(editor, "Gout")
    client.force_login(editor)
    data = _form_data(condition, name="Gout\r\nBcc: everyone@example.org")
    data["sections-0-heading"] = "Over\tview"
    response = client.post(_change_url(condition), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Write this on one line, without line breaks, tabs or other control characters" in text
    assert "U+000D (carriage return)" in text
    assert "U+0009 (tab)" in text
    condition.refresh_from_db()
    assert condition.name == "Gout"
    assert condition.lock_version == 0


# --- one voice: history entries, view on site, people's names ----------------------------------


def _as_the_browser_posts(page, **changes) -> dict:
    """The edit page's whole form (page, sections, short answers, listed references) as it was
    rendered, posted back the way a browser does: text areas' line breaks as "\\r\\n"."""
    data = {}
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(name): management[name].value() for name in management.fields})
        forms += inline.formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is not None:
                data[form.add_prefix(name)] = value.replace("\n", "\r\n") if isinstance(value, str) else value
    return {**data, **changes}


def test_history_names_only_what_an_admin_save_changed(client, editor):
    condition = make_condition(
        editor,
        sections=[("overview", "An overview.\n\nIn two paragraphs."), ("symptoms", "- Tiredness\n- Fever")],
        short_answers=[("Is it common?", "Yes.\n\nVery.", "")],
    )
    client.force_login(editor)
    page = client.get(_change_url(condition))
    response = client.post(_change_url(condition), _as_the_browser_posts(page, summary="A clearer summary."))
    assert response.status_code == 302
    latest = Version.objects.get_for_object(condition).order_by("-pk").first().revision
    assert latest.get_comment() == "Changed: summary."
    history = client.get(reverse("admin:conditions_condition_history", args=[condition.pk])).content.decode()
    assert "Changed: summary." in history and "section “Symptoms” (" not in history
    # Stored as it was typed, so the next comparison (and who wrote what) sees no change either.
    assert [s.body for s in condition.sections.all()] == [
        "An overview.\n\nIn two paragraphs.",
        "- Tiredness\n- Fever",
    ]


def test_history_names_the_section_an_admin_save_changed(client, editor):
    condition = make_condition(editor)
    client.force_login(editor)
    page = client.get(_change_url(condition))
    client.post(_change_url(condition), _as_the_browser_posts(page, **{"sections-1-body": "- Fever"}))
    latest = Version.objects.get_for_object(condition).order_by("-pk").first().revision
    assert latest.get_comment() == "Changed: section “Symptoms” (text)."


def test_view_on_site_only_for_a_live_page_and_preview_otherwise(client, editor, reviewer):
    draft = make_condition(editor, "Draft page")
    live = make_condition(editor, "Live page")
    publish(live, editor=editor, reviewer=reviewer)
    client.force_login(editor)
    draft_page = client.get(_change_url(draft)).content.decode()
    assert "View on site" not in draft_page
    preview = reverse("admin:conditions_condition_preview", args=[draft.pk])
    assert f'<a href="{preview}" class="viewsitelink">Preview</a>' in draft_page
    live_page = client.get(_change_url(live)).content.decode()
    assert f'<a href="{live.get_absolute_url()}" class="viewsitelink">View on site</a>' in live_page
    assert 'class="viewsitelink">Preview</a>' not in live_page


def test_review_log_and_last_editor_are_named_as_everywhere_else(client, editor, reviewer):
    condition = make_condition(editor)
    publish(condition, editor=editor, reviewer=reviewer)
    client.force_login(reviewer)
    page = client.get(_change_url(condition)).content.decode()
    assert "Approved by Rita Reviewer, MD" in page
    assert "Submitted for review by Edna Editor" in page
    assert "by rita" not in page and "by edna" not in page
    last_saved_by = re.search(r'Last saved by:</label>\s*<div class="readonly">([^<]*)</div>', page)
    assert last_saved_by and last_saved_by.group(1) == "Edna Editor", last_saved_by
