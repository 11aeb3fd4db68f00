"""Editors and reviewers acting on the same page at the same moment.

Each actor runs in a thread of its own, with its own database connection, against the committed
test database (``transaction=True``): the row locks (PostgreSQL's ``select_for_update``) and the
database write lock (SQLite: WAL, IMMEDIATE transactions, the busy timeout) are what keep the
actors apart. A barrier releases them together, and ``hold_locks`` makes every edit and transition
keep its lock a moment longer, so the second actor always arrives while the first holds it.
"""

from __future__ import annotations

import html
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import OperationalError, connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from conditions import workflow
from conditions.admin import ConditionAdmin
from conditions.content import ConditionData, SectionData, write_condition
from conditions.models import Condition, Publication, ReviewEvent, Section, Status
from medsite.accounts.display import display_name
from tests.factories import CHECKED, make_condition, reviewed_fields

# Transactional: each test's threads see what the others commit. The roles (groups) made by a data
# migration, flushed after each such test, are made again for each (tests/conftest.py's ``roles``).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("roles")]

Action = ReviewEvent.Action
HOLD_SECONDS = 0.3
CONFLICT = "saved this page after you opened it, so your changes were not saved"
IN_REVIEW = "is in expert review and cannot be changed"

only_on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason=(
        "On SQLite an admin request's transaction holds the database's write lock from its first "
        "statement (BEGIN IMMEDIATE), so no transition can commit between the edit's read of the "
        "page and its save: this interleaving cannot happen there."
    ),
)


@dataclass
class Outcome:
    value: object = None
    error: Exception | None = None


