"""Review integrity under any interleaving: a property-based (stateful) test.

Three people (an editor and two medical reviewers) and an import act on one page and the
reference it cites, in any order: edits, reference edits, restores of old versions, imports,
submissions, withdrawals, requests for changes, approvals (now or scheduled, clinical or
editorial), cancellations, go-lives and unpublications with retractions. Every piece of text
anyone writes carries its author's name ("T7 by rita"), so after every step the test can read,
from what the public is shown, who wrote it, and check:

- every version that went public was approved by someone who had not written any of its text,
  unless an earlier clinical approval by someone else, already public, covered that text;
- each version names its true reviewer;
- the public page and the API show exactly the live version, and a withdrawn or retracted version
  is not shown at all.
"""

from __future__ import annotations

import contextlib
import itertools
import re
from datetime import timedelta

import pytest
import reversion
from django.db import transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from reversion.models import Version

from conditions import history, workflow
from conditions.content import ConditionData, SectionData, write_condition
from conditions.models import Condition, Publication, Status, display_name, system_user
from references.models import Reference
from references.usage import refusal_change_in_review
from tests.factories import CHECKED

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

TOKEN = re.compile(r"\b[TRI]\d+ by (\w[\w-]*)")
SLUG = "integrity-page"


def _tokens(text: str) -> set[tuple[str, str]]:
    return {(match.group(0), match.group(1)) for match in TOKEN.finditer(text)}


def _publication_tokens(publication: Publication) -> set[tuple[str, str]]:
    data = publication.structured_data
    texts = [section["markdown"] for section in data.get("sections", [])]
    texts += [reference.get("title", "") for reference in data.get("references", [])]
    return set().union(*(_tokens(text) for text in texts))


