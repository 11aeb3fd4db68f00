"""What the public sees is exactly what a second medical reviewer read and approved.

One test per route by which ordinary accounts could once publish unreviewed text, or approve
their own: each reproduces the route and asserts it is closed.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from io import StringIO

import pytest
import reversion
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.core.mail import BadHeaderError
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw
from reversion.models import Version

from conditions import history, workflow
from conditions.content import ConditionData, SectionData, write_condition
from conditions.models import Condition, Publication, Section, Status
from conditions.workflow import StaleDecision, WorkflowError
from images import library, renditions, usage
from images.models import Image
from images.processing import ImageRefused
from medsite import audit
from medsite.audit.models import AuditRecord
from references.models import Reference
from tests.factories import CHECKED, make_condition, make_image, make_reference, publish, reviewed_fields

pytestmark = pytest.mark.django_db

HARMFUL = "Take ten times the usual dose."
CHANGED_SINCE_SUBMITTED = "or a reference or image it shows, changed after it was submitted"


def _write(condition: Condition, by, *, body: str | None = None, **fields) -> None:
    data = ConditionData(name=condition.name, slug=condition.slug, **fields)
    if body is not None:
        data.sections = [SectionData("overview", body)]
    write_condition(data, by=by, comment="Edited")
    condition.refresh_from_db()


def _workflow_url(condition: Condition, action: str) -> str:
    return reverse("admin:conditions_condition_workflow", args=[condition.pk, action])


def _review_url(condition: Condition) -> str:
    return reverse("admin:conditions_condition_review", args=[condition.pk])


def _decision_fields(page: str) -> dict[str, str]:
    """The hidden version fields of the approve form on a rendered review screen."""
    found = dict(re.findall(r'name="(reviewed_revision|reviewed_hash)" value="([^"]*)"', page))
    assert set(found) == {"reviewed_revision", "reviewed_hash"}, "the review screen names its version"
    return found


# --- 1. a decision is bound to the version the reviewer read ---------------------------------


def test_an_approve_form_opened_before_a_resubmission_is_refused(client, editor, reviewer):
    condition = make_condition(editor, sections=[("overview", "Take the usual dose.")])
    workflow.submit(condition, by=editor)
    client.force_login(reviewer)
    opened = _decision_fields(client.get(_review_url(condition)).content.decode())

    workflow.withdraw(condition, by=editor)
    _write(condition, editor, body=HARMFUL)
    workflow.submit(condition, by=editor)

    data = {"kind": "clinical", "attestation": CHECKED, **opened}
    response = client.post(_workflow_url(condition, "approve"), data, follow=True)
    page = response.content.decode()
    assert "changed after you opened it" in page and "Your decision was not recorded" in page
    assert response.redirect_chain[-1][0] == _review_url(condition)  # shown the new comparison
    assert HARMFUL in page  # ... which has the new text in it
    condition.refresh_from_db()
    assert condition.status == Status.EXPERT_REVIEW and not condition.publications.exists()
    assert client.get("/conditions/example-syndrome/").status_code == 404

    # Read again, the new version can be decided on.
    current = _decision_fields(client.get(_review_url(condition)).content.decode())
    assert current != opened
    client.post(_workflow_url(condition, "request_changes"), {"text": "No.", **current})
    condition.refresh_from_db()
    assert condition.status == Status.DRAFT


def test_a_request_for_changes_on_an_older_version_is_refused(editor, reviewer):
    condition = make_condition(editor)
    workflow.submit(condition, by=editor)
    seen = workflow.reviewed_version(condition)
    workflow.withdraw(condition, by=editor)
    _write(condition, editor, summary="Rewritten.")
    workflow.submit(condition, by=editor)
    with pytest.raises(StaleDecision, match="changed after you opened it"):
        workflow.request_changes(condition, by=reviewer, comment="Fine otherwise.", reviewed=seen)
    assert condition.review_events.filter(action="request_changes").count() == 0


def test_a_decision_naming_no_version_is_refused_in_the_admin(client, editor, reviewer):
    condition = make_condition(editor)
    workflow.submit(condition, by=editor)
    client.force_login(reviewer)
    page = client.post(
        _workflow_url(condition, "approve"), {"kind": "clinical", "attestation": CHECKED}, follow=True
    ).content.decode()
    assert "does not say which version" in page
    assert not Publication.objects.exists()


def test_the_publication_records_and_is_built_from_the_submitted_revision(editor, reviewer):
    condition = make_condition(editor, sections=[("overview", "Rest the joint.")])
    workflow.submit(condition, by=editor)
    submission = condition.review_events.get(action="submit")
    publication = workflow.approve(
        condition, by=reviewer, attestation=CHECKED, reviewed=workflow.reviewed_version(condition)
    )
    assert publication.content_revision_id == submission.revision_id
    assert publication.content_hash == submission.content_hash
    assert "Rest the joint." in publication.html


def test_text_changed_behind_the_workflow_during_review_is_never_approved(editor, reviewer):
    condition = make_condition(editor, sections=[("overview", "Rest the joint.")])
    workflow.submit(condition, by=editor)
    # A write that skips every form and guard (a shell, a bug): the working copy is no longer
    # what was submitted.
    Section.objects.filter(condition=condition).update(body=HARMFUL)
    with pytest.raises(WorkflowError, match="changed after it was submitted"):
        workflow.approve(condition, by=reviewer, attestation=CHECKED)
    assert not Publication.objects.exists()


# --- 2. references a page in review shows are frozen ----------------------------------------


def _in_review_citing(editor, key: str = "lee2019") -> tuple[Condition, Reference]:
    reference = make_reference(key, title="Shin pain in runners", url="https://journal.example/lee")
    condition = make_condition(editor, sections=[("overview", f"Common in runners [@{key}].")])
    workflow.submit(condition, by=editor)
    return condition, reference


def test_the_admin_refuses_to_edit_a_reference_a_page_in_review_shows(client, editor):
    _, reference = _in_review_citing(editor)
    client.force_login(editor)
    form = {
        "key": reference.key,
        "kind": reference.kind,
        "title": "Ask the forum",
        "url": "https://forum.example/",
    }
    page = client.post(
        reverse("admin:references_reference_change", args=[reference.pk]), form
    ).content.decode()
    assert "shown by pages in expert review" in page and "“Example syndrome”" in page
    reference.refresh_from_db()
    assert reference.title == "Shin pain in runners"


def test_an_import_refuses_to_update_a_reference_a_page_in_review_shows(tmp_path, editor):
    _in_review_citing(editor, "smith2020")
    Reference.objects.filter(key="smith2020").update(doi="10.1000/shin.2020")
    bib = tmp_path / "refs.bib"
    # The same work (its title with a subtitle added), so the change is an update, not a conflict.
    bib.write_text(
        "@article{smith2020,\n  title = {Shin pain in runners: a cohort study},\n"
        "  doi = {10.1000/shin.2020},\n}\n"
    )
    with pytest.raises(Exception, match="shown by pages in expert review"):
        call_command("import_references", str(bib), stdout=StringIO(), stderr=StringIO())
    assert Reference.objects.get(key="smith2020").title == "Shin pain in runners"


def test_a_reference_changed_behind_the_workflow_during_review_is_never_approved(editor, reviewer):
    condition, reference = _in_review_citing(editor)
    Reference.objects.filter(pk=reference.pk).update(title="Ask the forum", url="https://forum.example/")
    with pytest.raises(WorkflowError, match=CHANGED_SINCE_SUBMITTED):
        workflow.approve(condition, by=reviewer, attestation=CHECKED)


def test_a_reviewer_who_edited_a_reference_the_page_shows_cannot_approve_it(editor, reviewer, reviewer2):
    reference = make_reference("lee2019", title="Shin pain in runners")
    condition = make_condition(editor, sections=[("overview", "Common in runners [@lee2019].")])
    with reversion.create_revision():
        reversion.set_user(reviewer)
        reference.title = "Shin pain in runners: a forum thread"
        reference.save()
    workflow.submit(condition, by=editor)
    with pytest.raises(WorkflowError, match="another medical reviewer"):
        workflow.approve(condition, by=reviewer, attestation=CHECKED)
    publication = workflow.approve(condition, by=reviewer2, attestation=CHECKED)
    assert "a forum thread" in publication.html  # what reviewer2 read and approved


# --- 3. the API serves only what was approved ---------------------------------------------


def test_the_api_serves_the_reference_fields_as_approved(client, editor, reviewer):
    make_reference(
        "smith2020",
        title="Flushing in practice",
        authors="Smith A\nBrown C",
        container_title="J Flush",
        year=2020,
    )
    condition = make_condition(
        editor, name="Carcinoid syndrome", sections=[("overview", "Flushing [@smith2020].")]
    )
    publish(condition, editor=editor, reviewer=reviewer)
    Reference.objects.filter(key="smith2020").update(
        title="Unreviewed title", authors="Nobody N", container_title="Forum", year=1999
    )
    [reference] = client.get("/api/conditions/carcinoid-syndrome/").json()["references"]
    assert (reference["title"], reference["authors"], reference["container_title"], reference["year"]) == (
        "Flushing in practice",
        ["Smith A", "Brown C"],
        "J Flush",
        2020,
    )


# --- 4. a cancelled scheduled approval resets nothing -----------------------------------------


def test_a_cancelled_schedule_does_not_let_the_writer_approve_his_own_text(
    client, editor, reviewer, reviewer2
):
    author, other = reviewer, reviewer2
    condition = make_condition(author, sections=[("overview", "Written by the first reviewer.")])
    workflow.submit(condition, by=author)
    workflow.approve(condition, by=other, attestation=CHECKED, go_live_at=timezone.now() + timedelta(days=3))
    workflow.cancel_schedule(condition, by=author)
    workflow.submit(condition, by=editor)  # unchanged
    assert not workflow.can_approve(condition, author)
    with pytest.raises(WorkflowError, match="another medical reviewer"):
        workflow.approve(condition, by=author, attestation=CHECKED)
    assert "Rita Reviewer" not in client.get("/conditions/example-syndrome/").content.decode()


# --- 5. restoring an old version keeps its authorship -----------------------------------------


def test_restoring_a_version_does_not_let_its_writer_approve_it(editor, reviewer, reviewer2):
    author, other = reviewer, reviewer2
    condition = make_condition(author, sections=[("overview", "The first reviewer's text.")])
    first = Version.objects.get_for_object(condition).order_by("pk").first()
    _write(condition, editor, body="The editor's text.")
    publish(condition, editor=editor, reviewer=other)
    history.revert(first, by=editor)
    workflow.submit(condition, by=editor)
    assert not workflow.can_approve(condition, author)
    with pytest.raises(WorkflowError, match="another medical reviewer"):
        workflow.approve(condition, by=author, attestation=CHECKED)
    assert (
        workflow.approve(condition, by=other, attestation=CHECKED).reviewed_by_name == "Ravi Reviewer, MBBS"
    )


def test_text_already_approved_and_live_does_not_block_its_writer(editor, reviewer, reviewer2):
    condition = make_condition(reviewer, sections=[("overview", "Reviewed words.")])
    publish(condition, editor=reviewer, reviewer=reviewer2)
    _write(condition, editor, summary="A new summary.")
    workflow.submit(condition, by=editor)
    assert workflow.can_approve(condition, reviewer)  # their words were reviewed and went live


# --- 6. reverting a page leaves shared references alone -----------------------------------------


def test_reverting_a_page_does_not_revert_a_reference_saved_in_the_same_revision(editor, reviewer):
    reference = make_reference("lee2019", title="Shin pain in runers")
    with reversion.create_revision():  # an import saves the page and its references together
        reversion.set_user(editor)
        reference.save()
        condition = make_condition(editor, sections=[("overview", "Common [@lee2019].")])
    imported = Version.objects.get_for_object(condition).order_by("pk").first()
    with reversion.create_revision():
        reversion.set_user(reviewer)
        reference.title = "Shin pain in runners"  # a correction other pages rely on
        reference.save()
    _write(condition, editor, body="Rewritten [@lee2019].")

    history.revert(imported, by=editor)
    reference.refresh_from_db()
    assert reference.title == "Shin pain in runners"
    assert Section.objects.get(condition=condition).body == "Common [@lee2019]."
    revert = AuditRecord.objects.get(action=audit.Action.REVERT)
    assert revert.target == str(condition)
    assert not AuditRecord.objects.filter(content_type=ContentType.objects.get_for_model(Reference)).exists()


# --- 7. addresses change by review -------------------------------------------------------------


def _rename(condition: Condition, slug: str, *, by) -> None:
    """A change of the working copy's slug alone, saved as every edit is."""
    condition.refresh_from_db()
    condition.slug = slug
    with transaction.atomic(), reversion.create_revision():
        workflow.save_draft(condition, by=by, comment="Renamed")
    condition.refresh_from_db()