def race(*jobs: Callable[[], object], timeout: float = 60) -> list[Outcome]:
    """Run each job in its own thread, all released at once; what each returned or raised."""
    start = threading.Barrier(len(jobs))
    outcomes = [Outcome() for _ in jobs]

    def run(outcome: Outcome, job: Callable[[], object]) -> None:
        try:
            start.wait(timeout=timeout)
            outcome.value = job()
        except Exception as error:
            outcome.error = error
        finally:
            connections.close_all()  # this thread's connections only

    threads = [
        threading.Thread(target=run, args=pair, daemon=True) for pair in zip(outcomes, jobs, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "an actor never finished: a deadlock?"
    return outcomes


def split(outcomes: list[Outcome]) -> tuple[list[Outcome], list[Outcome]]:
    return [o for o in outcomes if o.error is None], [o for o in outcomes if o.error is not None]


@pytest.fixture
def hold_locks(monkeypatch):
    """Every edit and transition keeps its lock HOLD_SECONDS longer: it logs its event under it."""
    log_event = workflow._event

    def slow_event(*args, **kwargs):
        time.sleep(HOLD_SECONDS)
        return log_event(*args, **kwargs)

    monkeypatch.setattr(workflow, "_event", slow_event)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def change_url(condition: Condition) -> str:
    return reverse("admin:conditions_condition_change", args=[condition.pk])


def workflow_url(condition: Condition, action: str) -> str:
    return reverse("admin:conditions_condition_workflow", args=[condition.pk, action])


def seen_version(page_html: str) -> int:
    """The edit lock the change form was opened at, as the browser will post it back."""
    return int(re.search(r'name="lock_version_seen" value="(\d+)"', page_html).group(1))


def change_form(condition: Condition, *, seen: int, summary: str, overview: str) -> dict:
    """The change form as a browser posts it: the page's sections, with a new overview."""
    sections = list(condition.sections.all())
    data = {
        "name": condition.name,
        "slug": condition.slug,
        "also_called": condition.also_called,
        "summary": summary,
        "review_interval_months": condition.review_interval_months,
        "source_updated_on": "",
        "lock_version_seen": seen,
        "sections-TOTAL_FORMS": len(sections),
        "sections-INITIAL_FORMS": len(sections),
        "short_answers-TOTAL_FORMS": 0,
        "short_answers-INITIAL_FORMS": 0,
        "condition_references-TOTAL_FORMS": 0,
        "condition_references-INITIAL_FORMS": 0,
    }
    for i, section in enumerate(sections):
        body = overview if section.kind == Section.Kind.OVERVIEW else section.body
        data.update(
            {
                f"sections-{i}-id": section.pk,
                f"sections-{i}-condition": condition.pk,
                f"sections-{i}-kind": section.kind,
                f"sections-{i}-heading": section.heading,
                f"sections-{i}-body": body,
                f"sections-{i}-position": section.position,
            }
        )
    return data


def overview_of(condition: Condition) -> str:
    return condition.sections.get(kind=Section.Kind.OVERVIEW).body


def saved_texts(condition: Condition) -> list[str]:
    """Every summary the page's version history holds, oldest first."""
    versions = Version.objects.get_for_object(condition).order_by("pk")
    return [version.field_dict["summary"] for version in versions]


def versions_containing(text: str) -> int:
    return Version.objects.filter(serialized_data__contains=text).count()


def actions(condition: Condition) -> list[str]:
    return list(condition.review_events.order_by("id").values_list("action", flat=True))


# --- two editors, one page ---------------------------------------------------------------------


def test_two_editors_saving_at_once_one_wins_and_the_other_gets_the_conflict(editor, editor2, hold_locks):
    page = make_condition(editor, sections=[("overview", "First draft of the overview.")])
    opened = threading.Barrier(2)
    texts = {editor: "Overview by Edna: rest and fluids.", editor2: "Overview by Eric: see a doctor."}

    def save(user):
        def job():
            seen = Condition.objects.get(pk=page.pk).lock_version  # the editor opens the page
            opened.wait(timeout=10)  # both opened the same version before either saves
            data = ConditionData(
                name=page.name,
                slug=page.slug,
                summary=texts[user],
                sections=[SectionData(kind="overview", body=texts[user])],
            )
            write_condition(data, by=user, comment="Edited", lock_version=seen)
            return user

        return job

    (won,), (lost,) = split(race(save(editor), save(editor2)))
    winner, loser = won.value, (editor2 if won.value == editor else editor)
    assert isinstance(lost.error, workflow.EditConflict)
    assert "Someone else saved “Example syndrome” while you were editing it" in str(lost.error)
    page.refresh_from_db()
    assert (page.summary, overview_of(page), page.lock_version) == (texts[winner], texts[winner], 1)
    assert saved_texts(page) == ["A condition used in tests.", texts[winner]]
    assert versions_containing(texts[loser]) == 0  # refused whole: no half-saved section either
    assert actions(page) == [Action.EDIT, Action.EDIT]


def test_two_editors_saving_at_once_in_the_admin_the_loser_keeps_their_text(editor, editor2, hold_locks):
    page = make_condition(editor, sections=[("overview", "First draft of the overview.")])
    clients = {editor: logged_in(editor), editor2: logged_in(editor2)}
    texts = {editor: "Overview by Edna: rest and fluids.", editor2: "Overview by Eric: see a doctor."}
    opened = threading.Barrier(2)

    def save(user):
        def job():
            form = clients[user].get(change_url(page))  # the editor opens the page
            assert form.status_code == 200
            opened.wait(timeout=10)
            text = texts[user]
            data = change_form(page, seen=seen_version(form.text), summary=f"Summary: {text}", overview=text)
            return user, clients[user].post(change_url(page), data)

        return job

    outcomes = race(save(editor), save(editor2))
    responses = dict(outcome.value for outcome in outcomes)
    assert sorted(response.status_code for response in responses.values()) == [200, 302]
    winner = next(user for user, response in responses.items() if response.status_code == 302)
    loser = editor2 if winner == editor else editor
    refused = responses[loser].text
    assert f"{display_name(winner)} {CONFLICT}" in refused
    # The losing editor's text is still in their form, to copy into the current version.
    assert html.escape(texts[loser]) in refused
    assert html.escape(f"Summary: {texts[loser]}") in refused
    page.refresh_from_db()
    assert (page.summary, overview_of(page)) == (f"Summary: {texts[winner]}", texts[winner])
    assert page.lock_version == 1 and page.updated_by == winner
    assert saved_texts(page)[-1] == f"Summary: {texts[winner]}"
    assert versions_containing(texts[loser]) == 0
    assert actions(page) == [Action.EDIT, Action.EDIT]


# --- transitions ---------------------------------------------------------------------------------


def approve_job(page: Condition, reviewer, **options) -> Callable[[], Publication]:
    # Each actor reads the page itself, as its own request would.
    return lambda: workflow.approve(
        Condition.objects.get(pk=page.pk), by=reviewer, attestation=CHECKED, **options
    )


def test_two_reviewers_approving_at_once_publish_once(editor, reviewer, reviewer2, hold_locks):
    page = make_condition(editor)
    workflow.submit(page, by=editor)
    (won,), (lost,) = split(race(approve_job(page, reviewer), approve_job(page, reviewer2)))
    assert isinstance(lost.error, workflow.WorkflowError)
    assert "is not in expert review" in str(lost.error)
    page.refresh_from_db()
    publication = page.publications.get()
    assert publication == won.value == page.live_publication
    assert page.status == Status.PUBLISHED
    assert actions(page) == [Action.EDIT, Action.SUBMIT, Action.APPROVE]
    assert page.review_events.get(action=Action.APPROVE).publication == publication


def test_two_reviewers_approving_at_once_in_the_admin_publish_once(editor, reviewer, reviewer2, hold_locks):
    page = make_condition(editor)
    workflow.submit(page, by=editor)
    data = {
        "kind": "clinical",
        "text": "Checked against the guideline.",
        "attestation": CHECKED,
        **reviewed_fields(page),
    }

    def approve(user):
        client = logged_in(user)
        return lambda: client.post(workflow_url(page, "approve"), data, follow=True).text

    pages = [outcome.value for outcome in race(approve(reviewer), approve(reviewer2))]
    assert sorted("“Example syndrome”: approved." in text for text in pages) == [False, True]
    assert sum("is not in expert review" in text for text in pages) == 1
    page.refresh_from_db()
    assert page.publications.count() == 1 and page.live_publication is not None
    assert actions(page) == [Action.EDIT, Action.SUBMIT, Action.APPROVE]


@pytest.mark.parametrize("back_to_draft", ["withdraw", "request_changes"])
def test_approve_racing_a_return_to_draft_ends_in_one_consistent_state(
    back_to_draft, editor, reviewer, reviewer2, hold_locks
):
    page = make_condition(editor)
    workflow.submit(page, by=editor)

    def send_back():
        current = Condition.objects.get(pk=page.pk)
        if back_to_draft == "withdraw":
            return workflow.withdraw(current, by=editor, comment="One more section to write.")
        return workflow.request_changes(current, by=reviewer2, comment="Cite the 2021 trial.")

    approved, sent_back = race(approve_job(page, reviewer), send_back)
    assert (approved.error is None) != (sent_back.error is None), "exactly one of them may succeed"
    page.refresh_from_db()
    if approved.error is None:
        assert "is not in expert review" in str(sent_back.error)
        assert page.status == Status.PUBLISHED
        assert page.live_publication == approved.value == page.publications.get()
        assert actions(page) == [Action.EDIT, Action.SUBMIT, Action.APPROVE]
    else:
        assert "is not in expert review" in str(approved.error)
        assert page.status == Status.DRAFT
        assert page.live_publication is None and not page.publications.exists()
        assert actions(page) == [Action.EDIT, Action.SUBMIT, back_to_draft]


@pytest.mark.parametrize("runner", ["go_live", "publish_scheduled"])
def test_scheduled_publication_run_twice_at_once_goes_live_once(runner, editor, reviewer, hold_locks):
    page = make_condition(editor)
    workflow.submit(page, by=editor)
    publication = workflow.approve(
        page, by=reviewer, attestation=CHECKED, go_live_at=timezone.now() + timedelta(hours=1)
    )
    due = timezone.now() + timedelta(hours=2)

    def run():
        if runner == "go_live":
            return workflow.go_live(Condition.objects.get(pk=page.pk), by=reviewer, now=due)
        return workflow.publish_scheduled(by=reviewer, now=due)

    results = [outcome.value for outcome in race(run, run)]
    nothing = None if runner == "go_live" else []
    expected = publication if runner == "go_live" else [publication]
    assert sorted(results, key=bool) == [nothing, expected]
    page.refresh_from_db()
    publication.refresh_from_db()
    assert page.live_publication == publication and page.scheduled_publication is None
    assert publication.went_live_at == due
    assert actions(page).count(Action.GO_LIVE) == 1


def submitted_overview(page: Condition) -> str:
    """The overview as it stood when the page went to review: what the reviewer was shown."""
    submitted = page.review_events.get(action=Action.SUBMIT)
    version = Version.objects.get_for_model(Section).get(revision=submitted.revision_id)
    return version.field_dict["body"]


def test_submit_racing_an_edit_never_publishes_unreviewed_text(editor, editor2, reviewer, hold_locks):
    page = make_condition(editor, sections=[("overview", "Reviewed overview.")])
    client = logged_in(editor2)
    seen = seen_version(client.get(change_url(page)).text)  # the form is open before the submit
    late = "Late edit: an untested claim."
    data = change_form(page, seen=seen, summary=page.summary, overview=late)
    edited, submitted = race(
        lambda: client.post(change_url(page), data),
        lambda: workflow.submit(Condition.objects.get(pk=page.pk), by=editor),
    )
    assert (edited.error, submitted.error) == (None, None)
    response = edited.value
    if response.status_code == 302:  # the edit came first: the submit sent the edited page
        assert actions(page) == [Action.EDIT, Action.EDIT, Action.SUBMIT]
    elif response.status_code == 200:  # the edit read the page before the submit: refused in the form
        assert IN_REVIEW in response.text and late in response.text
    else:  # the edit read the page after the submit: it is read-only
        assert response.status_code == 403
    publication = workflow.approve(page, by=reviewer, attestation=CHECKED)
    published = publication.structured_data["sections"][0]["markdown"]
    assert published == submitted_overview(page) == overview_of(page)
    assert published == (late if response.status_code == 302 else "Reviewed overview.")


# --- the same races, paused at their worst moment (PostgreSQL) -------------------------------------


@pytest.fixture
def paused_edit(monkeypatch):
    """Pause the admin's save of a page right after its request read the page, before it locks the
    row; returns (read, resume) events. Another actor can then commit a transition in between."""
    read, resume = threading.Event(), threading.Event()
    get_object = ConditionAdmin.get_object

    def pausing_get_object(self, request, object_id, from_field=None):
        found = get_object(self, request, object_id, from_field)
        if request.method == "POST":
            read.set()
            assert resume.wait(timeout=30)
        return found

    monkeypatch.setattr(ConditionAdmin, "get_object", pausing_get_object)
    return read, resume


@only_on_postgresql
def test_page_sent_to_review_during_a_save_refuses_the_save_and_keeps_the_text(editor, editor2, paused_edit):
    read, resume = paused_edit
    page = make_condition(editor, sections=[("overview", "Reviewed overview.")])
    client = logged_in(editor2)
    late = "Late edit: an untested claim."
    data = change_form(page, seen=page.lock_version, summary=page.summary, overview=late)
    thread_outcome = Outcome()

    def save():
        try:
            thread_outcome.value = client.post(change_url(page), data)
        except Exception as error:
            thread_outcome.error = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=save, daemon=True)
    thread.start()
    assert read.wait(timeout=30)
    workflow.submit(page, by=editor)  # commits while the save holds its stale copy of the page
    resume.set()
    thread.join(30)
    assert thread_outcome.error is None, thread_outcome.error
    response = thread_outcome.value
    assert response.status_code == 200
    assert IN_REVIEW in response.text and late in response.text
    page.refresh_from_db()
    assert page.status == Status.EXPERT_REVIEW
    assert overview_of(page) == "Reviewed overview."
    assert actions(page) == [Action.EDIT, Action.SUBMIT]


@only_on_postgresql
def test_save_in_flight_during_an_approval_does_not_take_the_page_offline(
    client, editor, editor2, reviewer, paused_edit
):
    read, resume = paused_edit
    page = make_condition(editor, sections=[("overview", "Reviewed overview.")])
    editing = logged_in(editor2)
    data = change_form(
        page, seen=page.lock_version, summary="A clearer summary.", overview="Reviewed overview."
    )
    thread_outcome = Outcome()

    def save():
        try:
            thread_outcome.value = editing.post(change_url(page), data)
        finally:
            connections.close_all()

    thread = threading.Thread(target=save, daemon=True)
    thread.start()
    assert read.wait(timeout=30)
    workflow.submit(page, by=editor)
    publication = workflow.approve(page, by=reviewer, attestation=CHECKED)
    resume.set()
    thread.join(30)
    assert thread_outcome.value.status_code == 302  # an edit of the approved text: a new draft
    page.refresh_from_db()
    assert page.status == Status.DRAFT and page.summary == "A clearer summary."
    assert page.live_publication == publication and page.last_reviewed_on is not None
    assert client.get(page.get_absolute_url()).status_code == 200


# --- many writers --------------------------------------------------------------------------------

WRITERS, SAVES = 8, 25


def test_many_writers_at_once_never_fail_and_lose_nothing(editor):
    """On SQLite: WAL, IMMEDIATE transactions and the busy timeout make writers take turns,
    never fail with "database is locked"."""
    pages = [make_condition(editor, name=f"Busy page {n}") for n in range(WRITERS)]

    def writer(page: Condition) -> Callable[[], list[str]]:
        def job() -> list[str]:
            failures = []
            for n in range(SAVES):
                try:
                    current = Condition.objects.get(pk=page.pk)
                    if n % 5 == 4:  # now and then a round trip through review
                        workflow.submit(current, by=editor)
                        workflow.withdraw(current, by=editor)
                    data = ConditionData(name=page.name, slug=page.slug, summary=f"{page.name}, save {n}.")
                    write_condition(data, by=editor, comment="Saved", lock_version=current.lock_version)
                except OperationalError as error:
                    failures.append(str(error))
            return failures

        return job

    outcomes = race(*(writer(page) for page in pages), timeout=300)
    assert [outcome.error for outcome in outcomes] == [None] * WRITERS
    assert [failure for outcome in outcomes for failure in outcome.value] == []
    for page in pages:
        page.refresh_from_db()
        assert page.summary == f"{page.name}, save {SAVES - 1}."
        expected = [f"{page.name}, save {n}." for n in range(SAVES)]
        # Transitions record versions too, with the summary of the save before them.
        assert list(dict.fromkeys(text for text in saved_texts(page) if text in expected)) == expected
        events = actions(page)
        assert events.count(Action.EDIT) == SAVES + 1
        assert events.count(Action.SUBMIT) == events.count(Action.WITHDRAW) == SAVES // 5