class ReviewIntegrity(RuleBasedStateMachine):
    people: dict[str, object] = {}

    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.counter = itertools.count(1)
        self.system = system_user()
        self.reference = Reference.objects.create(
            key="shared2024", kind="journal-article", title="R0 by nobody"
        )
        self.condition, _ = write_condition(
            ConditionData(
                name="Integrity page",
                slug=SLUG,
                summary="A page written and reviewed in every order.",
                sections=[SectionData("overview", "T0 by nobody [@shared2024].")],
                reference_keys=["shared2024"],
            ),
            by=self.system,
            comment="Created",
        )
        self.client = Client()

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _page(self) -> Condition:
        return Condition.objects.get(pk=self.condition.pk)

    def _status(self) -> str:
        return self._page().status

    def _attempt(self, action, *args, **kwargs) -> None:
        # Refused: the state is unchanged, which the invariants check too.
        with contextlib.suppress(workflow.WorkflowError):
            action(*args, **kwargs)

    # --- what people do ------------------------------------------------------------------------

    @precondition(lambda self: self._status() != Status.EXPERT_REVIEW)
    @rule(who=st.sampled_from(["edna", "rita", "ravi"]))
    def edit(self, who: str) -> None:
        text = f"T{next(self.counter)} by {who} [@shared2024]."
        data = ConditionData(name="Integrity page", slug=SLUG, sections=[SectionData("overview", text)])
        self._attempt(write_condition, data, by=self.people[who], comment="Edited")

    @precondition(lambda self: self._status() != Status.EXPERT_REVIEW)
    @rule(who=st.sampled_from(["system"]))
    def import_page(self, who: str) -> None:
        text = f"I{next(self.counter)} by {who} [@shared2024]."
        data = ConditionData(name="Integrity page", slug=SLUG, sections=[SectionData("overview", text)])
        self._attempt(write_condition, data, by=self.system, comment="Imported from a file")

    @rule(who=st.sampled_from(["edna", "rita", "ravi"]))
    def edit_reference(self, who: str) -> None:
        reference = Reference.objects.get(pk=self.reference.pk)
        if refusal_change_in_review(reference):
            return  # the admin form and the importers refuse it
        with transaction.atomic(), reversion.create_revision():
            reversion.set_user(self.people[who])
            reference.title = f"R{next(self.counter)} by {who}"
            reference.save()

    @rule(who=st.sampled_from(["edna", "rita", "ravi"]), pick=st.integers(min_value=0, max_value=50))
    def restore(self, who: str, pick: int) -> None:
        versions = list(Version.objects.get_for_object(self.condition).order_by("pk"))
        self._attempt(history.revert, versions[pick % len(versions)], by=self.people[who])

    @precondition(lambda self: self._status() == Status.DRAFT)
    @rule(who=st.sampled_from(["edna", "rita", "ravi"]))
    def submit(self, who: str) -> None:
        self._attempt(workflow.submit, self._page(), by=self.people[who])

    @precondition(lambda self: self._status() == Status.EXPERT_REVIEW)
    @rule(who=st.sampled_from(["edna", "rita", "ravi"]))
    def withdraw(self, who: str) -> None:
        self._attempt(workflow.withdraw, self._page(), by=self.people[who])

    @precondition(lambda self: self._status() == Status.EXPERT_REVIEW)
    @rule(who=st.sampled_from(["rita", "ravi"]))
    def request_changes(self, who: str) -> None:
        self._attempt(workflow.request_changes, self._page(), by=self.people[who], comment="Not yet.")

    @precondition(lambda self: self._status() == Status.EXPERT_REVIEW)
    @rule(
        who=st.sampled_from(["edna", "rita", "ravi"]),
        later=st.booleans(),
        kind=st.sampled_from(["clinical", "clinical", "editorial"]),
        bound=st.booleans(),
    )
    def approve(self, who: str, later: bool, kind: str, bound: bool) -> None:
        page = self._page()
        options = {"go_live_at": timezone.now() + timedelta(days=1)} if later else {}
        if bound:  # through the review screen's form, which names the version read
            options["reviewed"] = workflow.reviewed_version(page)
        self._attempt(workflow.approve, page, by=self.people[who], kind=kind, attestation=CHECKED, **options)

    @precondition(lambda self: self._page().scheduled_publication_id is not None)
    @rule(who=st.sampled_from(["rita", "ravi"]))
    def cancel_schedule(self, who: str) -> None:
        self._attempt(workflow.cancel_schedule, self._page(), by=self.people[who])

    @precondition(lambda self: self._page().scheduled_publication_id is not None)
    @rule()
    def time_passes(self) -> None:
        workflow.publish_scheduled(by=self.system, now=timezone.now() + timedelta(days=2))

    @precondition(lambda self: self._page().live_publication_id is not None)
    @rule(who=st.sampled_from(["rita", "ravi"]), retract_live=st.booleans())
    def unpublish(self, who: str, retract_live: bool) -> None:
        page = self._page()
        retract = [page.live_publication.number] if retract_live and page.live_publication else []
        self._attempt(
            workflow.unpublish, page, by=self.people[who], reason="A safety problem.", retract=retract
        )

    # --- what must always hold -----------------------------------------------------------------

    @invariant()
    def public_versions_were_approved_by_someone_who_did_not_write_them(self) -> None:
        public = list(Publication.objects.public().select_related("approved_by").order_by("number"))
        for publication in public:
            approver = publication.approved_by.username
            own = {token for token, author in _publication_tokens(publication) if author == approver}
            covered = set()
            for earlier in public:
                was_public_then = earlier.went_live_at <= publication.approved_at and (
                    earlier.retracted_at is None or earlier.retracted_at > publication.approved_at
                )
                if (
                    earlier.number < publication.number
                    and earlier.kind == Publication.Kind.CLINICAL
                    and was_public_then
                    and earlier.approved_by_id != publication.approved_by_id
                ):
                    covered |= {token for token, _ in _publication_tokens(earlier)}
            assert own <= covered, f"version {publication.number} approved its own text {own - covered}"

    @invariant()
    def each_version_names_its_true_reviewer(self) -> None:
        clinical_name = None
        for publication in Publication.objects.select_related("approved_by__reviewer_profile").order_by(
            "number"
        ):
            event = publication.condition.review_events.get(action="approve", publication=publication)
            assert event.actor_id == publication.approved_by_id
            if publication.kind == Publication.Kind.CLINICAL:
                assert publication.reviewed_by_name == display_name(publication.approved_by)
                if publication.cancelled_at is None:
                    clinical_name = publication.reviewed_by_name
            else:
                assert publication.reviewed_by_name == clinical_name

    @invariant()
    def the_public_sees_exactly_the_live_version(self) -> None:
        page = self._page()
        live = page.live_publication
        response = self.client.get(f"/conditions/{SLUG}/")
        api = self.client.get(f"/api/conditions/{SLUG}/")
        if live is None:
            assert response.status_code in (404, 410) and api.status_code in (404, 410)
        else:
            assert response.status_code == 200
            assert live.html in response.content.decode()
            assert [s["markdown"] for s in api.json()["sections"]] == [
                s["markdown"] for s in live.structured_data["sections"]
            ]
            assert api.json()["review"]["reviewed_by"] == live.reviewed_by_name
        for publication in page.publications.public():
            archived = self.client.get(f"/conditions/{SLUG}/history/{publication.number}/")
            if publication.retracted_at is not None:
                assert archived.status_code == 410
                assert publication.html not in archived.content.decode()


@pytest.fixture
def people(editor, reviewer, reviewer2):
    return {"edna": editor, "rita": reviewer, "ravi": reviewer2}


def test_only_content_a_non_contributor_approved_is_ever_public(people, settings_fixture):
    ReviewIntegrity.people = people
    run_state_machine_as_test(
        ReviewIntegrity,
        settings=settings(
            max_examples=60,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )


@pytest.fixture
def settings_fixture(settings):
    # Every request reads the database: cached pages are retired only when a transaction
    # commits, and this test never commits.
    settings.MEDSITE_PAGE_CACHE_SECONDS = 0
    settings.MEDSITE_NOTIFICATIONS = False
    return settings
