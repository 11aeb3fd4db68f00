"""Retraction checks against a local fake of Crossref only: these tests never reach the internet."""

from __future__ import annotations

import html
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from conditions import workflow
from conditions.approval import CHECKLIST, RETRACTIONS
from conditions.content import ConditionData, SectionData, write_condition
from conditions.errors import WorkflowError
from conditions.models import Condition, Status
from references.models import NoticeKind, Reference
from references.retractions import Notice, check_retractions, most_serious, notices_of
from tests.factories import CHECKED, make_condition, make_reference, publish, reviewed_fields
from tests.references import fake_services as fake

pytestmark = pytest.mark.django_db


@pytest.fixture
def services():
    with fake.serving(REFERENCE_LOOKUP_TIMEOUT=1) as server:
        yield server


def test_a_retraction_watch_notice_in_updated_by_is_found(services):
    notices = notices_of(fake.RETRACTED_DOI) or []

    retraction = Notice(
        NoticeKind.RETRACTION, fake.RETRACTION_NOTICE_DOI, date(2017, 6, 2), "retraction-watch"
    )
    assert retraction in notices
    assert most_serious(notices) == retraction


def test_a_publishers_notice_only_found_by_searching_updates_is_found(services):
    notices = notices_of(fake.CORRECTED_DOI)

    assert notices == [
        Notice(NoticeKind.CORRECTION, fake.CORRECTION_NOTICE_DOI, date(2019, 1, 8), "publisher")
    ]
    paths = [path for path, _ in services.requests]
    assert any("filter=updates%3A10.5555%2Fjcm.2018.0330" in path for path in paths)


def test_a_work_with_no_notice_has_none(services):
    assert notices_of(fake.CLEAN_DOI) == []


def test_a_doi_crossref_does_not_know_is_none(services):
    assert notices_of("10.5555/datacite.elsewhere") is None


def test_a_reinstatement_after_a_retraction_cancels_it():
    retracted = Notice(NoticeKind.RETRACTION, "10.1/r", date(2019, 1, 1))
    corrected = Notice(NoticeKind.CORRECTION, "10.1/c", date(2018, 1, 1))
    reinstated = Notice("reinstatement", "10.1/back", date(2020, 1, 1))

    assert most_serious([corrected, retracted]) == retracted
    assert most_serious([corrected, retracted, reinstated]) == corrected


def _run(*args: str) -> str:
    out = StringIO()
    call_command("check_citations", "--retractions", *args, stdout=out)
    return out.getvalue()


def _cite(editor, reviewer, *references: Reference, name: str, published: bool = True):
    body = "An overview. " + " ".join(f"[@{ref.key}]" for ref in references)
    condition = make_condition(editor, name, sections=[("overview", body)])
    if published:
        publish(condition, editor=editor, reviewer=reviewer)
    return condition


def test_check_citations_reports_retracted_works_with_their_published_pages_and_fails(
    services, editor, reviewer
):
    retracted = make_reference("brandt2015", doi=fake.RETRACTED_DOI)
    corrected = make_reference("footwear2018", doi=fake.CORRECTED_DOI)
    clean = make_reference("hydration2020", doi=fake.CLEAN_DOI)
    _cite(editor, reviewer, retracted, corrected, clean, name="Night cramps")
    _cite(editor, reviewer, corrected, name="Falls in older people", published=False)

    out = StringIO()
    with pytest.raises(CommandError, match="1 citation problem found"):
        call_command("check_citations", "--retractions", stdout=out)
    lines = out.getvalue().splitlines()

    assert "Cited works that were retracted (1):" in lines
    assert (
        f"  brandt2015 (DOI {fake.RETRACTED_DOI}): Retraction {fake.RETRACTION_NOTICE_DOI}, 2 Jun 2017; "
        "published on “Night cramps” version 1; shown by the working copies of “Night cramps”"
    ) in lines
    assert "Cited works with an expression of concern or a correction (for information) (1):" in lines
    assert (
        f"  footwear2018 (DOI {fake.CORRECTED_DOI}): Correction {fake.CORRECTION_NOTICE_DOI}, 8 Jan 2019"
        in lines
    )
    assert not any("hydration2020" in line for line in lines)
    # Stored on the references, for the admin and the publish gate.
    retracted.refresh_from_db()
    assert (retracted.notice_kind, retracted.notice_doi) == ("retraction", fake.RETRACTION_NOTICE_DOI)
    assert retracted.notice_date == date(2017, 6, 2) and retracted.notices_checked_at is not None
    clean.refresh_from_db()
    assert clean.notice_kind == "" and clean.notices_checked_at is not None