def test_slugs_alone_cannot_swap_two_public_pages(client, editor, reviewer):
    children = make_condition(editor, name="Dosing for children", slug="dose-children")
    adults = make_condition(
        editor, name="Dosing for adults", slug="dose-adults", sections=[("overview", HARMFUL)]
    )
    publish(children, editor=editor, reviewer=reviewer)
    publish(adults, editor=editor, reviewer=reviewer)
    _rename(children, "dose-children-old", by=editor)
    _rename(adults, "dose-children", by=editor)

    page = client.get("/conditions/dose-children/")
    assert page.status_code == 200 and HARMFUL not in page.content.decode()
    assert client.get("/api/conditions/dose-children/").json()["name"] == "Dosing for children"
    assert client.get("/conditions/dose-children-old/").status_code == 404

    workflow.submit(adults, by=editor)
    client.force_login(reviewer)
    review = client.get(_review_url(adults)).content.decode()
    assert "is the public address of “Dosing for children”" in review
    with pytest.raises(WorkflowError, match="belongs to the published page “Dosing for children”"):
        workflow.approve(adults, by=reviewer, attestation=CHECKED)
    assert client.get("/api/conditions/dose-children/").json()["name"] == "Dosing for children"


def test_an_address_that_served_a_page_changes_hands_only_by_an_approval_that_shows_it(
    client, editor, reviewer, django_capture_on_commit_callbacks
):
    old = make_condition(editor, name="Old page", slug="shared-address")
    publish(old, editor=editor, reviewer=reviewer)
    _rename(old, "old-page", by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        publish(old, editor=editor, reviewer=reviewer)
    newcomer = make_condition(editor, name="New page", slug="shared-address")
    assert client.get("/conditions/shared-address/")["Location"] == "/conditions/old-page/"
    workflow.submit(newcomer, by=editor)
    client.force_login(reviewer)
    review = client.get(_review_url(newcomer)).content.decode()
    assert "used to be the address of “Old page”" in review
    assert "/conditions/shared-address/" in review  # the address is part of the comparison
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve(newcomer, by=reviewer, attestation=CHECKED)
    assert client.get("/conditions/shared-address/").context["condition"] == newcomer


def test_a_withdrawn_page_keeps_its_address_gone_until_a_review_gives_it_away(client, editor, reviewer):
    gone = make_condition(editor, name="Withdrawn page", slug="a-page")
    publish(gone, editor=editor, reviewer=reviewer)
    workflow.unpublish(gone, by=reviewer, reason="Superseded.")
    _rename(gone, "withdrawn-page", by=editor)
    assert client.get("/conditions/a-page/").status_code == 410
    other = make_condition(editor, name="Another page", slug="a-page")
    assert client.get("/conditions/a-page/").status_code == 410
    workflow.submit(other, by=editor)
    client.force_login(reviewer)
    assert "was the address of “Withdrawn page”" in client.get(_review_url(other)).content.decode()


# --- 9. a retracted version never comes back --------------------------------------------------


def test_a_retracted_version_answers_410_with_its_reason_and_is_listed_as_withdrawn(
    client, editor, reviewer, django_capture_on_commit_callbacks
):
    condition = make_condition(editor, name="Gout", sections=[("overview", "Rest the joint.")])
    publish(condition, editor=editor, reviewer=reviewer)
    _write(condition, editor, body=HARMFUL)
    publish(condition, editor=editor, reviewer=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.unpublish(condition, by=reviewer, reason="A dosing error.", retract=[2])
    _write(condition, editor, body="Take the usual dose.")
    with django_capture_on_commit_callbacks(execute=True):
        publish(condition, editor=editor, reviewer=reviewer)

    archived = client.get("/conditions/gout/history/2/")
    text = archived.content.decode()
    assert archived.status_code == 410 and HARMFUL not in text
    assert "withdrawn" in text and "A dosing error." in text
    assert timezone.localdate().strftime("%Y-%m-%d") in text
    listing = client.get("/conditions/gout/history/").content.decode()
    assert "Version 2 <strong>(withdrawn)</strong>" in listing and "A dosing error." in listing
    assert 'href="/conditions/gout/history/2/"' not in listing
    assert client.get("/conditions/gout/history/1/").status_code == 200
    feed = client.get("/feeds/updates/").content.decode()
    assert f"publication/{condition.publications.get(number=2).pk}" not in feed
    assert HARMFUL not in client.get("/api/conditions/gout/").content.decode()
    assert HARMFUL not in client.get("/search/", {"q": "ten times"}).content.decode()


def test_earlier_versions_can_be_retracted_from_a_live_page_but_not_the_live_one(client, editor, reviewer):
    condition = make_condition(editor, name="Gout")
    publish(condition, editor=editor, reviewer=reviewer)
    _write(condition, editor, summary="Corrected.")
    publish(condition, editor=editor, reviewer=reviewer)
    with pytest.raises(WorkflowError, match="unpublish the page"):
        workflow.retract(condition, by=reviewer, numbers=[2], reason="Wrong.")
    with pytest.raises(WorkflowError, match="permission"):
        workflow.retract(condition, by=editor, numbers=[1], reason="Wrong.")
    assert workflow.retract(condition, by=reviewer, numbers=[1], reason="An unsafe table.") == [1]
    assert client.get("/conditions/gout/history/1/").status_code == 410
    assert client.get("/conditions/gout/").status_code == 200


def test_a_retracted_version_approval_does_not_count_as_review(editor, reviewer, reviewer2):
    condition = make_condition(reviewer, sections=[("overview", "Words by the first reviewer.")])
    publish(condition, editor=reviewer, reviewer=reviewer2)
    workflow.unpublish(condition, by=reviewer2, reason="Unsafe.", retract=[1])
    workflow.submit(condition, by=editor)
    assert not workflow.can_approve(condition, reviewer)


# --- 10. smaller holes -------------------------------------------------------------------------


def test_a_failing_notification_never_fails_a_committed_approval(
    client, editor, reviewer, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.MEDSITE_NOTIFICATIONS = True
    condition = make_condition(editor)
    # A name from before names were checked, with a line break: a mail header refuses it.
    Condition.objects.filter(pk=condition.pk).update(name="Example\r\nsyndrome")

    def refuse(*args, **kwargs):
        raise BadHeaderError("Header values can't contain newlines")

    monkeypatch.setattr("conditions.notifications.send_mail", refuse)
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(_workflow_url(condition, "submit")).status_code == 302
    assert client.get("/conditions/").status_code == 200  # cached A–Z, before the approval
    client.force_login(reviewer)
    data = {"kind": "clinical", "attestation": CHECKED, **reviewed_fields(condition)}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(_workflow_url(condition, "approve"), data).status_code == 302
    client.logout()
    assert "syndrome" in client.get("/conditions/").content.decode()  # the cache was retired


def test_notification_subjects_are_one_line(
    editor, reviewer, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.MEDSITE_NOTIFICATIONS = True
    reviewer.email = "rita@example.org"
    reviewer.save()
    condition = make_condition(editor)
    Condition.objects.filter(pk=condition.pk).update(name="Example\nsyndrome")
    condition.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(condition, by=editor)
    assert [mail.subject for mail in mailoutbox] == ["[MedSite] Please review: Example syndrome"]


@pytest.mark.parametrize(
    "past",
    [
        lambda now: now - timedelta(minutes=5),
        lambda now: now - timedelta(days=1),
        lambda now: now.replace(year=1),
    ],
)
def test_a_go_live_time_in_the_past_is_refused(editor, reviewer, past):
    condition = make_condition(editor)
    workflow.submit(condition, by=editor)
    when = past(timezone.now())
    with pytest.raises(WorkflowError, match="has already passed"):
        workflow.approve(condition, by=reviewer, attestation=CHECKED, go_live_at=when)
    assert not Publication.objects.exists()


# --- 11. images are reviewed with the page that shows them ----------------------------------------


def _drawing(colour: tuple[int, int, int], size: tuple[int, int] = (900, 600)) -> bytes:
    """A made-up sketch: a pale ground, a coloured joint, a bar under it (PNG bytes)."""
    picture = PILImage.new("RGB", size, (244, 240, 232))
    draw = ImageDraw.Draw(picture)
    w, h = size
    draw.ellipse((w * 0.3, h * 0.25, w * 0.7, h * 0.65), fill=colour)
    draw.rectangle((w * 0.2, h * 0.8, w * 0.8, h * 0.85), fill=(40, 40, 40))
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def _edit_image(image: Image, *, by, **fields) -> None:
    """A change of an image's fields, saved with its history as the library's form saves it."""
    for name, value in fields.items():
        setattr(image, name, value)
    with reversion.create_revision():
        reversion.set_user(by)
        image.save()


def _showing_image(editor, key: str = "swollen-toe") -> Condition:
    return make_condition(
        editor, name="Gout", sections=[("overview", f"The joint swells.\n\n![](image:{key})")]
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"alt": "A big toe, red and swollen at its base"},
        {"caption": "The first attack often starts at night."},
        {"credit": "Another Clinic"},
        {"licence": "cc-by-sa-4.0"},
        {"sha256": "f" * 64, "width": 1200, "height": 800},  # a new file
    ],
    ids=["alt", "caption", "credit", "licence", "file"],
)
def test_a_reviewer_who_changed_an_image_the_page_shows_cannot_approve_it(
    editor, reviewer, reviewer2, fields
):
    image = make_image("swollen-toe", alt="A swollen toe")
    condition = _showing_image(editor)
    _edit_image(image, by=reviewer, **fields)
    workflow.submit(condition, by=editor)
    assert not workflow.can_approve(condition, reviewer)
    with pytest.raises(WorkflowError, match="another medical reviewer"):
        workflow.approve(condition, by=reviewer, attestation=CHECKED)
    publication = workflow.approve(condition, by=reviewer2, attestation=CHECKED)
    shown = publication.page.images[0]
    assert (shown.alt, shown.caption, shown.credit, shown.licence) == (
        image.alt,
        image.caption,
        image.credit,
        image.licence,
    )
    assert image.sha256 in shown.src


def test_an_image_change_already_approved_and_live_does_not_block_its_writer(editor, reviewer, reviewer2):
    image = make_image("swollen-toe", alt="A swollen toe")
    condition = _showing_image(editor)
    _edit_image(image, by=reviewer, alt="A big toe, red and swollen")
    publish(condition, editor=editor, reviewer=reviewer2)
    _write(
        condition,
        editor,
        summary="Sudden pain in a joint.",
        body="The joint swells.\n\n![](image:swollen-toe)",
    )
    workflow.submit(condition, by=editor)
    assert workflow.can_approve(condition, reviewer)  # their alt text was reviewed and went live


def test_an_image_a_page_in_review_shows_cannot_change_and_its_submission_is_published(
    editor, reviewer, media_root
):
    image = library.add_image(
        _drawing((200, 40, 40)),
        title="Swollen toe",
        key="swollen-toe",
        alt="A swollen toe",
        licence="cc-by-4.0",
        by=editor,
    )
    submitted_sha = image.sha256
    condition = _showing_image(editor)
    workflow.submit(condition, by=editor)
    with pytest.raises(ImageRefused, match="shown by pages in expert review \\(“Gout”\\)"):
        library.replace_file(image, _drawing((40, 40, 200)), by=editor)
    assert usage.refusal_change(image) is not None  # what the library's form asks before a save
    image.refresh_from_db()
    assert image.sha256 == submitted_sha
    publication = workflow.approve(condition, by=reviewer, attestation=CHECKED)
    assert submitted_sha in publication.html and publication.page.images[0].alt == "A swollen toe"


def test_an_image_changed_behind_the_workflow_during_review_is_never_approved(editor, reviewer):
    image = make_image("swollen-toe", alt="A swollen toe")
    condition = _showing_image(editor)
    workflow.submit(condition, by=editor)
    Image.objects.filter(pk=image.pk).update(alt="An unreviewed description")
    with pytest.raises(WorkflowError, match=CHANGED_SINCE_SUBMITTED):
        workflow.approve(condition, by=reviewer, attestation=CHECKED)
    assert not Publication.objects.exists()


def test_replacing_an_image_leaves_the_approved_page_byte_for_byte_unchanged_until_approved_again(
    client, editor, reviewer, settings, media_root, django_capture_on_commit_callbacks
):
    image = library.add_image(
        _drawing((200, 40, 40)),
        title="Swollen toe",
        key="swollen-toe",
        alt="A swollen toe",
        credit="Example Clinic",
        licence="cc-by-4.0",
        by=editor,
    )
    old = renditions.url(renditions.renditions(image.sha256, image.format, image.width, image.height)[0].name)
    condition = _showing_image(editor)
    with django_capture_on_commit_callbacks(execute=True):
        publish(condition, editor=editor, reviewer=reviewer)
    before = client.get("/conditions/gout/")
    api_before = client.get("/api/conditions/gout/").content
    assert before.status_code == 200
    assert old in before.content.decode() and 'alt="A swollen toe"' in before.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        image = library.replace_file(image, _drawing((40, 40, 200), size=(1000, 700)), by=editor)
        _edit_image(image, by=editor, alt="A big toe, red and swollen at its base")
    new = renditions.url(renditions.renditions(image.sha256, image.format, image.width, image.height)[0].name)
    assert new != old
    caches["default"].clear()  # rendered again from the publication, not served from the cache
    after = client.get("/conditions/gout/")
    assert after.content == before.content
    assert client.get("/api/conditions/gout/").content == api_before
    assert (media_root / old.removeprefix(settings.MEDIA_URL)).is_file()  # its files are still served

    _write(
        condition,
        editor,
        summary="Sudden pain in a joint.",
        body="The joint swells.\n\n![](image:swollen-toe)",
    )
    with django_capture_on_commit_callbacks(execute=True):
        publish(condition, editor=editor, reviewer=reviewer)
    page = client.get("/conditions/gout/").content.decode()
    assert new in page and old not in page
    assert 'alt="A big toe, red and swollen at its base"' in page