def test_corrections_alone_do_not_fail_the_check(services, editor, reviewer):
    _cite(editor, reviewer, make_reference("footwear2018", doi=fake.CORRECTED_DOI), name="Falls")

    output = _run()

    assert "Correction 10.5555/jcm.2019.0012" in output
    assert "No citation problems found." in output


def test_only_cited_references_are_asked_about(services, editor, reviewer):
    make_reference("brandt2015", doi=fake.RETRACTED_DOI)  # cited nowhere: listed as unused instead
    _cite(editor, reviewer, make_reference("hydration2020", doi=fake.CLEAN_DOI), name="Kidney stones")

    report = check_retractions()

    assert [item.reference.key for item in report.checked] == ["hydration2020"]


def test_a_doi_that_could_not_be_checked_is_a_problem_and_keeps_the_stored_notice(services, editor, reviewer):
    broken = make_reference("flaky2020", doi="10.5555/fault.server-error", notice_kind=NoticeKind.CORRECTION)
    _cite(editor, reviewer, broken, name="Flaky page")

    out = StringIO()
    with pytest.raises(CommandError, match="1 citation problem found"):
        call_command("check_citations", "--retractions", stdout=out)

    assert "DOIs that could not be checked for retractions (1):" in out.getvalue()
    assert (
        "flaky2020 (DOI 10.5555/fault.server-error): Crossref answered with an error (HTTP 503)"
        in out.getvalue()
    )
    broken.refresh_from_db()
    assert broken.notice_kind == NoticeKind.CORRECTION and broken.notices_checked_at is None


def test_a_retraction_withdrawn_by_crossref_is_cleared(services, editor, reviewer):
    once = make_reference("hydration2020", doi=fake.CLEAN_DOI, notice_kind=NoticeKind.RETRACTION)
    _cite(editor, reviewer, once, name="Kidney stones", published=False)

    check_retractions()

    once.refresh_from_db()
    assert once.notice_kind == "" and once.notice_doi == ""


def test_storing_a_notice_makes_no_new_version_of_the_reference(services, editor, reviewer):
    from reversion.models import Version

    retracted = make_reference("brandt2015", doi=fake.RETRACTED_DOI)
    _cite(editor, reviewer, retracted, name="Night cramps")
    versions = Version.objects.get_for_object(retracted).count()

    check_retractions()

    assert Version.objects.get_for_object(retracted).count() == versions


# --- the publish gate ---------------------------------------------------------------------------


def _in_review_citing_retracted(editor):
    retracted = make_reference(
        "brandt2015",
        doi=fake.RETRACTED_DOI,
        notice_kind=NoticeKind.RETRACTION,
        notice_doi=fake.RETRACTION_NOTICE_DOI,
        notice_date=date(2017, 6, 2),
    )
    condition = make_condition(editor, "Night cramps", sections=[("overview", "Cramps [@brandt2015].")])
    workflow.submit(condition, by=editor)
    return condition, retracted


REFUSAL = (
    "This page cites work that was retracted: “brandt2015” (Retraction 10.5555/jcm.2017.0201, 2 Jun 2017). "
    "Remove or replace the citation, or confirm in the checklist that it is cited knowingly."
)


def test_approval_of_a_page_citing_a_retracted_work_is_refused_naming_it(editor, reviewer):
    condition, _ = _in_review_citing_retracted(editor)

    with pytest.raises(WorkflowError) as refusal:
        workflow.approve(condition, by=reviewer, attestation=CHECKED)

    assert str(refusal.value) == REFUSAL
    condition.refresh_from_db()
    assert condition.status == Status.EXPERT_REVIEW and condition.live_publication is None


def test_an_editorial_approval_is_refused_too(editor, reviewer, reviewer2):
    condition, _ = _in_review_citing_retracted(editor)
    # A first clinical review with the acknowledgement, then an editorial change without one.
    workflow.approve(condition, by=reviewer, attestation=[*CHECKED, RETRACTIONS])
    page = ConditionData(
        name=condition.name,
        slug=condition.slug,
        summary="Cramps at night.",
        sections=[SectionData(kind="overview", body="Cramps at night [@brandt2015].")],
    )
    write_condition(page, by=editor, comment="Wording")
    workflow.submit(condition, by=editor)

    with pytest.raises(WorkflowError, match="retracted"):
        workflow.approve(condition, by=reviewer2, kind="editorial")


def test_an_acknowledged_retraction_is_approved_and_the_statement_stored(editor, reviewer):
    condition, _ = _in_review_citing_retracted(editor)

    publication = workflow.approve(condition, by=reviewer, attestation=[*CHECKED, RETRACTIONS])

    assert publication.attestation[RETRACTIONS].startswith(
        "This page cites work that was retracted: “brandt2015” "
        "(Retraction 10.5555/jcm.2017.0201, 2 Jun 2017). I have read the notice"
    )
    assert {key: publication.attestation[key] for key in CHECKLIST} == CHECKLIST


def test_a_page_citing_nothing_retracted_needs_no_acknowledgement(editor, reviewer):
    make_reference("fine2020", doi=fake.CLEAN_DOI, notice_kind=NoticeKind.CORRECTION)
    condition = make_condition(editor, "Stones", sections=[("overview", "Drink water [@fine2020].")])
    workflow.submit(condition, by=editor)

    publication = workflow.approve(condition, by=reviewer, attestation=CHECKED)

    assert publication.attestation == CHECKLIST


def _workflow_url(condition, action: str) -> str:
    return reverse("admin:conditions_condition_workflow", args=[condition.pk, action])


def test_the_admin_offers_the_extra_item_only_when_needed_and_refuses_without_it(client, editor, reviewer):
    condition, _ = _in_review_citing_retracted(editor)
    other = make_condition(editor, "Stones")
    workflow.submit(other, by=editor)
    client.force_login(reviewer)

    page = client.get(reverse("admin:conditions_condition_change", args=[condition.pk])).content.decode()
    plain = client.get(reverse("admin:conditions_condition_change", args=[other.pk])).content.decode()
    assert f'value="{RETRACTIONS}"' in page
    assert "This page cites work that was retracted: “brandt2015”" in page
    assert f'value="{RETRACTIONS}"' not in plain
    review = client.get(reverse("admin:conditions_condition_review", args=[condition.pk])).content.decode()
    assert f'value="{RETRACTIONS}"' in review  # the review screen's approval asks it too

    data = {"kind": "clinical", "attestation": CHECKED, **reviewed_fields(condition)}
    refused = client.post(_workflow_url(condition, "approve"), data, follow=True).content.decode()
    assert REFUSAL in html.unescape(refused)
    assert Condition.objects.get(pk=condition.pk).live_publication is None

    data["attestation"] = [*CHECKED, RETRACTIONS]
    client.post(_workflow_url(condition, "approve"), data, follow=True)
    assert Condition.objects.get(pk=condition.pk).live_publication is not None


# --- the notice in the reference admin ------------------------------------------------------------


def test_the_reference_admin_shows_a_retraction_prominently(services, client, editor, reviewer):
    retracted = make_reference("brandt2015", doi=fake.RETRACTED_DOI)
    _cite(editor, reviewer, retracted, name="Night cramps", published=False)
    check_retractions()
    client.force_login(editor)

    page = client.get(reverse("admin:references_reference_change", args=[retracted.pk])).content.decode()

    notice = page[page.index('id="medsite-notice"') : page.index("</ul>", page.index('id="medsite-notice"'))]
    assert 'class="error"' in notice and "<strong>Retracted.</strong>" in notice
    assert (
        f'<a href="https://doi.org/{fake.RETRACTION_NOTICE_DOI}">{fake.RETRACTION_NOTICE_DOI}</a>, 2 Jun 2017'
        in notice
    )
    assert "Retraction 10.5555/jcm.2017.0201, 2 Jun 2017 (Crossref, asked on" in page


def test_the_reference_admin_says_when_no_notice_was_found_and_when_never_asked(services, client, editor):
    asked = make_reference("hydration2020", doi=fake.CLEAN_DOI)
    never = make_reference("other2020")
    check_retractions([asked])
    client.force_login(editor)

    asked_page = client.get(reverse("admin:references_reference_change", args=[asked.pk])).content.decode()
    never_page = client.get(reverse("admin:references_reference_change", args=[never.pk])).content.decode()

    assert 'id="medsite-notice"' not in asked_page
    assert "None, when Crossref was asked on" in asked_page
    assert "Not checked yet" in never_page
